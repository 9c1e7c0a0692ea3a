import { CST_OFFSET_MS } from "../../domain/tax-period";

/**
 * The calendar date (YYYY-MM-DD) of an instant in China Standard Time (UTC+8, no daylight saving): an invoice
 * issued at 23:30 UTC is dated the next day, as the Chinese invoice printed for it is.
 */
export function chinaDate(instant: string): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) throw new RangeError(`not an instant: ${instant}`);
  return new Date(time + CST_OFFSET_MS).toISOString().slice(0, 10);
}
