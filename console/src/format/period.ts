/**
 * Tax periods (YYYYMM as a number, 202611), counted in China Standard Time as the ledger counts them, and the
 * YYYY-MM text of a month input (<input type="month">).
 */
const CST_MS = 8 * 3600 * 1000;

/** The tax period of an instant (now by default). */
export function periodOf(instant: Date | number = Date.now()): number {
  const cst = new Date((typeof instant === "number" ? instant : instant.getTime()) + CST_MS);
  return cst.getUTCFullYear() * 100 + cst.getUTCMonth() + 1;
}

/** The tax period it is now. */
export const currentPeriod = (): number => periodOf(Date.now());

/** The period `months` before (negative) or after `period`. */
export function shiftPeriod(period: number, months: number): number {
  const index = Math.floor(period / 100) * 12 + (period % 100) - 1 + months;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
}

/** A period as a month input writes it: 202611 -> "2026-11". */
export const monthOfPeriod = (period: number): string => `${Math.floor(period / 100)}-${String(period % 100).padStart(2, "0")}`;

/** "2026-11" (a month input) or "202611" as a period, or undefined when it names no month. */
export function periodOfMonth(text: string): number | undefined {
  const match = /^\s*(\d{4})-?(\d{2})\s*$/.exec(text);
  if (match === null) return undefined;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? Number(`${match[1]}${match[2]}`) : undefined;
}

