import { z } from "zod";

import { LEDGER_BOUNDS } from "../../domain/ledger-bounds";
import { parseNumber, type NumberInput } from "../../domain/printed-number";
import { CST_OFFSET_MS } from "../../domain/tax-period";
import { STATES, type InvoiceState } from "../../indexer/events";
import { address, pageQuery, period, reference, taxpayerId, whenFieldsParsed } from "./common";

/**
 * The query of GET /v1/invoices: filters (all optional, all combined), the order, and the page. Each parameter
 * appears once (a key sent twice is refused, as everywhere); a parameter that takes several values takes them
 * comma-separated (`state=Issued,Locked`). Values are turned into what the search uses: numbers and fen as
 * digit strings and bigints, accounts checksummed, times as instants with their inclusive or exclusive end, lists
 * in one order without repeats (what a cursor is bound to does not depend on how the client wrote them).
 */

const DAY_MS = 24 * 3600 * 1000;
/** The instants a time filter may name: what JavaScript and PostgreSQL both hold exactly. */
const EARLIEST = Date.UTC(1969, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `a,b,c`: items of one pattern, comma-separated, at most `max` of them (a repeated item counts once). */
function commaList(item: string, max: number, what: string) {
  return z.string().regex(new RegExp(`^(?:${item})(?:,(?:${item})){0,${max - 1}}$`), `${what}, comma-separated, at most ${max}`);
}

const stateNames = STATES.slice(1) as unknown as [InvoiceState, ...InvoiceState[]];

/**
 * An ISO date (YYYY-MM-DD, that day in China Standard Time) or an ISO date-time with its offset
 * (2026-11-25T10:00:00Z, 2026-11-25T18:00:00+08:00; in a query string `+` is written %2B). Parsed to the
 * instant it starts at, and whether it was a whole day.
 */
const timeOrDate = z
  .string()
  .regex(
    /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]))?$/,
    "an ISO date (2026-11-25) or date-time with an offset (2026-11-25T10:00:00Z)",
  )
  .transform((text, context) => {
    const day = text.length === 10;
    const [year, month, date] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
    const midnight = Date.UTC(year, month - 1, date);
    if (new Date(midnight).getUTCDate() !== date) {
      context.addIssue({ code: "custom", message: "no such day" });
      return z.NEVER;
    }
    // A date alone is that day in China Standard Time, as tax periods are.
    const at = day ? midnight - CST_OFFSET_MS : Date.parse(text);
    if (!(at >= EARLIEST && at <= LATEST) || year < 1970) {
      context.addIssue({ code: "custom", message: "a time from 1970 to 9999" });
      return z.NEVER;
    }
    return { at, day };
  });

const iso = (ms: number) => new Date(ms).toISOString();

const fenBound = (what: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, "fen as plain digits (no sign, point, exponent, spaces or leading zeros)")
    .transform((value) => BigInt(value))
    .pipe(z.bigint().max(LEDGER_BOUNDS.totalFen, `at most ${LEDGER_BOUNDS.totalFen} fen: larger than the ledger holds`))
    .meta({ description: `${what} (amount including tax, in fen, integer string); the invoice's total as issued, before any credit note`, example: "11300" });

export const SORTS = ["number", "-number", "issuedAt", "-issuedAt", "total", "-total"] as const;
export type InvoiceSort = (typeof SORTS)[number];
export const EXPANSIONS = ["parties", "document"] as const;
export type InvoiceExpansion = (typeof EXPANSIONS)[number];

