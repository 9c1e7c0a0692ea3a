import { getAddress, isAddress } from "ethers";
import { z } from "zod";

import { LEDGER_BOUNDS, MAX_EXACT_JSON_INTEGER } from "../../domain/ledger-bounds";
import { parseNumber, type NumberInput } from "../../domain/printed-number";
import { isValidTaxpayerId } from "../../domain/taxpayer-id";
import { isValidPeriod } from "../../domain/tax-period";
import { EXAMPLE_CAST } from "./example-cast";

/**
 * Building blocks shared by the request schemas; each turns raw input into the canonical value, and each
 * bound the ledger encodes (LEDGER_BOUNDS) is enforced here, so that a value too large for its on-chain
 * field is a 400 naming the field, never an ABI encoding failure on the way to the node.
 */

/**
 * Object-level checks (arithmetic across fields) run only when every field parsed: zod keeps running an
 * object's refinements after a child failed, which would hand them raw strings instead of bigints.
 */
export const whenFieldsParsed = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

/**
 * An unsigned integer up to `max`: a JSON integer (exact only up to 2^53 - 1) or a string of plain digits
 * (no sign, point, exponent, spaces or leading zeros); a bigint after parsing.
 */
export function unsignedInteger(max: bigint, unit: string) {
  const digits = max.toString().length;
  return z
    .union(
      [
        z.number().int(`a whole number of ${unit}`).min(0, `a whole number of ${unit}, not negative`).max(MAX_EXACT_JSON_INTEGER, `above 2^53 - 1 a JSON number is not exact: send ${unit} as a string of digits`),
        z.string().regex(new RegExp(`^(0|[1-9][0-9]{0,${digits - 1}})$`), `${unit} as plain digits (no sign, point, exponent, spaces or leading zeros), at most ${max}`),
      ],
      { error: `a whole number of ${unit}, or a string of digits` },
    )
    .transform((value) => BigInt(value))
    .pipe(z.bigint().max(max, `at most ${max} ${unit}: larger than the ledger holds`));
}

/** Amount in fen up to `max` (default: what a JSON number holds exactly); bigint after parsing. */
export const fenUpTo = (max: bigint, what = "Amount in fen (1 yuan = 100 fen), integer or string of digits") =>
  unsignedInteger(max, "fen").meta({ description: `${what}; at most ${max}`, example: "11300" });

/** Amount in fen: a JSON integer or a string of digits, at most 2^53 - 1; bigint after parsing. */
export const fen = fenUpTo(BigInt(MAX_EXACT_JSON_INTEGER));
/** Total (amount including tax) of one invoice or credit note: uint48 fen on chain. */
export const totalFen = fenUpTo(LEDGER_BOUNDS.totalFen, "Amount including tax in fen");
/** Tax of one invoice or credit note: uint40 fen on chain. */
export const taxFen = fenUpTo(LEDGER_BOUNDS.taxFen, "Tax in fen");
/** A merchant's quota for one period: uint64 fen on chain. */
export const quotaFen = fenUpTo(LEDGER_BOUNDS.quotaFen, "Quota in fen");

/** A number written as decimal digits in a path or query string, up to `max`; bigint after parsing. */
export function digitString(max: bigint, what: string, width?: number) {
  const pattern = width === undefined ? `^[0-9]{1,${max.toString().length}}$` : `^[0-9]{${width}}$`;
  return z
    .string(`${what}: digits`)
    .regex(new RegExp(pattern), width === undefined ? `${what}: digits only` : `${what}: ${width} digits`)
    .transform((value) => BigInt(value))
    .pipe(z.bigint().max(max, `${what}: at most ${max}`));
}

/**
 * An invoice or credit-note number as a person has it: the 20 digits printed on it (api/domain/printed-number.ts)
 * or the ledger's own number. Every route that takes a number takes both.
 */
export const invoiceNumber = z
  .string("an invoice number: digits")
  .transform((text, context): NumberInput => {
    const parsed = parseNumber(text);
    if (parsed === undefined) context.addIssue({ code: "custom", message: `an invoice number: the 20 digits printed on the invoice, or the ledger's number (at most ${LEDGER_BOUNDS.number})` });
    return parsed ?? { sequence: 0n };
  })
  .meta({ description: "Invoice number: the 20 digits printed on the invoice (year, region, channel, 15-digit sequence), or the ledger's number", example: "26441000000000000042" });

export const taxpayerId = z
  .string()
  .regex(/^[0-9A-Z]{18}$/, "18 characters, digits and capital letters")
  .refine(isValidTaxpayerId, "not a valid unified social credit code (check character)")
  .meta({ description: "Unified social credit code (GB 32100-2015)", example: EXAMPLE_CAST.merchant.taxpayerId });

export const address = z
  .string()
  .max(42, "an account address is 0x + 40 hex digits")
  .refine(isAddress, "not an account address")
  .transform((value) => getAddress(value))
  .meta({ description: "Chain account address (0x + 40 hex digits)" });

export const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "0x followed by 64 hex digits")
  .transform((value) => value.toLowerCase());

export const invoiceId = bytes32.meta({ description: "Invoice id (0x + 64 hex digits)" });
export const creditNoteId = bytes32.meta({ description: "Credit note id (0x + 64 hex digits)" });

/**
 * Tax period YYYYMM: a JSON integer, or six digits (the only form a path or query string has). Nothing a
 * number merely coerces from (" 202611", "2.02611e5", "0x3174B", [202611], true) is a period.
 */
export const period = z
  .union([z.number().int("a tax period is YYYYMM, e.g. 202611"), z.string().regex(/^[0-9]{6}$/, "a tax period is six digits YYYYMM, e.g. 202611").transform(Number)], {
    error: "a tax period is YYYYMM, e.g. 202611",
  })
  .pipe(z.number().refine((value) => value <= Number(LEDGER_BOUNDS.period) && isValidPeriod(value), "a tax period is YYYYMM from 197001 to 999912, e.g. 202611"))
  .meta({ description: "Tax period YYYYMM (China Standard Time)", example: 202611 });

/** A merchant's own reference for an order (its order number): one reference, one invoice. */
export const reference = z
  .string()
  .regex(/^[A-Za-z0-9._:/-]{1,64}$/, "1 to 64 letters, digits or . _ : / -")
  .meta({ description: "Your own unique reference (order number); resubmitting it returns the same invoice" });

/** Short reason codes go on chain as bytes32, so they are limited to plain ASCII: never free text about a person. */
export const reasonCode = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,31}$/, "1 to 31 letters, digits, _ or -")
  .meta({ description: "Short reason code, e.g. DUPLICATE_CLAIM (public, on chain)" });

/** A lone UTF-16 surrogate: text that has no UTF-8 form (neither PostgreSQL nor a signature's hash can take it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((text) => !LONE_SURROGATE.test(text), "text with a lone surrogate (no UTF-8 form)");

export const pageQuery = {
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, "a page size from 1 to 500")
    .transform(Number)
    .pipe(z.number().int().min(1, "a page size from 1 to 500").max(500, "a page size from 1 to 500"))
    .default(50)
    .meta({ description: "Page size, 1 to 500", example: "50" }),
  after: z.string().regex(/^[0-9]{1,12}$/, "an invoice number (digits)").optional().meta({ description: "Continue after this invoice number" }),
};
