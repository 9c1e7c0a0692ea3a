import { z } from "zod";

import { STATES } from "../../indexer/events";
import { SETTLEMENT_KINDS, TOTALS_DIMENSIONS } from "../../db/reports";
import { AUDITED_ACTION_NAMES } from "../audited-actions";
import { address, invoiceId, pageQuery, period, taxpayerId, whenFieldsParsed } from "./common";

/**
 * The reports' query parameters and answers. Query strings carry only text, so numbers are digits (never
 * whatever `Number()` makes of " 1" or "1e3") and ratios are decimals with at most 4 places, turned into
 * ten-thousandths so that thresholds are compared in integers.
 */
const state = z.enum(STATES.slice(1) as [string, ...string[]]);

/** Digits in a query string, from `min` to `max`; a number after parsing. */
function count(min: number, max: number, what: string) {
  const message = `${what}: a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(new RegExp(`^[0-9]{1,${String(max).length}}$`), message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
}

/** A ratio from 0 to 1 with at most 4 decimals ("0.9", "0.3333", "1"); ten-thousandths after parsing. */
const ratio = z
  .string()
  .regex(/^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$/, "a ratio from 0 to 1 with at most 4 decimals, e.g. 0.9")
  .transform((text) => {
    const [whole = "0", fraction = ""] = text.split(".");
    return Number(whole) * 10_000 + Number(fraction.padEnd(4, "0"));
  });

/** A day, YYYY-MM-DD (China Standard Time), that the calendar has. */
export const day = z
  .string()
  .regex(/^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, "a day YYYY-MM-DD from 1970-01-01 to 9999-12-31")
  // zod runs a refinement even after the pattern refused the text: anything may reach it.
  .refine((text) => {
    const time = Date.parse(`${text}T00:00:00Z`);
    return Number.isFinite(time) && new Date(time).toISOString().startsWith(text);
  }, "not a day of the calendar")
  .meta({ description: "A day, YYYY-MM-DD, in China Standard Time (UTC+8)", example: "2026-11-25" });

const dayNumber = (text: string) => Date.parse(`${text}T00:00:00Z`) / 86_400_000;
/** The longest series one request gets: a year and a day (a leap year from Jan 1 to Jan 1). */
export const MAX_SERIES_DAYS = 367;

const groupBy = z
  .string()
  .regex(new RegExp(`^(${TOTALS_DIMENSIONS.join("|")})(,(${TOTALS_DIMENSIONS.join("|")})){0,${TOTALS_DIMENSIONS.length - 1}}$`), `dimensions separated by commas, among ${TOTALS_DIMENSIONS.join(", ")}`)
  .transform((text) => text.split(","))
  .pipe(
    z
      .array(z.enum(TOTALS_DIMENSIONS))
      .refine((dimensions) => new Set(dimensions).size === dimensions.length, "each dimension at most once"),
  )
  .meta({
    description:
      "Group the totals by these dimensions, in this order, separated by commas: merchant, buyer (the buyer's taxpayer ID; null for individuals), period (issue period YYYYMM), state (now), taxRate (percent, from the documents' line items). Without it, the answer is the original one: per merchant and tax period.",
    example: "merchant,taxRate",
  });

export const totalsQuery = z
  .strictObject({
    merchant: address.optional().meta({ description: "Only this merchant (a merchant sees only its own; another's reads as 404)" }),
    period: period.optional().meta({ description: "Only this tax period YYYYMM (with groupBy: the period of issue)" }),
    groupBy: groupBy.optional(),
    buyerTaxId: taxpayerId.optional().meta({ description: "With groupBy: only invoices to this buyer organisation" }),
    state: state.optional().meta({ description: "With groupBy: only invoices in this state now" }),
    limit: count(1, 10_000, "limit").optional().meta({ description: "With groupBy: at most this many groups (default 1000); `truncated` says whether there were more" }),
  })
  .superRefine((query, ctx) => {
    if (query.groupBy !== undefined) return;
    for (const key of ["buyerTaxId", "state", "limit"] as const) {
      if (query[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: `${key} needs groupBy (per merchant and period, as without groupBy, the totals are kept by period only)` });
    }
  }, whenFieldsParsed);

export const seriesQuery = z
  .strictObject({
    from: day.meta({ description: "First day, YYYY-MM-DD (China Standard Time)" }),
    to: day.meta({ description: `Last day, YYYY-MM-DD, inclusive; at most ${MAX_SERIES_DAYS} days from the first` }),
    merchant: address.optional().meta({ description: "Only this merchant's invoices (a merchant sees only its own; another's reads as 404)" }),
  })
  .superRefine((query, ctx) => {
    const days = dayNumber(query.to) - dayNumber(query.from) + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "to is a day on or after from" });
    else if (days > MAX_SERIES_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_SERIES_DAYS} days in one series` });
  }, whenFieldsParsed);

