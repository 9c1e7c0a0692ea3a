/**
 * Money is integer fen (分) as bigint, never floating point. Rounding is half-up to the fen, as the
 * invoice rules require; every helper here works on scaled integers only.
 */

/** The VAT rates (percent) an invoice line may carry. */
export const TAX_RATES = [0, 1, 3, 5, 6, 9, 13] as const;
export type TaxRate = (typeof TAX_RATES)[number];

/** Largest amount the ledger can store for one invoice (uint48 fen). */
export const MAX_TOTAL_FEN = 2n ** 48n - 1n;

/** `numerator / denominator` rounded half-up, both non-negative. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** A non-negative decimal written with at most `maxDecimals` digits after the point, as an exact fraction. */
export interface Decimal {
  units: bigint;
  scale: bigint;
}

export function parseDecimal(text: string): Decimal {
  const [whole = "0", fraction = ""] = text.split(".");
  return { units: BigInt(whole + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** Line amount: quantity x unit price (fen), half-up to the fen. */
export function lineAmount(quantity: string, unitPriceFen: bigint): bigint {
  const q = parseDecimal(quantity);
  return divideHalfUp(q.units * unitPriceFen, q.scale);
}

/** Tax on a line: amount x rate %, half-up to the fen. */
export function lineTax(amountFen: bigint, rate: TaxRate): bigint {
  return divideHalfUp(amountFen * BigInt(rate), 100n);
}
