/**
 * Tax periods are calendar months in China Standard Time (UTC+8), written YYYYMM, as the ledger's
 * TaxPeriods library computes them on chain.
 */
export const CST_OFFSET_MS = 8 * 3600 * 1000;

export function periodOf(time: Date): number {
  const cst = new Date(time.getTime() + CST_OFFSET_MS);
  return cst.getUTCFullYear() * 100 + cst.getUTCMonth() + 1;
}

export function isValidPeriod(period: number): boolean {
  const month = period % 100;
  return Number.isInteger(period) && period >= 197001 && period <= 999912 && month >= 1 && month <= 12;
}

/** The instant tax period `period` (YYYYMM, valid) begins: midnight of its first day in China Standard Time. */
export function periodStart(period: number): Date {
  return new Date(Date.UTC(Math.floor(period / 100), (period % 100) - 1, 1) - CST_OFFSET_MS);
}

/** The instant the tax period after `period` begins (the end, exclusive, of `period`). */
export function periodEnd(period: number): Date {
  const month = period % 100;
  return periodStart(month === 12 ? (Math.floor(period / 100) + 1) * 100 + 1 : period + 1);
}
