import { CST_OFFSET_MS } from "../domain/tax-period";

/**
 * The date an invoice prints: the day in China Standard Time (UTC+8), whatever the server's zone, written as
 * 2026年11月26日 (zero-padded, as 数电 invoices print it). 2026-11-25T16:00:00Z is already the 26th in China.
 */
export function chineseDate(instant: string): string {
  const time = Date.parse(instant);
  if (typeof instant !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(instant) || Number.isNaN(time)) throw new RangeError("an ISO 8601 instant, e.g. 2026-11-26T02:00:00.000Z");
  const cst = new Date(time + CST_OFFSET_MS);
  const month = String(cst.getUTCMonth() + 1).padStart(2, "0");
  const day = String(cst.getUTCDate()).padStart(2, "0");
  return `${cst.getUTCFullYear()}年${month}月${day}日`;
}
