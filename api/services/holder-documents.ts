import { REVERSAL_REASON_WORDING, type PrintableDocument, type PrintableLine } from "../documents/printable-document";
import { loadInvoiceFonts, type InvoiceFonts } from "../documents/pdf/fonts";
import { renderInvoicePdf } from "../documents/pdf/render-invoice-pdf";
import { invoiceUbl, UBL_MEDIA_TYPE } from "../documents/ubl/invoice-ubl";
import { verificationUrl } from "../documents/verification-url";
import type { CreditNoteDocument, InvoiceDocument } from "../domain/invoice-document";
import { notFound } from "../errors";
import type { ProofBundle } from "../../lib/proof/proof-bundle";
import type { DocumentFile } from "./documents";
import type { Invoices } from "./invoices";
import type { Party } from "./parties";
import type { Proofs } from "./proofs";

/**
 * The files a party to an invoice or credit note gets (GET /v1/invoices/{id}/pdf|ubl|proof and the same under
 * /v1/credit-notes): the PDF in the layout of a Chinese e-invoice, whose QR code opens the public verification
 * page, with the UBL and the offline proof bundle attached; the UBL 2.1 / EN 16931 XML; the proof bundle. Who may
 * read them is who may read the invoice (`invoices.view`: an unknown id and someone else's read alike). The
 * seller's copy of an invoice nobody has claimed is the buyer's copy: its QR code carries the claim code in the
 * address's fragment, as the API's answer to the seller carries the claim code.
 */
export type HolderDocumentKind = "invoice" | "credit-note";

interface Assembled {
  printable: Omit<PrintableDocument, "attachments">;
  ubl: string;
  file: DocumentFile;
}

