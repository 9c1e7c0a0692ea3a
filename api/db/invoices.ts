import { sql, type RawBuilder, type Selectable } from "kysely";

import { periodEnd, periodStart } from "../domain/tax-period";
import { checksummedAccount, type InvoiceState } from "../indexer/events";
import type { InvoiceSummary } from "../indexer/invoice-summary";
import { anyOf, insertRows, jsonRecords, type JsonRow } from "./bulk";
import type { CopyRows } from "./copy-rows";
import type { Db } from "./database";
import type { InvoicesTable } from "./schema";

/**
 * The invoices of the event index: each invoice's summary as its events left it (`invoices`), by invoice
 * number. Accounts are kept in lowercase and answered checksummed, as the events carry them. Searches read
 * whose an invoice is from the summary's own columns (seller, holder, enterprise), which their indexes serve
 * in every order a search offers.
 */

const lowerOrNull = (account: string | null) => (account === null ? null : account.toLowerCase());
const accountOrNull = (account: string | null) => (account === null ? null : checksummedAccount(account));

/** An `invoices` row as the summary it holds. */
export function summaryOf(row: Selectable<InvoicesTable>): InvoiceSummary {
  return {
    id: row.id,
    number: row.number,
    seller: checksummedAccount(row.seller),
    buyerTaxId: row.buyer_tax_id,
    total: row.total,
    tax: row.tax,
    state: row.state as InvoiceState,
    frozenFrom: row.frozen_from as InvoiceState | null,
    holder: accountOrNull(row.holder),
    enterprise: accountOrNull(row.enterprise),
    filedPeriod: row.filed_period,
    reversedTotal: row.reversed_total,
    reversedTax: row.reversed_tax,
    pendingCreditNote: row.pending_credit_note,
    issuedAt: row.issued_at.toISOString(),
    issuedPeriod: row.issued_period,
    updatedAt: row.updated_at.toISOString(),
    seal: row.seal,
  };
}

/** The summaries of these invoices that the index holds, in no particular order. */
export async function invoiceSummaries(db: Db, ids: readonly string[]): Promise<InvoiceSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("invoices")
    .selectAll()
    .where("id", "=", anyOf(ids.map((id) => id.toLowerCase())))
    .execute();
  return rows.map(summaryOf);
}

/** The orders a search offers: by number, issue time or total, each way; ties always by number, the same way. */
export type InvoiceSortKey = "number" | "issued_at" | "total";

/**
 * Where a page starts: after the row whose sort key is `key` and number `number` (digits). For `issued_at` the key
 * is the issue time in microseconds since 1970 (digits): exact, where a JavaScript Date keeps only milliseconds.
 */
export interface KeysetPosition {
  key: string;
  number: string;
}

/** The columns of `invoices` that name one account (or the buyer's taxpayer ID): who an invoice is whose. */
export type AccountColumn = "seller" | "holder" | "enterprise" | "buyer_tax_id";

export interface InvoiceSearchQuery {
  /**
   * Whose invoices: those where at least one of these columns holds its value (a party's own: the columns its
   * role can be in; an enterprise's pool: `buyer_tax_id`). Absent: every invoice (the bureau).
   */
  visibleTo?: readonly { column: AccountColumn; value: string }[] | undefined;
  numbers?: readonly string[] | undefined;
  /** The request id (keccak256 of the merchant's reference) of the invoice's document. */
  requestId?: string | undefined;
  /** The seller is one of these accounts (a merchant's, or those registered under a taxpayer ID); none: no invoice. */
  sellers?: readonly string[] | undefined;
  buyerTaxId?: string | undefined;
  holder?: string | undefined;
  enterprise?: string | undefined;
  states?: readonly InvoiceState[] | undefined;
  /** Issue time from (inclusive), ISO. */
  issuedFrom?: string | undefined;
  /** Issue time up to, ISO: inclusive, or exclusive (the start of the day after a date). */
  issuedTo?: { time: string; inclusive: boolean } | undefined;
  periodFrom?: number | undefined;
  periodTo?: number | undefined;
  totalMin?: string | undefined;
  totalMax?: string | undefined;
  /** With a credit note awaiting the buyer's confirmation (true), or without (false). */
  reversalPending?: boolean | undefined;
  sort: { key: InvoiceSortKey; descending: boolean };
  after?: KeysetPosition | undefined;
  limit: number;
}

