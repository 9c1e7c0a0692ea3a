import { sql, type RawBuilder } from "kysely";

import { checksummedAccount } from "../indexer/events";
import type { Db } from "./database";

/**
 * The reports' aggregates over the event index (`invoices`, `invoice_events`, `period_totals`) and the
 * documents' line items: totals grouped as a chart asks, a series by day, and the bureau's anomalies that the
 * index can tell (invoices locked too long, merchants reversing much of what they issue). Read only. Money is
 * summed in PostgreSQL (bigint sums are numeric) and read back as digit strings of fen, never as numbers.
 */
export const TOTALS_DIMENSIONS = ["merchant", "buyer", "period", "state", "taxRate"] as const;
export type TotalsDimension = (typeof TOTALS_DIMENSIONS)[number];

export interface TotalsFilter {
  merchant?: string | undefined;
  period?: number | undefined;
  buyerTaxId?: string | undefined;
  state?: string | undefined;
}

/** One group: the values of its dimensions, then what it adds up to. */
export interface GroupedTotals {
  merchant?: string;
  buyerTaxId?: string | null;
  period?: number;
  state?: string;
  /** Percent; null for an invoice whose document this database does not hold. */
  taxRate?: number | null;
  invoices: number;
  /** Without tax. */
  amount: string;
  tax: string;
  total: string;
  /** Not when grouped by tax rate: a credit note reverses amounts of the invoice, not of its lines. */
  reversedTotal?: string;
  reversedTax?: string;
}

/** The column (or line-item field) each dimension groups by. */
const DIMENSION: Record<TotalsDimension, { expression: RawBuilder<unknown>; as: string }> = {
  merchant: { expression: sql`i.seller`, as: "merchant" },
  buyer: { expression: sql`i.buyer_tax_id`, as: "buyer_tax_id" },
  period: { expression: sql`i.issued_period`, as: "period" },
  state: { expression: sql`i.state`, as: "state" },
  taxRate: { expression: sql`(item.value ->> 'taxRate')::integer`, as: "tax_rate" },
};

/**
 * Invoices' totals grouped by `groupBy` (in that order), each invoice in the tax period it was issued in and
 * in the state it is in now; its reversals count with it (not in the period they were made, as `period_totals`
 * has them). By tax rate, each invoice is split into its line items (amount and tax per rate); an invoice
 * whose document is missing counts whole under a null rate. At most `limit` groups, in the order of the keys.
 */
export async function groupedTotals(db: Db, groupBy: readonly TotalsDimension[], filter: TotalsFilter, limit: number): Promise<GroupedTotals[]> {
  const byRate = groupBy.includes("taxRate");
  const keys = groupBy.map((dimension) => DIMENSION[dimension]);
  const where: RawBuilder<unknown>[] = [];
  if (filter.merchant !== undefined) where.push(sql`i.seller = ${filter.merchant.toLowerCase()}`);
  if (filter.period !== undefined) where.push(sql`i.issued_period = ${filter.period}`);
  if (filter.buyerTaxId !== undefined) where.push(sql`i.buyer_tax_id = ${filter.buyerTaxId}`);
  if (filter.state !== undefined) where.push(sql`i.state = ${filter.state}`);
  const whereClause = where.length === 0 ? sql`` : sql`WHERE ${sql.join(where, sql` AND `)}`;
  const selectKeys = sql.join(keys.map((key) => sql`${key.expression} AS ${sql.ref(key.as)}`));
  const groupKeys = sql.join(keys.map((key) => key.expression));
  const query = byRate
    ? sql<Record<string, unknown>>`
        SELECT ${selectKeys}, count(DISTINCT i.id) AS invoices,
          sum(coalesce((item.value ->> 'amount')::bigint, i.total - i.tax)) AS amount,
          sum(coalesce((item.value ->> 'tax')::bigint, i.tax)) AS tax
        FROM invoices i
        LEFT JOIN documents d ON d.id = i.id
        LEFT JOIN LATERAL json_array_elements(d.record -> 'document' -> 'items') AS item ON true
        ${whereClause}
        GROUP BY ${groupKeys} ORDER BY ${groupKeys} LIMIT ${limit}`
    : sql<Record<string, unknown>>`
        SELECT ${selectKeys}, count(*) AS invoices, sum(i.total - i.tax) AS amount, sum(i.tax) AS tax,
          sum(i.reversed_total) AS reversed_total, sum(i.reversed_tax) AS reversed_tax
        FROM invoices i
        ${whereClause}
        GROUP BY ${groupKeys} ORDER BY ${groupKeys} LIMIT ${limit}`;
  const { rows } = await query.execute(db);
  return rows.map((row) => {
    const group: GroupedTotals = { invoices: 0, amount: "0", tax: "0", total: "0" };
    for (const dimension of groupBy) {
      const value = row[DIMENSION[dimension].as];
      if (dimension === "merchant") group.merchant = checksummedAccount(value);
      else if (dimension === "buyer") group.buyerTaxId = value as string | null;
      else if (dimension === "period") group.period = value as number;
      else if (dimension === "state") group.state = value as string;
      else group.taxRate = value as number | null;
    }
    const amount = String(row.amount);
    const tax = String(row.tax);
    const totals: GroupedTotals = { ...group, invoices: Number(row.invoices), amount, tax, total: (BigInt(amount) + BigInt(tax)).toString() };
    if (!byRate) Object.assign(totals, { reversedTotal: String(row.reversed_total), reversedTax: String(row.reversed_tax) });
    return totals;
  });
}

