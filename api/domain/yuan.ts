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

/** An amount a person typed in yuan ("202.91", "88", "0.5") as fen; undefined if it is not one (no sign, no separators, at most two decimals). */
export function parseYuan(text: string): bigint | undefined {
  const match = /^(0|[1-9][0-9]{0,12})(?:\.([0-9]{1,2}))?$/.exec(text.trim());
  if (match === null) return undefined;
  return BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
}