export function createHolderDocuments(deps: { invoices: Invoices; proofs: Proofs; publicUrl: () => string }) {
  const { invoices, proofs } = deps;
  // Read once, at the first PDF (20 MB held): each document then embeds only the glyphs it uses.
  let fonts: Promise<InvoiceFonts> | undefined;

  async function assembleInvoice(viewer: Party, id: string): Promise<Assembled> {
    const view = await invoices.view(viewer, id);
    if (view.document === undefined || view.printedNumber === null) throw notFound("invoice");
    const file = view.document;
    const document = file.document as InvoiceDocument;
    const printable: Assembled["printable"] = {
      kind: "invoice",
      printedNumber: view.printedNumber,
      issuedAt: document.issuedAt,
      checkCode: view.checkCode,
      seller: document.seller,
      buyer: buyerOf(document),
      lines: document.items.map((item) => ({ ...item })),
      totals: document.totals,
      ...(document.remarks === undefined ? {} : { remarks: document.remarks }),
      issuer: document.seller.name,
      verificationUrl: verificationUrl(deps.publicUrl(), { printedNumber: view.printedNumber, checkCode: view.checkCode, total: view.total }, view.claimCode),
    };
    return { printable, ubl: invoiceUbl({ kind: "invoice", printedNumber: view.printedNumber, document }), file };
  }

  async function assembleCreditNote(viewer: Party, id: string): Promise<Assembled> {
    const note = await invoices.creditNoteView(viewer, id);
    const original = await invoices.view(viewer, note.invoiceId);
    if (note.document === undefined || note.printedNumber === null || original.document === undefined || original.printedNumber === null) throw notFound("credit note");
    const file = note.document;
    const document = file.document as CreditNoteDocument;
    const invoice = original.document.document as InvoiceDocument;
    const negative = (fen: string) => (fen === "0" ? "0" : `-${fen}`);
    const printable: Assembled["printable"] = {
      kind: "credit-note",
      printedNumber: note.printedNumber,
      issuedAt: document.issuedAt,
      checkCode: note.checkCode,
      seller: document.seller,
      buyer: buyerOf(invoice),
      // As a red-letter invoice prints them: negative quantities and amounts, unit prices as they were.
      lines: creditNoteLines(document, invoice).map((line) => ({ ...line, ...(line.quantity === undefined ? {} : { quantity: negative(line.quantity) }), amount: negative(line.amount), tax: negative(line.tax) })),
      totals: { amount: negative(document.totals.amount), tax: negative(document.totals.tax), total: negative(document.totals.total) },
      original: { printedNumber: original.printedNumber, issuedAt: invoice.issuedAt, reason: document.reason },
      issuer: document.seller.name,
      verificationUrl: verificationUrl(deps.publicUrl(), { printedNumber: note.printedNumber, checkCode: note.checkCode, total: note.total }),
    };
    const ubl = invoiceUbl({ kind: "credit-note", printedNumber: note.printedNumber, document, original: { printedNumber: original.printedNumber, issuedAt: invoice.issuedAt, document: invoice } });
    return { printable, ubl, file };
  }

  const assemble = (viewer: Party, kind: HolderDocumentKind, id: string) => (kind === "invoice" ? assembleInvoice(viewer, id) : assembleCreditNote(viewer, id));

  /** The bundle carries the document file while it can be checked against the seal: an erased one has lost its salt. */
  async function proofOf(kind: HolderDocumentKind, id: string, file: DocumentFile): Promise<ProofBundle> {
    const provable = file.salt === null ? undefined : { ...file, salt: file.salt };
    const bundle = kind === "invoice" ? await proofs.invoiceBundle(id, provable) : await proofs.creditNoteBundle(id, provable);
    if (bundle === undefined) throw notFound(kind === "invoice" ? "invoice" : "credit note");
    return bundle;
  }

  return {
    async pdf(viewer: Party, kind: HolderDocumentKind, id: string): Promise<{ bytes: Buffer; filename: string }> {
      const { printable, ubl, file } = await assemble(viewer, kind, id);
      const bundle = await proofOf(kind, id, file);
      fonts ??= loadInvoiceFonts();
      const bytes = await renderInvoicePdf({
        ...printable,
        attachments: [
          { name: `${printable.printedNumber}.xml`, content: Buffer.from(ubl), mimeType: UBL_MEDIA_TYPE, description: "UBL 2.1 / EN 16931", relationship: "Alternative" },
          { name: `${printable.printedNumber}.proof.json`, content: Buffer.from(`${JSON.stringify(bundle, null, 2)}\n`), mimeType: "application/json", description: "Offline proof: the ledger's record, its storage proof, the sealed block header", relationship: "Supplement" },
        ],
      }, await fonts);
      return { bytes, filename: `${printable.printedNumber}.pdf` };
    },

    async ubl(viewer: Party, kind: HolderDocumentKind, id: string): Promise<{ xml: string; filename: string }> {
      const { printable, ubl } = await assemble(viewer, kind, id);
      return { xml: ubl, filename: `${printable.printedNumber}.xml` };
    },

    /** Only the document file is needed (and who may read it): nothing is laid out or written as XML. */
    async proof(viewer: Party, kind: HolderDocumentKind, id: string): Promise<ProofBundle> {
      const file = kind === "invoice" ? (await invoices.view(viewer, id)).document : (await invoices.creditNoteView(viewer, id)).document;
      if (file === undefined) throw notFound(kind === "invoice" ? "invoice" : "credit note");
      return proofOf(kind, id, file);
    },
  };
}

/** The buyer as printed: an erased individual's name reads as erased (null). */
function buyerOf(document: InvoiceDocument): PrintableDocument["buyer"] {
  const buyer = document.buyer as InvoiceDocument["buyer"] | { type: "individual"; name: string | null };
  return buyer.type === "organisation" ? buyer : { type: "individual", name: buyer.name ?? null };
}

/**
 * The lines a red-letter note prints (positive here; the caller negates them): a full reversal repeats the
 * invoice's lines; a partial one, which the ledger knows only by total and tax, is one line naming the reason
 * and the invoice's item, at the invoice's rate when it has only one.
 */
function creditNoteLines(note: CreditNoteDocument, invoice: InvoiceDocument): PrintableLine[] {
  if (note.totals.total === invoice.totals.total && note.totals.tax === invoice.totals.tax) return invoice.items.map((item) => ({ ...item }));
  const rates = [...new Set(invoice.items.map((item) => item.taxRate))];
  const first = invoice.items[0];
  const name = invoice.items.length === 1 && first !== undefined ? `${REVERSAL_REASON_WORDING[note.reason]}：${first.name}` : REVERSAL_REASON_WORDING[note.reason];
  return [{ name, amount: note.totals.amount, tax: note.totals.tax, ...(rates.length === 1 ? { taxRate: rates[0]! } : {}) }];
}

export type HolderDocuments = ReturnType<typeof createHolderDocuments>;
