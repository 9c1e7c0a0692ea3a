import type { IssueInvoiceBody } from "../http/schemas/invoice-document";

/**
 * The invoice document as it is committed to and served: plain JSON with money as digit strings, so its
 * canonical bytes (RFC 8785) are the same in every language. The number is not part of it: the ledger assigns
 * the number at issue, and the on-chain record at that number holds the seal of this document.
 */
export interface InvoiceDocument {
  kind: "invoice";
  version: 1;
  reference: string;
  issuedAt: string;
  currency: "CNY";
  seller: { name: string; taxpayerId: string };
  buyer: { type: "organisation"; name: string; taxpayerId: string } | { type: "individual"; name: string };
  items: {
    name: string;
    specification?: string;
    unit?: string;
    quantity: string;
    unitPrice: string;
    amount: string;
    taxRate: number;
    tax: string;
  }[];
  totals: { amount: string; tax: string; total: string };
  remarks?: string;
}

export const REVERSAL_REASONS = ["issue-error", "sales-return", "service-stopped", "discount"] as const;
export type ReversalReason = (typeof REVERSAL_REASONS)[number];

/** A red-letter credit note (红字发票) against one invoice. */
export interface CreditNoteDocument {
  kind: "credit-note";
  version: 1;
  reference: string;
  issuedAt: string;
  currency: "CNY";
  seller: { name: string; taxpayerId: string };
  original: { id: string; number: string };
  reason: ReversalReason;
  totals: { amount: string; tax: string; total: string };
}

export type LedgerDocument = InvoiceDocument | CreditNoteDocument;

export function buildInvoiceDocument(body: IssueInvoiceBody, seller: { name: string; taxpayerId: string }, issuedAt: Date): InvoiceDocument {
  let amount = 0n;
  let tax = 0n;
  const items = body.items.map((item) => {
    amount += item.amount;
    tax += item.tax;
    return {
      name: item.name,
      ...(item.specification === undefined ? {} : { specification: item.specification }),
      ...(item.unit === undefined ? {} : { unit: item.unit }),
      quantity: item.quantity,
      unitPrice: item.unitPrice.toString(),
      amount: item.amount.toString(),
      taxRate: item.taxRate,
      tax: item.tax.toString(),
    };
  });
  return {
    kind: "invoice",
    version: 1,
    reference: body.reference,
    issuedAt: issuedAt.toISOString(),
    currency: "CNY",
    seller,
    buyer: body.buyer,
    items,
    totals: { amount: amount.toString(), tax: tax.toString(), total: (amount + tax).toString() },
    ...(body.remarks === undefined ? {} : { remarks: body.remarks }),
  };
}
