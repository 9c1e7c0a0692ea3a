import { z } from "zod";

import { LEDGER_BOUNDS } from "../../domain/ledger-bounds";
import { QUANTITY_PATTERN, TAX_RATES, lineAmount, lineTax, type TaxRate } from "../../domain/money";
import { fen, name, reference, taxFen, taxpayerId, totalFen, whenFieldsParsed } from "./common";

/**
 * What a merchant sends to issue one invoice. Amounts are checked the way the invoice rules say:
 * line amount = quantity x unit price, tax = amount x rate (half-up to the fen), totals are the sums, and
 * the totals fit the ledger (total uint48 fen, tax uint40 fen). The arithmetic runs only on lines whose
 * fields all parsed, so it only ever sees bigints.
 */
export const buyer = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("organisation"), name, taxpayerId }),
  z.strictObject({ type: z.literal("individual"), name }),
]);

export const taxRate = z
  .union(TAX_RATES.map((rate) => z.literal(rate)) as [z.ZodLiteral<TaxRate>, ...z.ZodLiteral<TaxRate>[]], { error: "a VAT rate in percent: 0, 1, 3, 5, 6, 9 or 13" })
  .meta({ description: "VAT rate in percent: 0, 1, 3, 5, 6, 9 or 13" });

export const lineItem = z
  .strictObject({
    name,
    specification: z.string().max(100).optional(),
    unit: z.string().max(20).optional(),
    quantity: z.string("a quantity is a decimal written as a string, e.g. \"2\" or \"0.5\"").regex(QUANTITY_PATTERN, "a decimal with at most 9 digits before the point and 8 after").meta({ example: "2" }),
    unitPrice: fen,
    amount: totalFen,
    taxRate,
    tax: taxFen,
  })
  .superRefine((item, ctx) => {
    const expected = lineAmount(item.quantity, item.unitPrice);
    if (item.amount !== expected) ctx.addIssue({ code: "custom", path: ["amount"], message: `quantity x unit price is ${expected} fen, not ${item.amount}` });
    const expectedTax = lineTax(item.amount, item.taxRate);
    if (item.tax !== expectedTax) ctx.addIssue({ code: "custom", path: ["tax"], message: `amount x ${item.taxRate}% is ${expectedTax} fen, not ${item.tax}` });
  }, whenFieldsParsed);

export const issueInvoiceBody = z
  .strictObject({
    reference,
    buyer,
    items: z.array(lineItem).min(1).max(100),
    remarks: z.string().max(500).optional(),
  })
  .superRefine((body, ctx) => {
    let amount = 0n;
    let tax = 0n;
    for (const item of body.items) {
      amount += item.amount;
      tax += item.tax;
    }
    if (amount + tax === 0n) ctx.addIssue({ code: "custom", path: ["items"], message: "an invoice's total must be more than 0" });
    if (amount + tax > LEDGER_BOUNDS.totalFen) ctx.addIssue({ code: "custom", path: ["items"], message: `the invoice's total (${amount + tax} fen) is more than the ledger holds (${LEDGER_BOUNDS.totalFen}): split it` });
    if (tax > LEDGER_BOUNDS.taxFen) ctx.addIssue({ code: "custom", path: ["items"], message: `the invoice's tax (${tax} fen) is more than the ledger holds (${LEDGER_BOUNDS.taxFen}): split it` });
  }, whenFieldsParsed)
  .meta({ id: "IssueInvoice" });

export type IssueInvoiceBody = z.output<typeof issueInvoiceBody>;

export const issueBatchBody = z
  .strictObject({ invoices: z.array(issueInvoiceBody).min(1).max(500) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.invoices.forEach((invoice, i) => {
      if (seen.has(invoice.reference)) ctx.addIssue({ code: "custom", path: ["invoices", i, "reference"], message: "the same reference twice in one batch" });
      seen.add(invoice.reference);
    });
  }, whenFieldsParsed)
  .meta({ id: "IssueInvoiceBatch" });