export const anomaliesQuery = z.strictObject({
  lockedDays: count(0, 3_650, "lockedDays").default(30).meta({ description: "Invoices locked (submitted, neither reimbursed nor rejected) for at least this many days; default 30", example: "30" }),
  reversalRatio: ratio.default(3_000).meta({ description: "Merchants whose reversed totals are at least this share of their issued totals (0 to 1); default 0.3", example: "0.3" }),
  minIssued: count(1, 1_000_000, "minIssued").default(10).meta({ description: "Only merchants that issued at least this many invoices are judged on their reversal ratio; default 10", example: "10" }),
  quotaRatio: ratio.default(9_000).meta({ description: "Quotas used at least this share (0 to 1) of what was granted in the period; default 0.9", example: "0.9" }),
  period: period.optional().meta({ description: "Tax period of the quotas, YYYYMM; default the current one" }),
  minAttempts: count(1, 1_000, "minAttempts").default(2).meta({ description: "Invoices whose submission or reimbursement was refused at least this many times (any refused attempt counts once the invoice is reimbursed, or when several enterprises are involved); default 2", example: "2" }),
  limit: count(1, 500, "limit").default(100).meta({ description: "Items per kind of anomaly, 1 to 500; default 100", example: "100" }),
});

export const refusalsQuery = z.strictObject({
  invoice: invoiceId.optional().meta({ description: "Only attempts on this invoice (a credit note's: on its invoice)" }),
  account: address.optional().meta({ description: "Only attempts by this account" }),
  action: z.enum(AUDITED_ACTION_NAMES).optional().meta({ description: "Only this action" }),
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,63}$/, "an error code, e.g. INVALID_STATE")
    .optional()
    .meta({ description: "Only refusals with this error code, e.g. NOT_FOUND, INVALID_STATE, QUOTA_EXCEEDED" }),
  after: z.string().regex(/^[0-9]{1,18}$/, "an audit entry id (digits)").optional().meta({ description: "Continue after this entry id" }),
  limit: count(1, 500, "limit").default(100).meta({ description: "Page size, 1 to 500; default 100", example: "100" }),
});

export const settlementsQuery = z.strictObject({
  period: period.meta({ description: "The tax period YYYYMM (China Standard Time)", example: "202611" }),
  limit: pageQuery.limit,
  cursor: z
    .string()
    .regex(new RegExp(`^(${SETTLEMENT_KINDS.join("|")}):[0-9]{1,13}$`), "the nextCursor of the previous page")
    .transform((text) => {
      const [kind, number] = text.split(":") as [(typeof SETTLEMENT_KINDS)[number], string];
      return { kind, number: BigInt(number).toString() };
    })
    .optional()
    .meta({ description: "The `nextCursor` of the previous page (with the same period): where the next page starts" }),
});

const account = z.string().meta({ description: "Chain account (checksummed)" });
const fen = (description: string) => z.string().meta({ description: `${description}, fen as a digit string` });

export const groupedTotalsView = z
  .object({
    merchant: account.optional(),
    buyerTaxId: z.string().nullable().optional().meta({ description: "null: invoices to individuals" }),
    period: z.number().optional().meta({ description: "Tax period of issue" }),
    state: state.optional(),
    taxRate: z.number().nullable().optional().meta({ description: "Percent; null for an invoice whose document is missing" }),
    invoices: z.number().meta({ description: "Invoices in the group (by tax rate: invoices with a line at that rate)" }),
    amount: fen("Amount without tax"),
    tax: fen("Tax"),
    total: fen("Amount including tax"),
    reversedTotal: fen("Reversed by red-letter credit notes (not when grouped by tax rate)").optional(),
    reversedTax: fen("Tax reversed (not when grouped by tax rate)").optional(),
  })
  .meta({ id: "GroupedTotals", description: "One group: the values of its dimensions, then its totals. Reversals count with their invoice (its period of issue)." });

export const dayTotalsView = z
  .object({ day: z.string().meta({ description: "YYYY-MM-DD, China Standard Time" }), invoices: z.number(), amount: fen("Amount without tax"), tax: fen("Tax"), total: fen("Amount including tax") })
  .meta({ id: "DayTotals" });

