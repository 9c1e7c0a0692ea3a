import { listParticipants, searchInvoices, type ListParticipantsOptions, type SearchInvoicesOptions, type ListParticipantsResult, type SearchInvoicesResult } from "./generated/operations";
import type { Transport } from "./transport-types";

export type InvoiceListItem = SearchInvoicesResult["invoices"][number];
export type ParticipantListItem = ListParticipantsResult["participants"][number];

/**
 * Every invoice a search finds, page after page: each page's `nextCursor` is sent back, unchanged, with the same
 * filters and sort, until there is none. Pages are fetched as the loop asks for them (break to stop early).
 */
export async function* iterateInvoices(transport: Transport, options: Omit<SearchInvoicesOptions, "query"> & { query?: Omit<NonNullable<SearchInvoicesOptions["query"]>, "cursor" | "after"> } = {}): AsyncGenerator<InvoiceListItem, void, undefined> {
  let cursor: string | undefined;
  do {
    const page: SearchInvoicesResult = await searchInvoices(transport, { ...options, query: { ...options.query, ...(cursor === undefined ? {} : { cursor }) } });
    yield* page.invoices;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Every participant a listing shows (the bureau: all; an enterprise: its employees), page after page by account. */
export async function* iterateParticipants(transport: Transport, options: Omit<ListParticipantsOptions, "query"> & { query?: Omit<NonNullable<ListParticipantsOptions["query"]>, "after"> } = {}): AsyncGenerator<ParticipantListItem, void, undefined> {
  const limit = options.query?.limit ?? "100";
  let after: string | undefined;
  for (;;) {
    const page: ListParticipantsResult = await listParticipants(transport, { ...options, query: { ...options.query, limit, ...(after === undefined ? {} : { after }) } });
    yield* page.participants;
    const last = page.participants.at(-1);
    if (last === undefined || page.participants.length < Number(limit)) return;
    after = last.account;
  }
}
