import { z } from "zod";

import { creditNoteId, invoiceId } from "../schemas/common";
import { holderDocumentExamples } from "../schemas/holder-document-examples";
import { proofBundleView } from "../schemas/proof-bundle";
import type { HolderDocumentKind } from "../../services/holder-documents";
import { defineRoute, type RouteKit } from "../route";

/**
 * The files of an invoice or credit note for its parties: PDF (with QR code, UBL and proof attached), UBL 2.1 /
 * EN 16931 XML, and the offline proof bundle. Same access as reading the invoice.
 */
export function holderDocumentRoutes(kit: RouteKit): void {
  const { holderDocuments } = kit.ctx.services;
  const everyone = ["bureau", "merchant", "enterprise", "individual"] as const;
  const kinds: { kind: HolderDocumentKind; base: string; params: z.ZodObject<{ id: typeof invoiceId }>; what: string; tag: string }[] = [
    { kind: "invoice", base: "/v1/invoices/{id}", params: z.strictObject({ id: invoiceId }), what: "invoice", tag: "invoices" },
    { kind: "credit-note", base: "/v1/credit-notes/{id}", params: z.strictObject({ id: creditNoteId }), what: "red-letter credit note", tag: "credit notes" },
  ];
  for (const { kind, base, params, what, tag } of kinds) {
    const examples = holderDocumentExamples[kind];
    defineRoute(kit, {
      method: "get",
      path: `${base}/pdf`,
      operationId: `${kind === "invoice" ? "getInvoicePdf" : "getCreditNotePdf"}`,
      summary: `The ${what} as a PDF in the layout of a Chinese e-invoice: QR code to the public verification page (on the seller's copy of an unclaimed invoice, with the claim code in the address's fragment), the UBL and the offline proof attached`,
      tag,
      access: [...everyone],
      params,
      responses: { 200: { description: "The PDF", media: "application/pdf" } },
      examples: examples.pdf,
      async handle({ party, params: { id } }) {
        const { bytes, filename } = await holderDocuments.pdf(party!, kind, id);
        return { status: 200, body: bytes, type: "application/pdf", filename };
      },
    });
    defineRoute(kit, {
      method: "get",
      path: `${base}/ubl`,
      operationId: `${kind === "invoice" ? "getInvoiceUbl" : "getCreditNoteUbl"}`,
      summary: `The ${what} in UBL 2.1 following EN 16931 (${kind === "invoice" ? "Invoice, type 380" : "CreditNote, type 381, with a BillingReference to the invoice"}; VAT breakdown by category and rate, CNY, taxpayer IDs as legal identifiers)`,
      tag,
      access: [...everyone],
      params,
      responses: { 200: { description: "The UBL document", media: "application/xml" } },
      examples: examples.ubl,
      async handle({ party, params: { id } }) {
        const { xml, filename } = await holderDocuments.ubl(party!, kind, id);
        return { status: 200, body: xml, type: "application/xml", filename };
      },
    });
    defineRoute(kit, {
      method: "get",
      path: `${base}/proof`,
      operationId: `${kind === "invoice" ? "getInvoiceProof" : "getCreditNoteProof"}`,
      summary: `An offline proof of the ${what}: its record on the ledger with an EIP-1186 storage proof against a block's state root, that block's header and the authority's seal over it, and the document file; checked with nothing but the authority's address (lib/proof)`,
      tag,
      access: [...everyone],
      params,
      responses: { 200: { description: "The proof bundle", schema: proofBundleView } },
      examples: examples.proof,
      async handle({ party, params: { id } }) {
        return { status: 200, body: await holderDocuments.proof(party!, kind, id) };
      },
    });
  }
}
