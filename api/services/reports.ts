import type { LedgerClient } from "../chain/ledger-client";
import { periodEnd, periodOf, periodStart } from "../domain/tax-period";
import { ApiError, forbidden, notFound } from "../errors";
import type { LedgerEvent } from "../indexer/events";
import { checksummedAccount } from "../indexer/events";
import type { EventIndexer } from "../indexer/event-indexer";
import type { PeriodTotals } from "../indexer/invoice-summary";
import { quotaRefusals, repeatedReimbursementAttempts } from "../db/audit";
import type { Database, Db } from "../db/database";
import { invoiceTrace, periodTotals } from "../db/event-index";
import { findParticipants } from "../db/parties";
import {
  dailySeries,
  groupedTotals,
  highReversalRatios,
  invoicesLockedSince,
  merchantsIssuingIn,
  settlementRows,
  settlementTotals,
  type DayTotals,
  type GroupedTotals,
  type SettlementKind,
  type SettlementPosition,
  type SettlementSums,
  type TotalsDimension,
} from "../db/reports";
import { mayReadParticipant } from "./invoice-search";
import { indexedRecordOf, type Invoices, type InvoiceView } from "./invoices";
import type { Party } from "./parties";

/**
 * Trace of one invoice, the totals (per merchant and tax period, or grouped as a chart asks), a series by day,
 * and the bureau's anomalies, served from the event index, the audit of refused attempts and, for quotas, the
 * ledger. Money is fen in digit strings throughout.
 */
export interface ReportsDeps {
  db: Db;
  /** The trace's read (a prepared statement: api/db/event-index.ts). */
  database: Pick<Database, "prepared">;
  invoices: Invoices;
  client: Pick<LedgerClient, "ledger" | "deploymentBlock">;
  /** Whether an index read is at the chain's head as the API last saw it (the trace's invoice). */
  indexer: Pick<EventIndexer, "isCurrent">;
  /** The time reports are made at (tests give their own). */
  now?: () => Date;
}

export interface TotalsQuery {
  merchant?: string | undefined;
  period?: number | undefined;
  /** Absent: per merchant and tax period, as `period_totals` keeps them (the original answer). */
  groupBy?: TotalsDimension[] | undefined;
  buyerTaxId?: string | undefined;
  state?: string | undefined;
  limit?: number | undefined;
}

export interface AnomalyQuery {
  /** Locked for at least this many days. */
  lockedDays: number;
  /** Reversed / issued totals at or above this many ten-thousandths. */
  reversalBasisPoints: number;
  /** Only merchants that issued at least this many invoices. */
  minIssued: number;
  /** Quota used / granted at or above this many ten-thousandths. */
  quotaBasisPoints: number;
  /** Period of the quotas (default: the current one). */
  period?: number | undefined;
  /** Refused submissions or reimbursements of one invoice at least this many times. */
  minAttempts: number;
  /** Items per kind. */
  limit: number;
}

export interface SettlementsQuery {
  period: number;
  limit: number;
  cursor?: SettlementPosition | undefined;
}

export interface SettlementItem {
  kind: SettlementKind;
  id: string;
  number: string;
  printedNumber: string | null;
  issuedAt: string;
  seller: { account: string; name: string | null };
  holder: { account: string; name: string | null } | null;
  total: string;
  tax: string;
  at: string | null;
  filedPeriod: number | null;
}

export interface Settlements {
  period: number;
  enterprise: string;
  totals: Record<SettlementKind, SettlementSums>;
  rows: SettlementItem[];
  hasMore: boolean;
  nextCursor: string | null;
}

const DAY_MS = 86_400_000;
/** Reads of quotas on the ledger at a time: one eth_call per merchant that issued in the period. */
const QUOTA_READS_AT_ONCE = 8;
/** The audited actions (api/http/audited-actions.ts) that move an invoice towards reimbursement. */
const REIMBURSEMENT_ACTIONS = ["submit", "reimburse"] as const;
/** Reversed invoices named per merchant with a high reversal ratio. */
const REVERSED_SAMPLE = 20;

/** n / d (d > 0) as a decimal with 4 places, rounded down: exact, whatever the size of the amounts. */
function ratioText(n: bigint, d: bigint): string {
  const scaled = (n * 10_000n) / d;
  return `${scaled / 10_000n}.${(scaled % 10_000n).toString().padStart(4, "0")}`;
}

/** The instants a tax period (a month in China Standard Time) begins and ends at. */
function periodBounds(period: number): { from: Date; to: Date } {
  const year = Math.floor(period / 100);
  const month = period % 100;
  const at = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1) - 8 * 3_600_000);
  return { from: at(year, month), to: month === 12 ? at(year + 1, 1) : at(year, month + 1) };
}

/** An invoice's history, and the block of the index it reflects. */
export interface InvoiceTrace {
  invoice: InvoiceView;
  events: LedgerEvent[];
  /**
   * The last block the index had indexed when the trace was read: its events, and the invoice, unless the index did
   * not hold the invoice yet (then it is the chain's, at its head).
   */
  asOfBlock: number;
}

