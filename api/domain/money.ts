import { LEDGER_BOUNDS } from "./ledger-bounds";

/**
 * Money is integer fen (分) as bigint, never floating point. Rounding is half-up to the fen, as the
 * invoice rules require; every helper here works on scaled integers only, and refuses anything else
 * (a RangeError: the edge's schemas make sure no client value gets here unchecked).
 */

/** The VAT rates (percent) an invoice line may carry. */
export const TAX_RATES = [0, 1, 3, 5, 6, 9, 13] as const;
export type TaxRate = (typeof TAX_RATES)[number];

/** Largest amount the ledger can store for one invoice (uint48 fen). */
export const MAX_TOTAL_FEN = LEDGER_BOUNDS.totalFen;
/** Largest tax the ledger can store for one invoice (uint40 fen). */
export const MAX_TAX_FEN = LEDGER_BOUNDS.taxFen;

/** A quantity: a non-negative decimal with at most 9 digits before the point and 8 after. */
export const QUANTITY_PATTERN = /^(0|[1-9][0-9]{0,8})(\.[0-9]{1,8})?$/;

function requireFen(value: unknown, what: string): asserts value is bigint {
  if (typeof value !== "bigint" || value < 0n) throw new RangeError(`${what} must be a non-negative bigint of fen, not ${typeof value === "bigint" ? value : typeof value}`);
}

/** `numerator / denominator` rounded half-up, both non-negative. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new RangeError("divideHalfUp takes a non-negative numerator and a positive denominator");
  return (2n * numerator + denominator) / (2n * denominator);
}

/** A non-negative decimal written with at most `maxDecimals` digits after the point, as an exact fraction. */
export interface Decimal {
  units: bigint;
  scale: bigint;
}

export function parseDecimal(text: string): Decimal {
  if (typeof text !== "string" || !QUANTITY_PATTERN.test(text)) throw new RangeError("a quantity is a non-negative decimal with at most 9 digits before the point and 8 after");
  const [whole = "0", fraction = ""] = text.split(".");
  return { units: BigInt(whole + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** Line amount: quantity x unit price (fen), half-up to the fen. */
export function lineAmount(quantity: string, unitPriceFen: bigint): bigint {
  requireFen(unitPriceFen, "a unit price");
  const q = parseDecimal(quantity);
  return divideHalfUp(q.units * unitPriceFen, q.scale);
}

/** Tax on a line: amount x rate %, half-up to the fen. */
export function lineTax(amountFen: bigint, rate: TaxRate): bigint {
  requireFen(amountFen, "an amount");
  if (!(TAX_RATES as readonly number[]).includes(rate)) throw new RangeError(`${String(rate)} is not a VAT rate`);
  return divideHalfUp(amountFen * BigInt(rate), 100n);
}