export interface DayTotals {
  /** YYYY-MM-DD, China Standard Time. */
  day: string;
  invoices: number;
  amount: string;
  tax: string;
  total: string;
}

/**
 * Invoices issued per day (China Standard Time, UTC+8, as tax periods are) from `from` to `to` inclusive
 * (YYYY-MM-DD), every day present, days without invoices as zeros.
 */
export async function dailySeries(db: Db, range: { from: string; to: string; merchant?: string | undefined }): Promise<DayTotals[]> {
  // The instants the days begin and end at: 00:00 at UTC+8 is 16:00 UTC the day before.
  const start = new Date(`${range.from}T00:00:00+08:00`);
  const end = new Date(new Date(`${range.to}T00:00:00+08:00`).getTime() + 86_400_000);
  const merchant = range.merchant === undefined ? sql`` : sql`AND i.seller = ${range.merchant.toLowerCase()}`;
  const { rows } = await sql<{ day: string; invoices: string; amount: string; tax: string }>`
    WITH issued AS (
      SELECT ((i.issued_at AT TIME ZONE 'UTC') + interval '8 hours')::date AS day, count(*) AS invoices, sum(i.total - i.tax) AS amount, sum(i.tax) AS tax
      FROM invoices i
      WHERE i.issued_at >= ${start} AND i.issued_at < ${end} ${merchant}
      GROUP BY 1
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(issued.invoices, 0) AS invoices, coalesce(issued.amount, 0) AS amount, coalesce(issued.tax, 0) AS tax
    FROM generate_series(${range.from}::date, ${range.to}::date, interval '1 day') AS d(day)
    LEFT JOIN issued ON issued.day = d.day::date
    ORDER BY d.day`.execute(db);
  return rows.map((row) => ({ day: row.day, invoices: Number(row.invoices), amount: String(row.amount), tax: String(row.tax), total: (BigInt(row.amount) + BigInt(row.tax)).toString() }));
}

export interface LockedInvoice {
  invoiceId: string;
  number: string;
  seller: string;
  holder: string | null;
  enterprise: string | null;
  /** When it was last submitted (its lock began). */
  lockedSince: string;
}

/**
 * Invoices `Locked` (submitted, neither reimbursed nor rejected) since before `lockedBefore`, the longest
 * locked first. The lock's start is the time of the invoice's last `InvoiceSubmitted` (a freeze and unfreeze
 * meanwhile do not restart it).
 */
export async function invoicesLockedSince(db: Db, options: { lockedBefore: Date; limit: number }): Promise<LockedInvoice[]> {
  const { rows } = await sql<{ id: string; number: string; seller: string; holder: string | null; enterprise: string | null; locked_since: Date }>`
    SELECT * FROM (
      SELECT i.id, i.number, i.seller, i.holder, i.enterprise, coalesce(submitted.at, i.updated_at) AS locked_since
      FROM invoices i
      LEFT JOIN LATERAL (
        SELECT (e.event ->> 'time')::timestamptz AS at FROM invoice_events e
        WHERE e.invoice_id = i.id AND e.event ->> 'type' = 'InvoiceSubmitted'
        ORDER BY e.block_number DESC, e.transaction_index DESC, e.log_index DESC LIMIT 1
      ) AS submitted ON true
      WHERE i.state = 'Locked'
    ) AS locked
    WHERE locked_since <= ${options.lockedBefore}
    ORDER BY locked_since, number
    LIMIT ${options.limit}`.execute(db);
  return rows.map((row) => ({
    invoiceId: row.id,
    number: row.number,
    seller: checksummedAccount(row.seller),
    holder: row.holder === null ? null : checksummedAccount(row.holder),
    enterprise: row.enterprise === null ? null : checksummedAccount(row.enterprise),
    lockedSince: row.locked_since.toISOString(),
  }));
}