/** A row of a search: the summary, and its position for the next page's keyset. */
export interface InvoiceSearchRow {
  summary: InvoiceSummary;
  position: KeysetPosition;
}

/** Microseconds since 1970 (digits) as an ISO time PostgreSQL reads exactly (six decimals). */
export function microsToIso(micros: string): string {
  const value = BigInt(micros);
  const iso = new Date(Number(value / 1000n)).toISOString();
  return `${iso.slice(0, -1)}${(value % 1000n).toString().padStart(3, "0")}Z`;
}

type SearchRow = Selectable<InvoicesTable> & { issued_micros: string };

/** Accounts are kept lowercase; taxpayer IDs as they are. */
const columnValue = (column: AccountColumn, value: string) => (column === "buyer_tax_id" ? value : value.toLowerCase());

/**
 * Invoices matching `query`, in its order, after `query.after`, at most `query.limit`: keyset pagination
 * (`(sort key, number) > (...)`, never OFFSET), so a page costs the same however deep it is.
 *
 * How it stays fast at a million invoices:
 * - Numbers follow issue time: the ledger numbers invoices in issuance order, and a block's time is never below
 *   its parent's (the node mines at max(parent, now); Ethereum's consensus rules require it). So the issue-time
 *   order is the number order, and every issue-time or tax-period range is a range of numbers, found with one
 *   probe of the (issued_at, number) index. Sorts by issue time use the number indexes, and every index that ends
 *   in the number (the number itself; seller, holder, enterprise, buyer, state then the number: 0001) serves time
 *   ranges. The issue-time conditions are applied as well, so a chain that broke this rule could only make a
 *   search find less, never more.
 * - Whose invoices: one branch per column of `visibleTo`, each served by that column's index, each keyset-limited
 *   on its own, merged by UNION (which also removes an invoice found by two branches). A filter naming the
 *   viewer's own value in one of its columns leaves only that branch; naming another value there, none.
 * - Two account columns constrained together (the viewer's and a filter's, or two filters') are far more
 *   correlated than the planner's independence assumption supposes: typically a few invoices, or none (a merchant
 *   asking for an enterprise it never sold to). Walking an index in the hope of meeting them can read a whole
 *   account's invoices, or the whole table, to find nothing; so such a branch is evaluated first (a MATERIALIZED
 *   common table expression: the planner intersects the accounts' index bitmaps) and sorted after. Its cost is
 *   bounded by the accounts' index entries and their common invoices, never the table.
 * - A seller given as several accounts (those registered under one taxpayer ID: an organisation revoked and
 *   registered again) is one branch per account, as whose invoices are, so each is still one index's range.
 * - Invoices with a pending credit note are few: their partial index (0010) holds only them, in number order.
 * - Totals have their own (total, number) index; a party's invoices by total are either fetched through its column
 *   and sorted, or met by walking the total index, whichever the planner finds cheaper.
 */
