import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { EInvoiceApiError } from "../../api/client";
import { useSession } from "../../api/session";
import { useResource, type Resource } from "../../api/use-resource";
import { yuanText } from "../../format/money";
import { CATALOGUES, type MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { AREAS } from "../../roles";

/**
 * What the enterprise's pages share: links, tax periods, the paged invoice search, and bulk steps (one SDK call
 * per invoice, each with its own idempotency key kept until the API has answered it).
 */

export const BASE = AREAS.enterprise.base;
export const invoiceHref = (id: string) => `${BASE}/invoices/${id}`;

export type SearchQuery = NonNullable<Parameters<EInvoiceClient["searchInvoices"]>[0]>["query"] & object;
export type ListedInvoice = Awaited<ReturnType<EInvoiceClient["searchInvoices"]>>["invoices"][number];

/** The document's fields the pages show (the API types it as an open record). */
export interface InvoiceItem {
  name: string;
  specification?: string;
  unit?: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  taxRate: number;
  tax: string;
}
export interface DocumentFacts {
  items: InvoiceItem[];
  totals?: { amount: string; tax: string; total: string };
  buyer?: { type: string; name: string | null; taxpayerId?: string };
  seller?: { name: string; taxpayerId: string };
  remarks?: string;
  issuedAt?: string;
}

export function documentFacts(file: { document: Record<string, unknown> } | undefined): DocumentFacts | undefined {
  if (file === undefined) return undefined;
  const document = file.document as Partial<DocumentFacts>;
  return { ...document, items: Array.isArray(document.items) ? document.items : [] } as DocumentFacts;
}

/** The amount before tax: the document's when the enterprise may read it, else total less tax (both from the ledger). */
export const amountOf = (invoice: { total: string; tax: string; document?: { document: Record<string, unknown> } | undefined }): string =>
  documentFacts(invoice.document)?.totals?.amount ?? (BigInt(invoice.total) - BigInt(invoice.tax)).toString();

/** Fields of the index's summary the SDK types loosely (the list answer keeps every field of the summary). */
export const filedPeriodOf = (invoice: ListedInvoice): number | null => (typeof invoice["filedPeriod"] === "number" ? invoice["filedPeriod"] : null);
export const pendingCreditNoteOf = (invoice: ListedInvoice): string | null => (typeof invoice["pendingCreditNote"] === "string" ? invoice["pendingCreditNote"] : null);
export const updatedAtOf = (invoice: ListedInvoice): string => (typeof invoice["updatedAt"] === "string" ? invoice["updatedAt"] : invoice.issuedAt);

// ---- tax periods ----------------------------------------------------------------------------------------------

/** The tax period (YYYYMM) of an instant, in China Standard Time (as the ledger counts periods). */
export function periodOfDate(date: Date): number {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" }).formatToParts(date);
  const year = parts.find((p) => p.type === "year")?.value ?? "1970";
  const month = parts.find((p) => p.type === "month")?.value ?? "01";
  return Number(`${year}${month}`);
}
export const currentPeriod = () => periodOfDate(new Date());

/** "2026-11" (an <input type=month>) or "202611" as a period, or undefined. */
export function periodOfText(text: string): number | undefined {
  const match = /^\s*(\d{4})-?(\d{2})\s*$/.exec(text);
  if (match === null) return undefined;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? Number(`${match[1]}${match[2]}`) : undefined;
}
export const monthValue = (period: number) => `${String(period).slice(0, 4)}-${String(period).slice(4)}`;

/** The instants a period spans: from its first day 00:00 China time to the next period's. */
export function periodSpan(period: number): { from: number; to: number } {
  const year = Math.floor(period / 100);
  const month = period % 100;
  const cst = 8 * 3600 * 1000;
  return { from: Date.UTC(year, month - 1, 1) - cst, to: Date.UTC(year, month, 1) - cst };
}

export function usePeriodText() {
  const { t } = useI18n();
  return (period: number) => t("enterprise.period.value", { year: Math.floor(period / 100), month: period % 100 });
}

/** A tax period picker: a month field, the period it names in words, and its error. */
export function PeriodPicker({ id, value, onChange }: { id: string; value: string; onChange(text: string): void }) {
  const { t } = useI18n();
  const periodText = usePeriodText();
  const period = periodOfText(value);
  return (
    <div class={period === undefined ? "field field-invalid" : "field"}>
      <label for={id}>{t("invoice.period")}</label>
      <input
        id={id}
        type="month"
        value={value}
        aria-describedby={`${id}-hint`}
        aria-invalid={period === undefined ? "true" : undefined}
        onInput={(event) => onChange(event.currentTarget.value)}
      />
      <p class={period === undefined ? "field-error" : "field-hint"} id={`${id}-hint`}>
        {period === undefined ? t("enterprise.period.invalid") : periodText(period)}
      </p>
    </div>
  );
}

// ---- money as text for files ------------------------------------------------------------------------------------

/** Yuan with two decimals and no grouping ("1234.50"), exact from fen: for CSV cells. */
export function plainYuan(fen: string | bigint): string {
  return yuanText(fen).replace(/,/g, "");
}

/** One CSV line (RFC 4180 quoting). */
export const csvLine = (cells: readonly (string | number)[]) => cells.map((cell) => (/[",\r\n]/.test(String(cell)) ? `"${String(cell).replace(/"/g, '""')}"` : String(cell))).join(",");

// ---- reading pages ----------------------------------------------------------------------------------------------

/**
 * A search the person pages through: the first page reloads when the query changes; "load more" appends the
 * page `nextCursor` names. A refusal of a further page is kept apart, so the rows already read stay.
 */
export function useInvoicePages(query: SearchQuery): {
  resource: Resource<{ invoices: ListedInvoice[]; hasMore: boolean }>;
  loadMore(): void;
  loadingMore: boolean;
  moreError: EInvoiceApiError | undefined;
  reload(): void;
} {
  const key = JSON.stringify(query);
  const first = useResource((client, signal) => client.searchInvoices({ query, signal }), [key]);
  const { client, ended } = useSession();
  const [more, setMore] = useState<{ base: unknown; invoices: ListedInvoice[]; nextCursor: string | null }>({ base: undefined, invoices: [], nextCursor: null });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<EInvoiceApiError | undefined>(undefined);
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
  }, [client, ended, extra, loadingMore, query]);

  const data = first.data === undefined ? undefined : { invoices: [...first.data.invoices, ...extra.invoices], hasMore: extra.nextCursor !== null };
  const resource = { ...first, data } as Resource<{ invoices: ListedInvoice[]; hasMore: boolean }>;
  return { resource, loadMore, loadingMore, moreError, reload: first.reload };
}

/** Every page of a search (for totals and lists the API cannot filter further), at most `cap` invoices. */
export async function searchAll(client: EInvoiceClient, query: SearchQuery, signal: AbortSignal, cap = 5000): Promise<{ invoices: ListedInvoice[]; truncated: boolean }> {
  const invoices: ListedInvoice[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await client.searchInvoices({ query: { ...query, limit: "500", ...(cursor === undefined ? {} : { cursor }) }, signal });
    invoices.push(...page.invoices);
    if (page.nextCursor === null) return { invoices, truncated: false };
    if (invoices.length >= cap) return { invoices, truncated: true };
    cursor = page.nextCursor;
  }
}

// ---- bulk steps -------------------------------------------------------------------------------------------------

/** A random idempotency key (crypto.getRandomValues works on plain http too, unlike randomUUID). */
export function newIdempotencyKey(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export type StepOutcome = { status: "running" } | { status: "done" } | { status: "refused"; error: EInvoiceApiError };

/** One step of a bulk run: its name (with what its body holds, so that another body gets another key) and its call. */
export interface BulkStep {
  name: string;
  call(client: EInvoiceClient, id: string, idempotencyKey: string): Promise<unknown>;
}

/**
 * Runs one step over many invoices: one SDK call per invoice, a few at a time, each with its own idempotency
 * key. A key is kept while the outcome is unknown (no answer, or the API asked to retry), so that trying again
 * never does a step twice; it is dropped once the API has answered.
 */
export function useBulk() {
  const { client, ended } = useSession();
  const keys = useRef(new Map<string, string>());
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, StepOutcome>>(new Map());
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  const run = useCallback(
    async (ids: readonly string[], step: BulkStep): Promise<Map<string, StepOutcome>> => {
      const results = new Map<string, StepOutcome>();
      const show = (id: string, outcome: StepOutcome) => {
        results.set(id, outcome);
        if (live.current) setOutcomes((previous) => new Map(previous).set(id, outcome));
      };
      setRunning(true);
      setOutcomes(new Map());
      setProgress({ done: 0, total: ids.length });
      let done = 0;
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const slot = `${step.name}:${id}`;
          const key = keys.current.get(slot) ?? newIdempotencyKey(step.name.split(":")[0] ?? "step");
          keys.current.set(slot, key);
          show(id, { status: "running" });
          try {
            await step.call(client, id, key);
            keys.current.delete(slot);
            show(id, { status: "done" });
          } catch (error) {
            if (!(error instanceof EInvoiceApiError)) throw error;
            ended(error);
            if (!error.retryable) keys.current.delete(slot);
            show(id, { status: "refused", error });
          }
          done += 1;
          if (live.current) setProgress({ done, total: ids.length });
        }
      };
      // A few at a time: the API groups concurrent writes into blocks, and the person sees steady progress.
      await Promise.all(Array.from({ length: Math.min(3, ids.length) }, worker));
      if (live.current) setRunning(false);
      return results;
    },
    [client, ended],
  );

  return { run, outcomes, progress, running, clear: () => (setOutcomes(new Map()), setProgress(undefined)) };
}

/** The text of a key built from the API's data (an event type, a reason code), or the fallback when the catalogue has none. */
export function useKnownText() {
  const { t, language } = useI18n();
  return (key: string, fallback: string) => (key in CATALOGUES[language] ? t(key as MessageKey) : fallback);
}

/** The reasons the console offers for rejecting a claim: short ASCII codes, stored on chain and shown to the employee with their label. */
export const REJECT_REASONS = ["MISSING_RECEIPT", "OVER_BUDGET", "NOT_BUSINESS", "DUPLICATE", "WRONG_DETAILS"] as const;

/** A reason code in words (with the code itself, which is what the chain keeps). */
export function useReasonText() {
  const known = useKnownText();
  return (code: string) => `${known(`enterprise.reason.${code}`, code)} (${code})`;
}
