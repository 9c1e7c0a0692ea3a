import type { CreditNoteDocument, InvoiceDocument } from "../../domain/invoice-document";
import { creditNoteModel, type OriginalInvoice } from "./credit-note-model";
import { invoiceModel } from "./invoice-model";
import { renderUbl } from "./render-ubl";

/**
 * An invoice or a red-letter credit note as UBL 2.1 following the EN 16931 semantic model: what
 * `GET /v1/invoices/{id}/ubl` and `GET /v1/credit-notes/{id}/ubl` serve. Pure: the same input always gives the
 * same bytes. A document that contradicts itself (totals not the sums of its lines, a credit note reversing
 * more than its invoice) is a RangeError, as for the domain's other helpers: stored documents were checked on
 * the way in, so reaching one is a bug, not a client's mistake.
 */
export type UblInput =
  | { kind: "invoice"; printedNumber: string; document: InvoiceDocument }
  | { kind: "credit-note"; printedNumber: string; document: CreditNoteDocument; original: OriginalInvoice };

/** The media type to serve it with. */
export const UBL_MEDIA_TYPE = "application/xml";

const PRINTED_NUMBER = /^[0-9]{20}$/;

export function invoiceUbl(input: UblInput): string {
  requirePrintedNumber(input.printedNumber);
  if (input.kind === "invoice") return renderUbl(invoiceModel(input.printedNumber, input.document));
  requirePrintedNumber(input.original.printedNumber);
  return renderUbl(creditNoteModel(input.printedNumber, input.document, input.original));
}

function requirePrintedNumber(number: string): void {
  if (!PRINTED_NUMBER.test(number)) throw new RangeError(`a printed invoice number has 20 digits: ${number}`);
}
