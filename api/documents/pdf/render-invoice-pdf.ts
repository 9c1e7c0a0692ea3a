import PDFDocument from "pdfkit";

import type { PrintableAttachment, PrintableDocument } from "../printable-document";
import { FONT, loadInvoiceFonts, type InvoiceFonts } from "./fonts";
import { drawInvoicePage, TITLE } from "./invoice-page";
import { planPages } from "./page-plan";
import { paletteFor } from "./palette";
import { printedFields } from "./printed-fields";

/**
 * The PDF a holder is handed: the invoice (or red-letter credit note) in the layout of a Chinese e-invoice,
 * with a QR code to the public verification page and the machine-readable files embedded.
 *
 * - PDF/A-3b (ISO 19005-3): archivable as tax records must be, every font embedded (subsets of Noto Sans SC,
 *   no standard font), an sRGB output intent, XMP metadata, and attachments allowed (the "3"), each with its
 *   MIME type and relationship to the document, as ZUGFeRD/Factur-X embed their XML.
 * - Deterministic: the same document gives the same bytes. The creation date is the issue time, the file
 *   identifier is derived from the metadata, and attachments carry the issue time too, so a PDF rendered again
 *   tomorrow, or by another API instance, is byte for byte the one handed out today.
 *
 * Pure: reads the document and the font files, writes nothing. It runs on the calling thread: about 60 ms of
 * CPU for a one-page invoice on the 2-core machine (90 ms when it also reads the fonts), about 1.5 s for 100
 * lines of the longest texts.
 */
export async function renderInvoicePdf(document: PrintableDocument, fonts?: InvoiceFonts): Promise<Buffer> {
  const printed = printedFields(document);
  const { regular, bold } = fonts ?? (await loadInvoiceFonts());
  const issuedAt = new Date(document.issuedAt);
  const redLetter = document.kind === "credit-note";

  const doc = new PDFDocument({
    size: "A5",
    layout: "landscape",
    margin: 0,
    autoFirstPage: false,
    // pdfkit loads Helvetica unless told another default; "" loads none, the Noto fonts are registered below.
    font: "",
    pdfVersion: "1.7",
    subset: "PDF/A-3b",
    lang: "zh-CN",
    displayTitle: true,
    info: {
      Title: `${redLetter ? "红字" : ""}${TITLE} ${document.printedNumber}`,
      Author: xmpSafe(document.seller.name),
      Subject: xmpSafe(`${redLetter ? "红字发票" : "发票"} 销售方：${document.seller.name} 开票日期：${printed.date} 价税合计：${printed.totalInFigures}`),
      Creator: "e-invoice-ledger",
      Producer: "e-invoice-ledger (PDFKit)",
      CreationDate: issuedAt,
    },
  });
  doc.registerFont(FONT.regular, regular);
  doc.registerFont(FONT.bold, bold);
  const done = collect(doc);

  // pdfkit starts a new page by itself when text runs past the bottom; the plan makes sure none does, and
  // this counts that it held: an extra page would be a page of spilled text.
  let pagesAdded = 0;
  doc.on("pageAdded", () => pagesAdded++);
  const plan = planPages(doc, printed);
  const palette = paletteFor(printed.redLetter);
  plan.pages.forEach((_rows, pageIndex) => {
    doc.addPage();
    drawInvoicePage({ doc, printed, plan, palette }, pageIndex);
  });
  if (pagesAdded !== plan.pages.length) throw new Error(`the invoice layout spilled over: ${pagesAdded} pages drawn for ${plan.pages.length} planned`);
  for (const attachment of document.attachments ?? []) attach(doc, attachment, issuedAt);
  doc.end();
  return done;
}

function attach(doc: PDFKit.PDFDocument, attachment: PrintableAttachment, issuedAt: Date): void {
  // pdfkit writes AFRelationship from `relationship`, which its type declarations do not know yet.
  const options: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
    name: attachment.name,
    type: attachment.mimeType,
    description: attachment.description,
    creationDate: issuedAt,
    modifiedDate: issuedAt,
    relationship: attachment.relationship ?? "Unspecified",
  };
  doc.file(attachment.content, options);
}

/**
 * pdfkit copies Title, Author and Subject into the XMP metadata without escaping them, so a seller called
 * "A&B" would make the XML, and with it the PDF/A metadata, invalid. The few characters XML reserves become
 * their full-width forms, in the document information and the XMP alike (PDF/A wants the two to agree).
 */
function xmpSafe(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ "&": "＆", "<": "＜", ">": "＞" })[c] ?? c);
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}