export async function searchInvoices(db: Db, query: InvoiceSearchQuery): Promise<InvoiceSearchRow[]> {
  const { key, descending } = query.sort;
  const by = sql.raw(descending ? "desc" : "asc");
  const ordered = (table: string) =>
    key === "total" ? sql`${sql.ref(`${table}.total`)} ${by}, ${sql.ref(`${table}.number`)} ${by}` : sql`${sql.ref(`${table}.number`)} ${by}`;

  // Account filters by column, and the other conditions (filters, keyset, the number ranges of issue-time bounds).
  const filtered = new Map<AccountColumn, string>();
  for (const [column, value] of [["holder", query.holder], ["enterprise", query.enterprise], ["buyer_tax_id", query.buyerTaxId]] as const) {
    if (value !== undefined) filtered.set(column, columnValue(column, value));
  }
  // The seller, when filtered, is one of some accounts: each a set of account filters of its own.
  const sellers = query.sellers === undefined ? undefined : [...new Set(query.sellers.map((account) => account.toLowerCase()))];
  if (sellers?.length === 0) return [];
  const filterSets = sellers === undefined ? [filtered] : sellers.map((seller) => new Map<AccountColumn, string>([["seller", seller], ...filtered]));
  const conditions: RawBuilder<unknown>[] = [];
  if (query.numbers !== undefined) conditions.push(sql`i.number = any(${query.numbers}::int8[])`);
  if (query.requestId !== undefined) conditions.push(sql`i.id in (select d.id from documents d where d.request_id = ${query.requestId.toLowerCase()})`);
  if (query.states !== undefined) conditions.push(sql`i.state = any(${query.states}::text[])`);
  if (query.periodFrom !== undefined) conditions.push(sql`i.issued_period >= ${query.periodFrom}`);
  if (query.periodTo !== undefined) conditions.push(sql`i.issued_period <= ${query.periodTo}`);
  if (query.totalMin !== undefined) conditions.push(sql`i.total >= ${query.totalMin}::int8`);
  if (query.totalMax !== undefined) conditions.push(sql`i.total <= ${query.totalMax}::int8`);
  // Written as the partial index's predicate, so that `true` reads that index.
  if (query.reversalPending !== undefined) conditions.push(query.reversalPending ? sql`i.pending_credit_note is not null` : sql`i.pending_credit_note is null`);
  const from = [query.issuedFrom, query.periodFrom === undefined ? undefined : periodStart(query.periodFrom).toISOString()].filter((t) => t !== undefined);
  // The end of period 999912 is in the year 10000, which PostgreSQL does not read: nothing is issued after it anyway.
  const endOfPeriod = query.periodTo === undefined ? undefined : periodEnd(query.periodTo);
  const to = [query.issuedTo, endOfPeriod === undefined || endOfPeriod.getUTCFullYear() > 9999 ? undefined : { time: endOfPeriod.toISOString(), inclusive: false }].filter((t) => t !== undefined);
  for (const time of from) {
    conditions.push(sql`i.issued_at >= ${time}::timestamptz`);
    const first = sql`(select b.number from invoices b where b.issued_at >= ${time}::timestamptz order by b.issued_at, b.number limit 1)`;
    conditions.push(sql`i.number >= coalesce(${first}, ${sql.lit(Number.MAX_SAFE_INTEGER)})`);
  }
  for (const { time, inclusive } of to) {
    const upTo = sql.raw(inclusive ? "<=" : "<");
    conditions.push(sql`i.issued_at ${upTo} ${time}::timestamptz`);
    const last = sql`(select b.number from invoices b where b.issued_at ${upTo} ${time}::timestamptz order by b.issued_at desc, b.number desc limit 1)`;
    conditions.push(sql`i.number <= coalesce(${last}, -1)`);
  }
  const after = query.after;
  if (after !== undefined) {
    const past = sql.raw(descending ? "<" : ">");
    if (key === "total") conditions.push(sql`(i.total, i.number) ${past} (${after.key}::int8, ${after.number}::int8)`);
    else conditions.push(sql`i.number ${past} ${after.number}::int8`);
    // In issue-time order the number alone places a row (numbers follow issue time); its time is checked as well.
    if (key === "issued_at") conditions.push(sql`(i.issued_at, i.number) ${past} (${microsToIso(after.key)}::timestamptz, ${after.number}::int8)`);
  }

  // The branches: each constrains some account columns to one value each.
  let branches: Map<AccountColumn, string>[];
  if (query.visibleTo === undefined) branches = filterSets;
  else {
    const own = query.visibleTo.map(({ column, value }) => ({ column, value: columnValue(column, value) }));
    branches = filterSets.flatMap((filters) => {
      const named = own.find(({ column, value }) => filters.get(column) === value);
      return (named === undefined ? own : [named])
        .filter(({ column, value }) => (filters.get(column) ?? value) === value)
        .map(({ column, value }) => new Map([...filters, [column, value]]));
    });
  }
  if (branches.length === 0) return [];

  const micros = sql<string>`(extract(epoch from i.issued_at) * 1000000)::int8`.as("issued_micros");
  const queries = branches.map((columns) => {
    const all = [...[...columns].map(([column, value]) => sql`${sql.ref(`i.${column}`)} = ${value}`), ...conditions];
    const where = all.length === 0 ? sql<boolean>`true` : sql<boolean>`${sql.join(all, sql` and `)}`;
    const matching = db.selectFrom("invoices as i").selectAll("i").select(micros).where(where);
    if (columns.size < 2) return matching.orderBy(ordered("i")).limit(query.limit);
    return db
      .with((cte) => cte("matching").materialized(), () => matching)
      .selectFrom("matching as i")
      .selectAll("i")
      .orderBy(ordered("i"))
      .limit(query.limit);
  });
  let rows: SearchRow[];
  if (queries.length === 1) {
    rows = await queries[0]!.execute();
  } else {
    const merged = queries.map((branch, i) => db.selectFrom(branch.as(`b${i}`)).selectAll()).reduce((union, next) => union.union(next));
    rows = await db.selectFrom(merged.as("u")).selectAll().orderBy(ordered("u")).limit(query.limit).execute();
  }
  return rows.map(({ issued_micros, ...row }) => ({
    summary: summaryOf(row),
    position: { key: key === "number" ? row.number : key === "issued_at" ? issued_micros : row.total, number: row.number },
  }));
}

