/**
 * Money is integer fen on the wire (digit strings). The console shows yuan and reads yuan, with exact integer
 * arithmetic on bigint: never a floating-point number between what a person types and what the API receives.
 */
export function yuanText(fen: string | bigint): string {
  const value = BigInt(fen);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = (magnitude / 100n).toLocaleString("en-US");
  const cents = (magnitude % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${whole}.${cents}`;
}

const YUAN = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** What a person typed in yuan ("128", "128.5", "1,280.50") as fen digits, or undefined when it is not an amount. */
export function fenOfYuan(text: string): string | undefined {
  const match = YUAN.exec(text.trim().replace(/[,，\s]/g, ""));
  if (match === null) return undefined;
  const fen = BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  return fen.toString();
}

/** A quantity or unit price in the API's decimal form is passed through; the API checks the arithmetic. */
export function sumFen(values: readonly (string | bigint)[]): string {
  return values.reduce<bigint>((sum, value) => sum + BigInt(value), 0n).toString();
}
