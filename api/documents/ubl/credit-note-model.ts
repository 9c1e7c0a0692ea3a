import type { CreditNoteDocument, InvoiceDocument, ReversalReason } from "../../domain/invoice-document";
import { chinaDate } from "../../domain/china-date";
import type { ModelInvoice } from "./en16931-model";
import { buyerParty, sellerParty } from "./parties";
import { reversalLines, type Derivation } from "./reversal-lines";
import { documentTotals, requireTotals, vatBreakdown } from "./vat-breakdown";

/** The reasons of a red-letter credit note as Chinese invoices word them, with the English. */
const REASONS: Readonly<Record<ReversalReason, string>> = {
  "issue-error": "开票有误 (issue error)",
  "sales-return": "销货退回 (sales return)",
  "service-stopped": "服务中止 (service stopped)",
  discount: "销售折让 (sales discount)",
};

const DERIVATIONS: Readonly<Record<Exclude<Derivation, "mirrored">, string>> = {
  "single-rate":
    "本红字发票只载明合计金额与税额；明细行按原发票的唯一税率列示。 / This credit note states only its totals; its line is at the single VAT rate of the invoice it reverses.",
  "pro-rata":
    "本红字发票只载明合计金额与税额；明细行按原发票各税率的金额与税额比例推算。 / This credit note states only its totals; its lines share them among the VAT rates of the invoice it reverses, in proportion to that invoice's amount and tax at each rate.",
};

export interface OriginalInvoice {
  printedNumber: string;
  issuedAt: string;
  document: InvoiceDocument;
}

/**
 * A red-letter credit note as an EN 16931 credit note (type 381) that refers to the invoice it reverses
 * (BG-3). Amounts are positive: the document type says it reverses. The buyer is the invoice's buyer (our
 * credit note does not repeat it), the reason is a note, and so is how the lines were derived when they were.
 */
export function creditNoteModel(printedNumber: string, note: CreditNoteDocument, original: OriginalInvoice): ModelInvoice {
  const { lines, derivation } = reversalLines(note, original.document, original.printedNumber);
  const breakdown = vatBreakdown(lines);
  const totals = documentTotals(lines, breakdown);
  requireTotals(totals, note.totals, `credit note ${printedNumber}`);
  // Only the invoice's seller can reverse it; a note stored without the merchant's taxpayer ID takes the invoice's.
  const seller = note.seller.taxpayerId === "" ? { name: note.seller.name, taxpayerId: original.document.seller.taxpayerId } : note.seller;
  return {
    typeCode: "381",
    number: printedNumber,
    issueDate: chinaDate(note.issuedAt),
    currency: note.currency,
    notes: [`冲红原因 / Reason for the credit note: ${REASONS[note.reason]}`, ...(derivation === "mirrored" ? [] : [DERIVATIONS[derivation]])],
    precedingInvoice: { number: original.printedNumber, issueDate: chinaDate(original.issuedAt) },
    seller: sellerParty(seller),
    buyer: buyerParty(original.document.buyer),
    lines,
    vatBreakdown: breakdown,
    totals,
  };
}