export interface ReversalRatio {
  merchant: string;
  invoices: number;
  total: string;
  reversedTotal: string;
  /** reversedTotal / total, 4 decimals (truncated). */
  ratio: string;
  /** Some of its invoices with reversals (by number), to look at first. */
  reversedInvoiceIds: string[];
}

/**
 * Merchants that issued at least `minInvoices` invoices and reversed at least `basisPoints` / 10,000 of the
 * total they issued (all periods, from `period_totals`), the highest ratio first. Compared in integers: no
 * rounding decides who is listed.
 */
export async function highReversalRatios(db: Db, options: { basisPoints: number; minInvoices: number; limit: number; sampleSize: number }): Promise<ReversalRatio[]> {
  const { rows } = await sql<{ merchant: string; invoices: string; total: string; reversed_total: string; ratio: string; reversed_ids: string[] }>`
    SELECT t.merchant, t.invoices, t.total, t.reversed_total, trunc(t.reversed_total / t.total, 4)::text AS ratio,
      ARRAY(SELECT i.id FROM invoices i WHERE i.seller = t.merchant AND i.reversed_total > 0 ORDER BY i.number LIMIT ${options.sampleSize}) AS reversed_ids
    FROM (
      SELECT merchant, sum(invoices) AS invoices, sum(total) AS total, sum(reversed_total) AS reversed_total
      FROM period_totals GROUP BY merchant
    ) AS t
    WHERE t.invoices >= ${options.minInvoices} AND t.total > 0 AND t.reversed_total * 10000 >= t.total * ${options.basisPoints}
    ORDER BY t.reversed_total / t.total DESC, t.merchant
    LIMIT ${options.limit}`.execute(db);
  return rows.map((row) => ({
    merchant: checksummedAccount(row.merchant),
    invoices: Number(row.invoices),
    total: String(row.total),
    reversedTotal: String(row.reversed_total),
    ratio: row.ratio,
    reversedInvoiceIds: row.reversed_ids,
  }));
}

/** Merchants that issued in `period` (lowercase), the candidates whose quota may be nearly used up. */
export async function merchantsIssuingIn(db: Db, period: number): Promise<string[]> {
  const rows = await db.selectFrom("period_totals").select("merchant").where("period", "=", period).orderBy("merchant").execute();
  return rows.map((row) => row.merchant);
}

/** What an enterprise did in a tax period: invoices it reimbursed, and invoices it filed into that period. */
export const SETTLEMENT_KINDS = ["reimbursed", "filed"] as const;
export type SettlementKind = (typeof SETTLEMENT_KINDS)[number];

export interface SettlementScope {
  /** The enterprise's account (any spelling). */
  enterprise: string;
  period: number;
  /** The instants the period begins and ends at (exclusive), as the index writes event times (ISO, UTC). */
  from: Date;
  to: Date;
}

export interface SettlementSums {
  count: number;
  /** Without tax. */
  amount: string;
  tax: string;
  total: string;
}

export interface SettlementRow {
  kind: SettlementKind;
  id: string;
  number: string;
  issuedAt: string;
  seller: string;
  holder: string | null;
  total: string;
  tax: string;
  /** When it was reimbursed (the enterprise's last reimbursement of it in the period); null for a filing. */
  at: string | null;
  filedPeriod: number | null;
}

/** Where a page of settlement rows starts: after this row, in the order (kind as SETTLEMENT_KINDS has them, number). */
export interface SettlementPosition {
  kind: SettlementKind;
  number: string;
}

/**
 * The invoices an enterprise reimbursed in the period: those with an InvoiceReimbursed event naming it whose time
 * falls in the period (China Standard Time), one row each (the last such event, should there be several). Reads
 * the partial index `invoice_events_reimbursed` (migration 0011): only the enterprise's reimbursements in the
 * period's time range. Event JSON keeps the enterprise checksummed and the time as an ISO string in UTC
 * (`toISOString`, fixed width), so text order is time order and the bounds compare as text.
 */
