import type { ReversalReason } from "../domain/invoice-document";

/**
 * What the invoice PDF prints: everything already decided (the number the ledger assigned, the check code
 * derived from the seal, what an erased buyer's name became, the URL the QR code opens), so the renderer only
 * lays it out. Money is fen in digit strings, as in the stored document; negative on a credit note.
 */
export interface PrintableLine {
  name: string;
  specification?: string;
  unit?: string;
  /** A decimal as the document has it ("2", "0.5"); printed as it is. */
  quantity?: string;
  /** Fen. */
  unitPrice?: string;
  /** Fen, negative on a credit note. */
  amount: string;
  /** Percent. */
  taxRate?: number;
  /** Fen, negative on a credit note. */
  tax: string;
}

export interface PrintableDocument {
  kind: "invoice" | "credit-note";
  /** 20 digits (e.g. "26440000000000000042"). */
  printedNumber: string;
  /** ISO 8601 instant; the date is printed in China Standard Time (UTC+8), as 2026年11月26日. */
  issuedAt: string;
  /** 20 digits. */
  checkCode: string;
  seller: { name: string; taxpayerId: string };
  /** An individual's name is null once it has been erased: the PDF prints 已删除. */
  buyer: { type: "organisation"; name: string; taxpayerId: string } | { type: "individual"; name: string | null };
  lines: PrintableLine[];
  /** Fen, negative on a credit note. */
  totals: { amount: string; tax: string; total: string };
  remarks?: string;
  /** Credit notes: the invoice it reverses and why (printed in Chinese: 开票有误, 销货退回, 服务中止, 销售折让). */
  original?: { printedNumber: string; issuedAt: string; reason: ReversalReason };
  /** 开票人: who issued it (the seller's name or the issuing system, given by the caller). */
  issuer: string;
  /** What the QR code encodes: the public verification URL (may carry a claim code in its #fragment on the buyer's copy). */
  verificationUrl: string;
  /** Files embedded in the PDF (e.g. the UBL XML, the offline proof bundle JSON). */
  attachments?: PrintableAttachment[];
}

export interface PrintableAttachment {
  /** The file name readers list, e.g. "invoice.xml". */
  name: string;
  content: Buffer;
  /** e.g. "application/xml". */
  mimeType: string;
  description: string;
  /**
   * How the file relates to the document (PDF/A-3's AFRelationship): "Alternative" for the same invoice in
   * another form (the UBL XML), "Supplement" for what supports it (the proof bundle). Default "Unspecified".
   * Added to the agreed shape; optional.
   */
  relationship?: "Source" | "Data" | "Alternative" | "Supplement" | "Unspecified";
}

/** The reason for a red-letter note in the words a Chinese invoice prints. */
export const REVERSAL_REASON_WORDING: Readonly<Record<ReversalReason, string>> = {
  "issue-error": "开票有误",
  "sales-return": "销货退回",
  "service-stopped": "服务中止",
  discount: "销售折让",
};
