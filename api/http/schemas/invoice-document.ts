import { z } from "zod";

import { TAX_RATES, lineAmount, lineTax, MAX_TOTAL_FEN } from "../../domain/money";
import { fen, name, reference, taxpayerId } from "./common";

/**
 * What a merchant sends to issue one invoice. Amounts are checked the way the invoice rules say:
 * line amount = quantity x unit price, tax = amount x rate (half-up to the fen), totals are the sums.
 */
const buyer = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("organisation"), name, taxpayerId }),
  z.strictObject({ type: z.literal("individual"), name }),
]);

const lineItem = z.strictObject({
  name,
  specification: z.string().max(100).optional(),
  unit: z.string().max(20).optional(),
  quantity: z.string().regex(/^(0|[1-9][0-9]{0,8})(\.[0-9]{1,8})?$/, "a decimal with at most 8 places").meta({ example: "2" }),
  unitPrice: fen,
  amount: fen,
  taxRate: z.union(TAX_RATES.map((rate) => z.literal(rate)) as [z.ZodLiteral<0>, ...z.ZodLiteral<number>[]]).meta({ description: "VAT rate in percent: 0, 1, 3, 5, 6, 9 or 13" }),
  tax: fen,
});

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
    body.items.forEach((item, i) => {
      const expected = lineAmount(item.quantity, item.unitPrice);
      if (item.amount !== expected) ctx.addIssue({ code: "custom", path: ["items", i, "amount"], message: `quantity x unit price is ${expected} fen, not ${item.amount}` });
      const expectedTax = lineTax(item.amount, item.taxRate as (typeof TAX_RATES)[number]);
      if (item.tax !== expectedTax) ctx.addIssue({ code: "custom", path: ["items", i, "tax"], message: `amount x ${item.taxRate}% is ${expectedTax} fen, not ${item.tax}` });
      amount += item.amount;
      tax += item.tax;
    });
    if (amount + tax === 0n) ctx.addIssue({ code: "custom", path: ["items"], message: "an invoice's total must be more than 0" });
    if (amount + tax > MAX_TOTAL_FEN) ctx.addIssue({ code: "custom", path: ["items"], message: "the total is larger than the ledger can hold" });
  })
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
  })
  .meta({ id: "IssueInvoiceBatch" });
