import { parseYuan, yuan } from "../../../api/domain/yuan";

/**
 * Money is integer fen on the wire (digit strings). The console shows yuan and reads yuan with the API's own
 * exact conversions (api/domain/yuan.ts, bigint): never a floating-point number between what a person types and
 * what the API receives. On screen the yuan carry thousands separators, which a person may type too.
 */
export function yuanText(fen: string | bigint): string {
  const [whole, cents] = yuan(BigInt(fen)).split(".") as [string, string];
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ",")}.${cents}`;
}

/** What a person typed in yuan ("128", "128.5", "1,280.50") as fen digits, or undefined when it is not an amount. */
export function fenOfYuan(text: string): string | undefined {
  return parseYuan(text.replace(/[,，\s]/g, ""))?.toString();
}

/** The sum of amounts in fen (a selection's total, a form's lines as the API computed them), exact. */
export function sumFen(values: readonly (string | bigint)[]): string {
  return values.reduce<bigint>((sum, value) => sum + BigInt(value), 0n).toString();
}