export function createReports({ db, database, invoices, client, indexer, now = () => new Date() }: ReportsDeps) {
  /** The merchant a report is about: any (or all) for the bureau; a merchant only itself, and others read as unknown. */
  function scopedMerchant(viewer: Party, merchant: string | undefined): string | undefined {
    if (viewer.role === "bureau") return merchant;
    if (viewer.role !== "merchant") throw forbidden("reports are for the tax bureau and merchants", { role: viewer.role, allowedRoles: ["bureau", "merchant"] });
    if (merchant !== undefined && merchant.toLowerCase() !== viewer.account.toLowerCase()) throw notFound("merchant");
    return viewer.account;
  }

  function requireBureau(viewer: Party): void {
    if (viewer.role !== "bureau") throw forbidden("only the tax bureau sees anomalies", { role: viewer.role, allowedRoles: ["bureau"] });
  }

  /** Merchants whose quota for `period` is used at or above the threshold, or who were refused for it in the period. */
  async function quotasNearlyUsed(period: number, basisPoints: number, limit: number) {
    const bounds = periodBounds(period);
    const refusals = await quotaRefusals(db, { ...bounds, code: "QUOTA_EXCEEDED" });
    const candidates = [...new Set([...(await merchantsIssuingIn(db, period)), ...refusals.keys()])].sort();
    const quotas: { merchant: string; granted: bigint; used: bigint }[] = [];
    for (let i = 0; i < candidates.length; i += QUOTA_READS_AT_ONCE) {
      const slice = candidates.slice(i, i + QUOTA_READS_AT_ONCE);
      const read = await Promise.all(slice.map(async (merchant) => ({ merchant, quota: await client.ledger.quotaOf(merchant, period) })));
      for (const { merchant, quota } of read) quotas.push({ merchant, granted: quota[0], used: quota[1] });
    }
    const shareOf = ({ granted, used }: { granted: bigint; used: bigint }) => (granted > 0n ? (used * 10_000n) / granted : undefined);
    return quotas
      // A merchant refused for its quota in the period is listed whatever its share: its quota did not cover an invoice.
      .filter((quota) => (refusals.get(quota.merchant) ?? 0) > 0 || (shareOf(quota) ?? -1n) >= BigInt(basisPoints))
      // Fullest first; a merchant refused with no quota at all is the fullest there is.
      .sort((a, b) => {
        const [x, y] = [shareOf(a), shareOf(b)];
        if (x !== y) return x === undefined ? -1 : y === undefined ? 1 : x > y ? -1 : 1;
        return a.merchant.localeCompare(b.merchant);
      })
      .map(({ merchant, granted, used }) => ({
        merchant: checksummedAccount(merchant),
        period,
        granted: granted.toString(),
        used: used.toString(),
        ratio: granted > 0n ? ratioText(used, granted) : null,
        refusals: refusals.get(merchant) ?? 0,
      }))
      .slice(0, limit);
  }

  return {
    /**
     * Every event of the invoice in chain order, with actor, transaction, block and time, and the invoice as they
     * leave it: both from the event index. 404 unless party to it. The chain answers for the invoice when the index
     * does not hold it (issued a moment ago through another API instance, or straight to the chain), and when an
     * index behind the chain's head would refuse the viewer (one that became a party since).
     */
    async trace(viewer: Party, id: string): Promise<InvoiceTrace> {
      const indexed = await invoiceTrace(database, id);
      const asOfBlock = indexed.indexedBlock ?? client.deploymentBlock - 1;
      const summary = indexed.invoice;
      if (summary === undefined || summary.seal === null) return { invoice: await invoices.view(viewer, id), events: indexed.events, asOfBlock };
      const seller = indexed.seller === undefined ? undefined : { name: indexed.seller.name, ...(indexed.seller.taxpayerId === null ? {} : { taxpayerId: indexed.seller.taxpayerId }) };
      const read = { document: indexed.document, seller };
      const invoice = await invoices.viewOf(viewer, indexedRecordOf({ ...summary, seal: summary.seal }), { read }).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404 && !indexer.isCurrent(indexed.indexedBlock)) return invoices.view(viewer, id);
        throw error;
      });
      return { invoice, events: indexed.events, asOfBlock };
    },

    /**
     * Issued and reversed totals: per merchant and tax period (no `groupBy`: the original answer, reversals in
     * the period they were made), or grouped by `groupBy`. Any merchant for the bureau, its own for a merchant.
     */
    async totals(viewer: Party, query: TotalsQuery): Promise<{ totals: PeriodTotals[] } | { groupBy: TotalsDimension[]; totals: GroupedTotals[]; truncated: boolean }> {
      const merchant = scopedMerchant(viewer, query.merchant);
      if (query.groupBy === undefined) return { totals: await periodTotals(db, { merchant, period: query.period }) };
      const limit = query.limit ?? 1_000;
      const groups = await groupedTotals(db, query.groupBy, { merchant, period: query.period, buyerTaxId: query.buyerTaxId, state: query.state }, limit + 1);
      return { groupBy: query.groupBy, totals: groups.slice(0, limit), truncated: groups.length > limit };
    },

    /** Invoices issued and their totals per day (China Standard Time), every day from `from` to `to`. */
    async series(viewer: Party, query: { from: string; to: string; merchant?: string | undefined }): Promise<{ from: string; to: string; merchant: string | null; days: DayTotals[] }> {
      const merchant = scopedMerchant(viewer, query.merchant);
      const days = await dailySeries(db, { from: query.from, to: query.to, merchant });
      return { from: query.from, to: query.to, merchant: merchant === undefined ? null : checksummedAccount(merchant), days };
    },

    /**
     * What an enterprise reimbursed (by the time of its InvoiceReimbursed event, China Standard Time) and filed
     * (filed_period) in one tax period: the totals of all of it, and a page of the invoices, reimbursed then filed,
     * each by number. Invoices reversed later still count where they were reimbursed or filed, at their issued
     * amounts. Names: the seller's always (as on the invoice); a holder's where the enterprise may read it (its employees).
     */
    async settlements(viewer: Party, query: SettlementsQuery): Promise<Settlements> {
      if (viewer.role !== "enterprise") throw forbidden("settlement reports are for enterprises", { role: viewer.role, allowedRoles: ["enterprise"] });
      const scope = { enterprise: viewer.account, period: query.period, from: periodStart(query.period), to: periodEnd(query.period) };
      const [totals, found] = await Promise.all([settlementTotals(db, scope), settlementRows(db, scope, { after: query.cursor, limit: query.limit + 1 })]);
      const hasMore = found.length > query.limit;
      const page = found.slice(0, query.limit);
      const accounts = [...new Set(page.flatMap((row) => [row.seller, row.holder]).filter((a): a is string => a !== null).map((a) => a.toLowerCase()))];
      const [printed, participants] = await Promise.all([invoices.printedNumbers(page), findParticipants(db, accounts)]);
      const byAccount = new Map(participants.map((row) => [row.account, row]));
      const rows = page.map((row): SettlementItem => {
        const seller = byAccount.get(row.seller.toLowerCase());
        const holder = row.holder === null ? undefined : byAccount.get(row.holder.toLowerCase());
        return {
          kind: row.kind,
          id: row.id,
          number: row.number,
          printedNumber: printed.get(row.id.toLowerCase()) ?? null,
          issuedAt: row.issuedAt,
          // The seller's name is on every invoice a party sees (as the search's expand=parties shows it).
          seller: { account: row.seller, name: seller?.name ?? null },
          holder: row.holder === null ? null : { account: row.holder, name: mayReadParticipant(viewer, holder) ? holder!.name : null },
          total: row.total,
          tax: row.tax,
          at: row.at,
          filedPeriod: row.filedPeriod,
        };
      });
      const last = page.at(-1);
      return { period: query.period, enterprise: checksummedAccount(viewer.account), totals, rows, hasMore, nextCursor: hasMore && last !== undefined ? `${last.kind}:${last.number}` : null };
    },

    /**
     * What the bureau should look at: invoices whose submission or reimbursement was refused again and again
     * (above all by several enterprises: one invoice reimbursed twice), invoices locked too long, merchants
     * reversing much of what they issue, and quotas nearly used up in a period.
     */
    async anomalies(viewer: Party, query: AnomalyQuery) {
      requireBureau(viewer);
      const at = now();
      const period = query.period ?? periodOf(at);
      const [attempts, locked, reversals, quotas] = await Promise.all([
        repeatedReimbursementAttempts(db, { actions: REIMBURSEMENT_ACTIONS, minAttempts: query.minAttempts, limit: query.limit }),
        invoicesLockedSince(db, { lockedBefore: new Date(at.getTime() - query.lockedDays * DAY_MS), limit: query.limit }),
        highReversalRatios(db, { basisPoints: query.reversalBasisPoints, minInvoices: query.minIssued, limit: query.limit, sampleSize: REVERSED_SAMPLE }),
        quotasNearlyUsed(period, query.quotaBasisPoints, query.limit),
      ]);
      const account = (value: string | null) => (value === null ? null : checksummedAccount(value));
      return {
        generatedAt: at.toISOString(),
        repeatedAttempts: attempts.map((item) => ({
          invoiceId: item.invoiceId,
          number: item.number,
          state: item.state,
          seller: account(item.seller),
          holder: account(item.holder),
          enterprise: account(item.enterprise),
          attempts: item.attempts,
          crossEnterprise: item.enterprises.length > 1,
          enterprises: item.enterprises.map(checksummedAccount),
          accounts: item.accounts.map(checksummedAccount),
          codes: item.codes,
          firstAt: item.firstAt,
          lastAt: item.lastAt,
        })),
        lockedTooLong: locked.map((item) => ({ ...item, days: Math.floor((at.getTime() - Date.parse(item.lockedSince)) / DAY_MS) })),
        highReversalRatio: reversals,
        quotasNearlyUsed: quotas,
      };
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