function reimbursedIn(scope: SettlementScope) {
  return sql`
    SELECT e.invoice_id, max(e.event ->> 'time') AS at
    FROM invoice_events e
    WHERE e.event ->> 'type' = 'InvoiceReimbursed'
      AND e.event ->> 'enterprise' = ${checksummedAccount(scope.enterprise)}
      AND e.event ->> 'time' >= ${scope.from.toISOString()}
      AND e.event ->> 'time' < ${scope.to.toISOString()}
    GROUP BY e.invoice_id`;
}

/**
 * Counts and sums of the period's settlements: what the enterprise reimbursed in the period and what it filed
 * into it (`invoices.filed_period`, through `invoices_enterprise_filed`). Totals as issued: a credit note made
 * later does not move an invoice out of the period it was reimbursed or filed in.
 */
export async function settlementTotals(db: Db, scope: SettlementScope): Promise<Record<SettlementKind, SettlementSums>> {
  const { rows } = await sql<{ kind: SettlementKind; count: string; total: string | null; tax: string | null }>`
    SELECT 'reimbursed' AS kind, count(*) AS count, sum(i.total) AS total, sum(i.tax) AS tax
    FROM (${reimbursedIn(scope)}) AS r JOIN invoices i ON i.id = r.invoice_id
    UNION ALL
    SELECT 'filed' AS kind, count(*) AS count, sum(i.total) AS total, sum(i.tax) AS tax
    FROM invoices i
    WHERE i.enterprise = ${scope.enterprise.toLowerCase()} AND i.filed_period = ${scope.period}`.execute(db);
  const sums = (kind: SettlementKind): SettlementSums => {
    const row = rows.find((r) => r.kind === kind);
    const total = BigInt(row?.total ?? 0);
    const tax = BigInt(row?.tax ?? 0);
    return { count: Number(row?.count ?? 0), amount: (total - tax).toString(), tax: tax.toString(), total: total.toString() };
  };
  return { reimbursed: sums("reimbursed"), filed: sums("filed") };
}

/**
 * One page of the period's settlements: the reimbursed invoices by number, then the filed ones by number (an
 * invoice reimbursed and filed in the period is in both), at most `limit` rows after `after`. The filed rows page
 * through `invoices_enterprise_filed` in number order; the reimbursed ones are the period's reimbursements of
 * the enterprise (the index finds them without reading anyone else's), sorted by number.
 */
export async function settlementRows(db: Db, scope: SettlementScope, page: { after?: SettlementPosition | undefined; limit: number }): Promise<SettlementRow[]> {
  const after = page.after;
  const rank = after === undefined ? -1 : SETTLEMENT_KINDS.indexOf(after.kind);
  const afterNumber = after === undefined ? "0" : after.number;
  // Reimbursed rows only while the page starts in them; filed rows after the position's number when it is a filed one.
  const reimbursed =
    rank <= 0
      ? sql`
          SELECT 0 AS rank, i.*, r.at
          FROM (${reimbursedIn(scope)}) AS r JOIN invoices i ON i.id = r.invoice_id
          WHERE ${rank < 0 ? sql`true` : sql`i.number > ${afterNumber}`}
          ORDER BY i.number LIMIT ${page.limit}`
      : undefined;
  const filed = sql`
    SELECT 1 AS rank, i.*, NULL::text AS at
    FROM invoices i
    WHERE i.enterprise = ${scope.enterprise.toLowerCase()} AND i.filed_period = ${scope.period}
      ${rank === 1 ? sql`AND i.number > ${afterNumber}` : sql``}
    ORDER BY i.number LIMIT ${page.limit}`;
  const query =
    reimbursed === undefined
      ? sql<RowOfSettlement>`SELECT * FROM (${filed}) AS f ORDER BY number`
      : sql<RowOfSettlement>`SELECT * FROM ((${reimbursed}) UNION ALL (${filed})) AS s ORDER BY rank, number LIMIT ${page.limit}`;
  const { rows } = await query.execute(db);
  return rows.map((row) => ({
    kind: SETTLEMENT_KINDS[row.rank]!,
    id: row.id,
    number: String(row.number),
    issuedAt: row.issued_at.toISOString(),
    seller: checksummedAccount(row.seller),
    holder: row.holder === null ? null : checksummedAccount(row.holder),
    total: String(row.total),
    tax: String(row.tax),
    at: row.at,
    filedPeriod: row.filed_period,
  }));
}

interface RowOfSettlement {
  rank: 0 | 1;
  id: string;
  number: string;
  issued_at: Date;
  seller: string;
  holder: string | null;
  total: string;
  tax: string;
  at: string | null;
  filed_period: number | null;
}