function rowOf(summary: InvoiceSummary): JsonRow<"invoices"> {
  return {
    id: summary.id.toLowerCase(),
    number: summary.number,
    seller: summary.seller.toLowerCase(),
    buyer_tax_id: summary.buyerTaxId,
    total: summary.total,
    tax: summary.tax,
    state: summary.state,
    frozen_from: summary.frozenFrom,
    holder: lowerOrNull(summary.holder),
    enterprise: lowerOrNull(summary.enterprise),
    filed_period: summary.filedPeriod,
    reversed_total: summary.reversedTotal,
    reversed_tax: summary.reversedTax,
    pending_credit_note: summary.pendingCreditNote,
    issued_at: summary.issuedAt,
    issued_period: summary.issuedPeriod,
    updated_at: summary.updatedAt,
    seal: summary.seal,
  };
}

/** Adds these invoices, none of which the index holds (the primary key refuses one it does). */
export async function addInvoiceSummaries(copyRows: CopyRows, summaries: readonly InvoiceSummary[]): Promise<void> {
  await copyRows("invoices", summaries.map(rowOf));
}

/** Writes these summaries whole: new invoices are added, known ones replaced. */
export async function putInvoiceSummaries(db: Db, summaries: readonly InvoiceSummary[]): Promise<void> {
  if (summaries.length === 0) return;
  await insertRows(db, "invoices", summaries.map(rowOf))
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        number: eb.ref("excluded.number"),
        seller: eb.ref("excluded.seller"),
        buyer_tax_id: eb.ref("excluded.buyer_tax_id"),
        total: eb.ref("excluded.total"),
        tax: eb.ref("excluded.tax"),
        state: eb.ref("excluded.state"),
        frozen_from: eb.ref("excluded.frozen_from"),
        holder: eb.ref("excluded.holder"),
        enterprise: eb.ref("excluded.enterprise"),
        filed_period: eb.ref("excluded.filed_period"),
        reversed_total: eb.ref("excluded.reversed_total"),
        reversed_tax: eb.ref("excluded.reversed_tax"),
        pending_credit_note: eb.ref("excluded.pending_credit_note"),
        issued_at: eb.ref("excluded.issued_at"),
        issued_period: eb.ref("excluded.issued_period"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

