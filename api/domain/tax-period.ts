/**
 * Tax periods are calendar months in China Standard Time (UTC+8), written YYYYMM, as the ledger's
 * TaxPeriods library computes them on chain.
 */
const CST_OFFSET_MS = 8 * 3600 * 1000;

export function periodOf(time: Date): number {
  const cst = new Date(time.getTime() + CST_OFFSET_MS);
  return cst.getUTCFullYear() * 100 + cst.getUTCMonth() + 1;
}

export function isValidPeriod(period: number): boolean {
  const month = period % 100;
  return Number.isInteger(period) && period >= 197001 && period <= 999912 && month >= 1 && month <= 12;
}
