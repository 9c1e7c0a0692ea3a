import { CST_OFFSET_MS } from "./tax-period";

/**
 * The calendar date of an instant in China Standard Time (UTC+8, no daylight saving), whatever the server's zone:
 * what an invoice prints as its issue date, what its printed number's year is, what UBL's IssueDate says.
 * 2026-11-25T16:00:00Z is already the 26th in China.
 */
export function chinaDate(instant: string): string {
  const time = typeof instant === "string" && /^\d{4}-\d{2}-\d{2}T/.test(instant) ? Date.parse(instant) : Number.NaN;
  if (Number.isNaN(time)) throw new RangeError(`an ISO 8601 instant, e.g. 2026-11-26T02:00:00.000Z, not ${String(instant)}`);
  return new Date(time + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The same date as a Chinese invoice writes it, zero-padded: 2026年11月26日. */
export function chineseDate(instant: string): string {
  const [year, month, day] = chinaDate(instant).split("-");
  return `${year}年${month}月${day}日`;
}