export const seriesView = z
  .object({ from: z.string(), to: z.string(), merchant: account.nullable(), days: z.array(dayTotalsView).meta({ description: "Every day from `from` to `to`, days without invoices as zeros" }) })
  .meta({ id: "DailySeries" });

export const anomaliesView = z
  .object({
    generatedAt: z.string(),
    repeatedAttempts: z.array(
      z.object({
        invoiceId: z.string(),
        number: z.string().nullable().meta({ description: "null: no invoice was issued with this id" }),
        state: z.string().nullable(),
        seller: account.nullable(),
        holder: account.nullable(),
        enterprise: account.nullable().meta({ description: "Where it is locked, or was reimbursed or filed" }),
        attempts: z.number().meta({ description: "Refused submissions and reimbursements" }),
        crossEnterprise: z.boolean().meta({ description: "More than one enterprise involved: an attempt to reimburse one invoice at two employers" }),
        enterprises: z.array(account).meta({ description: "Enterprises that tried, employers of employees that tried, and the invoice's enterprise" }),
        accounts: z.array(account).meta({ description: "Who tried" }),
        codes: z.array(z.string()),
        firstAt: z.string(),
        lastAt: z.string(),
      }),
    ),
    lockedTooLong: z.array(
      z.object({ invoiceId: z.string(), number: z.string(), seller: account, holder: account.nullable(), enterprise: account.nullable(), lockedSince: z.string(), days: z.number() }),
    ),
    highReversalRatio: z.array(
      z.object({
        merchant: account,
        invoices: z.number(),
        total: fen("Issued, all periods"),
        reversedTotal: fen("Reversed, all periods"),
        ratio: z.string().meta({ description: "reversedTotal / total, 4 decimals" }),
        reversedInvoiceIds: z.array(z.string()).meta({ description: "Some of its invoices with reversals, by number" }),
      }),
    ),
    quotasNearlyUsed: z.array(
      z.object({
        merchant: account,
        period: z.number(),
        granted: fen("Quota granted"),
        used: fen("Quota used"),
        ratio: z.string().nullable().meta({ description: "used / granted, 4 decimals; null when nothing was granted" }),
        refusals: z.number().meta({ description: "Issues refused with QUOTA_EXCEEDED in the period" }),
      }),
    ),
  })
  .meta({ id: "Anomalies" });

export const refusedAttemptView = z
  .object({
    id: z.string().meta({ description: "Entry id, increasing; `after` continues from it" }),
    at: z.string(),
    account: account,
    role: z.string(),
    action: z.string(),
    invoiceId: z.string().nullable(),
    invoiceNumber: z.string().nullable().meta({ description: "null when no invoice with this id is known" }),
    creditNoteId: z.string().nullable(),
    status: z.number(),
    code: z.string(),
  })
  .meta({ id: "RefusedAttempt" });

const settlementSums = z
  .object({ count: z.number().meta({ description: "Invoices" }), amount: fen("Amount without tax"), tax: fen("Tax"), total: fen("Amount including tax") })
  .meta({ id: "SettlementSums" });

const party = z.object({ account, name: z.string().nullable().meta({ description: "null where you may not read this participant (a holder who is not your employee)" }) });

export const settlementRowView = z
  .object({
    kind: z.enum(SETTLEMENT_KINDS).meta({ description: "reimbursed: you reimbursed it in the period; filed: you filed it into the period. An invoice both reimbursed and filed in the period has a row of each kind." }),
    id: z.string(),
    number: z.string(),
    printedNumber: z.string().nullable().meta({ description: "The 20 digits printed on the invoice (null where the API holds no document for it)" }),
    issuedAt: z.string(),
    seller: party.extend({ name: z.string().nullable().meta({ description: "The seller's registered name" }) }),
    holder: party.nullable(),
    total: fen("Amount including tax, as issued"),
    tax: fen("Tax, as issued"),
    at: z.string().nullable().meta({ description: "When you reimbursed it (ISO time); null for a filed row" }),
    filedPeriod: z.number().nullable().meta({ description: "The period it is filed into; null while not filed" }),
  })
  .meta({ id: "SettlementRow" });

export const settlementsView = z
  .object({
    period: z.number(),
    enterprise: account,
    totals: z.object({ reimbursed: settlementSums, filed: settlementSums }).meta({ description: "Of every row of the report, not only this page" }),
    rows: z.array(settlementRowView).meta({ description: "The reimbursed invoices by number, then the filed ones by number" }),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable().meta({ description: "Send as `cursor` (with the same period) for the next page; null at the end" }),
  })
  .meta({ id: "Settlements" });
