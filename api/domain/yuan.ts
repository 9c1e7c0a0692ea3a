/**
 * Figures in yuan with two decimals, written from integer fen by integer arithmetic (a float would print
 * 0.1 + 0.2 wrong, and loses fen above 2^53). No thousands separators: invoices print none.
 */

/** 11300n → "113.00", -11300n → "-113.00", 5n → "0.05". */
export function yuan(fen: bigint): string {
  if (typeof fen !== "bigint") throw new TypeError("yuan takes a bigint of fen");
  const magnitude = fen < 0n ? -fen : fen;
  const text = `${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, "0")}`;
  return fen < 0n ? `-${text}` : text;
}

/** With the currency sign the 合计 and （小写） figures carry: 11300n → "¥113.00", -11300n → "¥-113.00". */
export function yuanWithSign(fen: bigint): string {
  return `¥${yuan(fen)}`;
}

/** A fen amount given as a digit string (the document's form, "-11300" on a credit note), as a bigint. */
export function fenOf(digits: string): bigint {
  if (typeof digits !== "string" || !/^-?(0|[1-9][0-9]*)$/.test(digits)) throw new RangeError("an amount of fen is an integer written in digits");
  return BigInt(digits);
}
