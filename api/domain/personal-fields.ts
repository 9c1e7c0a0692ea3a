import type { InvoiceDocument, LedgerDocument } from "./invoice-document";

/**
 * The personal data a document can hold, named in one place: an individual buyer's name and, on an invoice to
 * an individual, the remarks (free text a merchant fills as it likes: a phone number, an address, an ID
 * number). An organisation buyer's name and taxpayer ID are public registry data, and so are the seller's;
 * amounts, line items and dates are the tax record the law says must be kept. A credit note names no buyer.
 *
 * The store keeps a document with these fields taken out (`KeptDocument`) and the fields themselves encrypted
 * under a key of that document alone (api/services/documents.ts); erasing the document deletes that key, and
 * the fields then read as erased (`ErasedBuyer`, no remarks).
 */
export interface PersonalFields {
  buyerName: string;
  remarks?: string;
}

/** An individual buyer whose name was erased: the invoice still says it was sold to a person, not to whom. */
export interface ErasedBuyer {
  type: "individual";
  name: null;
  erased: true;
}

export type ErasedInvoiceDocument = Omit<InvoiceDocument, "buyer" | "remarks"> & { buyer: ErasedBuyer };

/** A document as the API serves it: as issued, or with its personal fields erased. */
export type ServedDocument = LedgerDocument | ErasedInvoiceDocument;

/** An invoice to an individual as kept beside its encrypted personal fields: the buyer's type only, no remarks. */
export type WithheldInvoiceDocument = Omit<InvoiceDocument, "buyer" | "remarks"> & { buyer: { type: "individual" } };

/** A document as the store keeps it in clear. */
export type KeptDocument = LedgerDocument | WithheldInvoiceDocument | ErasedInvoiceDocument;

const ERASED: ErasedBuyer = { type: "individual", name: null, erased: true };

/** Whether a document is one that can hold personal fields (an invoice to an individual), erased or not. */
export function isToIndividual(document: KeptDocument | ServedDocument): boolean {
  return document.kind === "invoice" && document.buyer.type === "individual";
}

/** The document without its personal fields, and those fields (undefined when it has none). */
export function withoutPersonalFields(document: LedgerDocument): { kept: KeptDocument; personal: PersonalFields | undefined } {
  if (document.kind !== "invoice" || document.buyer.type !== "individual") return { kept: document, personal: undefined };
  const { remarks, buyer, ...rest } = document;
  // The buyer stays where it was, so that the document reads back with its fields in their order.
  const kept: WithheldInvoiceDocument = { ...rest, buyer: { type: "individual" } };
  return { kept, personal: { buyerName: buyer.name, ...(remarks === undefined ? {} : { remarks }) } };
}

/** The document as issued, from what the store keeps and the decrypted personal fields. */
export function withPersonalFields(kept: KeptDocument, personal: PersonalFields): LedgerDocument {
  if (kept.kind !== "invoice" || kept.buyer.type !== "individual") return kept as LedgerDocument;
  const { remarks: _none, ...rest } = kept as WithheldInvoiceDocument & { remarks?: string };
  // Remarks come last, as buildInvoiceDocument writes them.
  return { ...rest, buyer: { type: "individual", name: personal.buyerName }, ...(personal.remarks === undefined ? {} : { remarks: personal.remarks }) };
}

/** The document with its personal fields erased; a document without any is returned as it is. */
export function erasedDocument(document: KeptDocument | ServedDocument): ServedDocument {
  // Only an invoice to an individual is ever kept withheld or erased: anything else is a document as issued.
  if (document.kind !== "invoice" || document.buyer.type !== "individual") return document as LedgerDocument;
  const { remarks: _remarks, ...rest } = document as InvoiceDocument;
  return { ...rest, buyer: ERASED };
}
