/**
 * Amounts between our documents (integer fen as digit strings) and UBL (decimal currency units with two places,
 * as EN 16931 BR-DEC-* require). Pure bigint arithmetic: a float never touches money.
 */
const FEN_DIGITS = /^(0|[1-9][0-9]*)$/;

/** A document's digit string of fen as a bigint; anything else is a RangeError (documents are checked on the way in). */
export function fenOf(digits: string, what: string): bigint {
  if (typeof digits !== "string" || !FEN_DIGITS.test(digits)) throw new RangeError(`${what} is not a whole number of fen: ${String(digits)}`);
  return BigInt(digits);
}

/** 12345n fen -> "123.45". Only non-negative amounts: a credit note carries positive amounts, its type says it reverses. */
export function ublAmount(fen: bigint): string {
  if (fen < 0n) throw new RangeError(`a UBL amount here is never negative: ${fen}`);
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, "0")}`;
}
