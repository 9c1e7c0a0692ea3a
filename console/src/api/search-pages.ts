import { useCallback, useState } from "preact/hooks";

import type { EInvoiceClient } from "./client";
import { EInvoiceApiError } from "./client";
import { useSession } from "./session";
import { useResource, type Resource } from "./use-resource";

export type SearchQuery = NonNullable<Parameters<EInvoiceClient["searchInvoices"]>[0]>["query"] & object;
export type ListedInvoice = Awaited<ReturnType<EInvoiceClient["searchInvoices"]>>["invoices"][number];

export interface SearchPages {
  /** The first page and every further page read, in order; `hasMore` while the API names a next cursor. */
  resource: Resource<{ invoices: ListedInvoice[]; hasMore: boolean }>;
  loadMore(): void;
  loadingMore: boolean;
  /** A refusal of a further page, kept apart: the rows already read stay. */
  moreError: EInvoiceApiError | undefined;
  reload(): void;
}

/**
 * The invoice search a person pages through ("load more" by the API's nextCursor, never an offset): the first
 * page reloads when the query changes; each further page is appended. Every area passes its own query.
 */
export function useSearchPages(query: SearchQuery): SearchPages {
  const key = JSON.stringify(query);
  const first = useResource((client, signal) => client.searchInvoices({ query, signal }), [key]);
  const { client, ended } = useSession();
  const [more, setMore] = useState<{ base: unknown; invoices: ListedInvoice[]; nextCursor: string | null }>({ base: undefined, invoices: [], nextCursor: null });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<EInvoiceApiError | undefined>(undefined);
  // What was read beyond the first page belongs to that first page: a new first page (a new query, a reload) starts over.
  const extra = more.base === first.data ? more : { base: first.data, invoices: [], nextCursor: first.data?.nextCursor ?? null };

  const loadMore = useCallback(() => {
    const cursor = extra.nextCursor;
    if (cursor === null || loadingMore) return;
    setLoadingMore(true);
    setMoreError(undefined);
    client
      .searchInvoices({ query: { ...query, cursor } })
      .then((page) => setMore({ base: extra.base, invoices: [...extra.invoices, ...page.invoices], nextCursor: page.nextCursor }))
      .catch((error: unknown) => {
        if (!(error instanceof EInvoiceApiError)) throw error;
        ended(error);
        setMoreError(error);
      })
      .finally(() => setLoadingMore(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, ended, extra, loadingMore, key]);

  const data = first.data === undefined ? undefined : { invoices: [...first.data.invoices, ...extra.invoices], hasMore: extra.nextCursor !== null };
  const resource = { ...first, data } as Resource<{ invoices: ListedInvoice[]; hasMore: boolean }>;
  return { resource, loadMore, loadingMore, moreError, reload: first.reload };
}
