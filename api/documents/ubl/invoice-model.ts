import type { InvoiceDocument } from "../../domain/invoice-document";
import { chinaDate } from "../../domain/china-date";
import type { ModelInvoice } from "./en16931-model";
import { invoiceLines } from "./invoice-lines";
import { buyerParty, sellerParty } from "./parties";
import { documentTotals, requireTotals, vatBreakdown } from "./vat-breakdown";

/** Our invoice as an EN 16931 commercial invoice (type 380); its remarks are the invoice note (BT-22). */
export function invoiceModel(printedNumber: string, document: InvoiceDocument): ModelInvoice {
  const lines = invoiceLines(document.items);
  const breakdown = vatBreakdown(lines);
  const totals = documentTotals(lines, breakdown);
  requireTotals(totals, document.totals, `invoice ${printedNumber}`);
  const remarks = document.remarks?.trim() ?? "";
  return {
    typeCode: "380",
    number: printedNumber,
    issueDate: chinaDate(document.issuedAt),
    currency: document.currency,
    notes: remarks === "" ? [] : [remarks],
    seller: sellerParty(document.seller),
    buyer: buyerParty(document.buyer),
    lines,
    vatBreakdown: breakdown,
    totals,
  };
}