export const invoiceSearchQuery = z
  .strictObject({
    number: commaList("[0-9]{20}|[0-9]{1,13}", 100, "invoice numbers (the 20 printed digits, or the ledger's number)")
      .transform((text) => text.split(",").map(parseNumber))
      .refine((numbers) => numbers.every((n) => n !== undefined), `an invoice number: the 20 digits printed on the invoice, or the ledger's number (at most ${LEDGER_BOUNDS.number})`)
      .transform((numbers) => numbers as NumberInput[])
      .optional()
      .meta({ description: "The invoice number (the 20 digits printed on it, or the ledger's number), or several comma-separated (at most 100)", example: "26441000000000000042,43" }),
    reference: reference.optional().meta({ description: "The merchant's own reference (order number) the invoice was issued under" }),
    merchant: address.optional().meta({ description: "The seller's account" }),
    sellerTaxId: taxpayerId
      .optional()
      .meta({
        description:
          "The seller's taxpayer ID (unified social credit code): invoices of every account registered under it (an organisation revoked and registered again has several); none registered: nothing found",
      }),
    buyerTaxId: taxpayerId.optional().meta({ description: "The buyer organisation's taxpayer ID (unified social credit code) the invoice is titled to" }),
    holder: address.optional().meta({ description: "The account holding the invoice (the employee or enterprise that claimed it, or to which it was transferred)" }),
    enterprise: address.optional().meta({ description: "The enterprise that locked the invoice for reimbursement (and reimbursed and filed it)" }),
    state: commaList(stateNames.join("|"), stateNames.length, `states among ${stateNames.join(", ")}`)
      .transform((text) => stateNames.filter((state) => text.split(",").includes(state)))
      .optional()
      .meta({ description: `Current state, or several comma-separated: ${stateNames.join(", ")}`, example: "Issued,Locked" }),
    issuedFrom: timeOrDate
      .transform(({ at }) => iso(at))
      .optional()
      .meta({ description: "Issued at or after this time (the block's time): an ISO date-time with offset, or a date (from the start of that day, China Standard Time)", example: "2026-11-01" }),
    issuedTo: timeOrDate
      .transform(({ at, day }) => (day ? { time: iso(at + DAY_MS), inclusive: false } : { time: iso(at), inclusive: true }))
      .optional()
      .meta({ description: "Issued at or before this time: an ISO date-time with offset, or a date (to the end of that day, China Standard Time)", example: "2026-11-30" }),
    periodFrom: period.optional().meta({ description: "Issued in this tax period (YYYYMM, China Standard Time) or later", example: "202611" }),
    periodTo: period.optional().meta({ description: "Issued in this tax period (YYYYMM) or earlier", example: "202611" }),
    totalMin: fenBound("At least this total").optional(),
    totalMax: fenBound("At most this total").optional(),
    reversalPending: z
      .enum(["true", "false"], { error: "true or false" })
      .transform((text) => text === "true")
      .optional()
      .meta({ description: "`true`: only invoices with a credit note awaiting the buyer's confirmation; `false`: only those without", example: "true" }),
    sort: z
      .enum(SORTS)
      .default("number")
      .meta({ description: "Order: by number, issue time or total; `-` for descending. Ties are ordered by number, the same way", example: "-issuedAt" }),
    expand: commaList(EXPANSIONS.join("|"), EXPANSIONS.length, `expansions among ${EXPANSIONS.join(", ")}`)
      .transform((text) => EXPANSIONS.filter((expansion) => text.split(",").includes(expansion)))
      .optional()
      .meta({
        description:
          "`parties`: the names of seller, holder and enterprise (the seller's always; another's where you may read that participant: the bureau, the party itself, its employer); `document`: the invoice document, for parties to the invoice and the bureau",
        example: "parties,document",
      }),
    limit: pageQuery.limit,
    cursor: z.string().optional().meta({ description: "`nextCursor` of the previous page, unchanged, with the same filters and sort; anything else is 400 INVALID_CURSOR" }),
    after: pageQuery.after.meta({ description: "Deprecated (use `cursor`): continue after this invoice number; only with sort=number", param: { deprecated: true } }),
  })
  .refine((query) => query.after === undefined || query.cursor === undefined, { path: ["after"], message: "either cursor or after, not both", ...whenFieldsParsed })
  .refine((query) => query.after === undefined || query.sort === "number", { path: ["after"], message: "after pages by number only: use cursor", ...whenFieldsParsed });

export type InvoiceSearchParams = z.output<typeof invoiceSearchQuery>;
