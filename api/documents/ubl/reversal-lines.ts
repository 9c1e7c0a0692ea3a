import type { CreditNoteDocument, InvoiceDocument } from "../../domain/invoice-document";
import type { TaxRate } from "../../domain/money";
import type { ModelLine } from "./en16931-model";
import { invoiceLines, taxRateOf } from "./invoice-lines";
import { fenOf } from "./ubl-amount";
import { COUNT_UNIT_CODE } from "./unit-code";
import { vatCategory } from "./vat-category";

/**
 * The lines of a credit note. Our credit note holds only its totals (amount, tax) and the invoice it reverses,
 * so its lines come from that invoice:
 *
 * - "mirrored": it reverses the whole invoice (same amount and same tax), so its lines are the invoice's lines.
 * - "single-rate": every line of the invoice has one rate, so one line at that rate carries the note's amount
 *   and tax: whatever was returned or discounted, it was taxed at that rate.
 * - "pro-rata": the invoice has several rates and the note does not say which goods it concerns (a partial
 *   reversal, or a full one of what earlier partial ones left). One line per rate of the invoice, the note's
 *   amount shared in proportion to the invoice's amount at each rate and its tax in proportion to the
 *   invoice's tax at each rate (largest remainder, so the shares add up to the note's figures to the fen; a
 *   0 % rate gets no tax). This is exact for a discount on the whole invoice and an estimate otherwise, and
 *   the note says so in a cbc:Note.
 */
export type Derivation = "mirrored" | "single-rate" | "pro-rata";

export function reversalLines(note: CreditNoteDocument, original: InvoiceDocument, originalNumber: string): { lines: ModelLine[]; derivation: Derivation } {
  const amount = fenOf(note.totals.amount, "credit note amount");
  const tax = fenOf(note.totals.tax, "credit note tax");
  const originalAmount = fenOf(original.totals.amount, "original amount");
  const originalTax = fenOf(original.totals.tax, "original tax");
  if (amount + tax === 0n) throw new RangeError("a credit note of 0 fen reverses nothing");
  if (amount > originalAmount || tax > originalTax) throw new RangeError(`the credit note (${amount} + ${tax} fen) reverses more than its invoice holds (${originalAmount} + ${originalTax})`);
  if (amount === originalAmount && tax === originalTax) return { lines: invoiceLines(original.items), derivation: "mirrored" };

  const groups = ratesOf(original);
  const amounts = apportion(amount, groups.map((group) => group.amount));
  const taxes = apportion(tax, groups.map((group) => group.tax));
  const lines: ModelLine[] = [];
  groups.forEach((group, i) => {
    const lineAmount = amounts[i] ?? 0n;
    const lineTax = taxes[i] ?? 0n;
    // A rate that gets nothing of the note has no line (the note is not zero, so some rate gets something).
    if (lineAmount === 0n && lineTax === 0n) return;
    lines.push({
      id: String(lines.length + 1),
      quantity: "1",
      unitCode: COUNT_UNIT_CODE,
      netAmount: lineAmount,
      netPrice: lineAmount,
      itemName: `冲红：原发票 ${originalNumber} 中税率 ${group.rate}% 的项目 / Reversal of the items at ${group.rate}% VAT of invoice ${originalNumber}`,
      itemAttributes: [],
      vat: vatCategory(group.rate),
      tax: lineTax,
    });
  });
  return { lines, derivation: groups.length === 1 ? "single-rate" : "pro-rata" };
}

/** The invoice's amount and tax per rate, highest rate first. */
function ratesOf(original: InvoiceDocument): { rate: TaxRate; amount: bigint; tax: bigint }[] {
  const byRate = new Map<TaxRate, { rate: TaxRate; amount: bigint; tax: bigint }>();
  original.items.forEach((item, index) => {
    const rate = taxRateOf(item.taxRate);
    const group = byRate.get(rate) ?? { rate, amount: 0n, tax: 0n };
    group.amount += fenOf(item.amount, `original line ${index + 1} amount`);
    group.tax += fenOf(item.tax, `original line ${index + 1} tax`);
    byRate.set(rate, group);
  });
  return [...byRate.values()].sort((a, b) => b.rate - a.rate);
}

/**
 * `total` shared in proportion to `weights` in whole fen (largest remainder: each share rounded down, the fen
 * left over going to the largest remainders, earlier entries first on a tie), so the shares add up to `total`.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    if (total === 0n) return weights.map(() => 0n);
    throw new RangeError(`cannot share ${total} fen in proportion to nothing`);
  }
  const shares = weights.map((weight) => (total * weight) / sum);
  let left = total - shares.reduce((a, b) => a + b, 0n);
  const byRemainder = weights.map((weight, index) => ({ index, remainder: (total * weight) % sum })).sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (left === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares;
}
