import type { ModelInvoice, ModelLine, ModelVatBreakdown } from "./en16931-model";
import { fenOf } from "./ubl-amount";

/**
 * The VAT breakdown (BG-23): one entry per category and rate, highest rate first. Its taxable amount is the sum
 * of its lines' net amounts (BR-S-08, BR-Z-08) and its tax the sum of its lines' tax as our document rounded it
 * line by line, which is how a Chinese invoice states its tax. EN 16931 computes a category's tax from its
 * taxable amount instead (BR-CO-17, BR-S-09); the validation artefacts accept a difference below one currency
 * unit, and with at most 100 lines of half a fen each ours stays below 51 fen.
 */
export function vatBreakdown(lines: readonly ModelLine[]): ModelVatBreakdown[] {
  const byCategory = new Map<string, ModelVatBreakdown>();
  for (const line of lines) {
    const key = `${line.vat.code}:${line.vat.rate}`;
    const entry = byCategory.get(key) ?? { category: line.vat, taxableAmount: 0n, taxAmount: 0n };
    entry.taxableAmount += line.netAmount;
    entry.taxAmount += line.tax;
    byCategory.set(key, entry);
  }
  return [...byCategory.values()].sort((a, b) => b.category.rate - a.category.rate);
}

/** BG-22 from the lines and the breakdown: no allowances, charges, prepayment or rounding in our documents. */
export function documentTotals(lines: readonly ModelLine[], breakdown: readonly ModelVatBreakdown[]): ModelInvoice["totals"] {
  const lineNet = lines.reduce((sum, line) => sum + line.netAmount, 0n);
  const tax = breakdown.reduce((sum, entry) => sum + entry.taxAmount, 0n);
  return { lineNet, taxExclusive: lineNet, tax, taxInclusive: lineNet + tax, payable: lineNet + tax };
}

/** A stored document whose totals disagree with its lines is not printed: the file would contradict the invoice. */
export function requireTotals(totals: ModelInvoice["totals"], stated: { amount: string; tax: string; total: string }, what: string): void {
  const amount = fenOf(stated.amount, `${what} amount`);
  const tax = fenOf(stated.tax, `${what} tax`);
  const total = fenOf(stated.total, `${what} total`);
  if (totals.taxExclusive !== amount || totals.tax !== tax || totals.taxInclusive !== total) {
    throw new RangeError(`${what}: lines sum to ${totals.taxExclusive} + ${totals.tax} = ${totals.taxInclusive} fen, the document states ${amount} + ${tax} = ${total}`);
  }
}
