import { z } from "zod";

import { LEDGER_BOUNDS } from "../../domain/ledger-bounds";
import { digitString, invoiceId, invoiceNumber, whenFieldsParsed } from "./common";

/** Public verification: what is printed on an invoice, each bounded by its on-chain width. */
export const verifyQuery = z.strictObject({
  number: invoiceNumber,
  checkCode: digitString(LEDGER_BOUNDS.checkCode, "checkCode", 20),
  total: digitString(LEDGER_BOUNDS.totalFen, "total (fen)"),
});

/** An amount inside a document file: kept as the digit string it is (the document's bytes are what was sealed). */
const documentAmount = (max: bigint) =>
  z
    .string()
    .regex(new RegExp(`^(0|[1-9][0-9]{0,${max.toString().length - 1}})$`), "fen as plain digits")
    .refine((value) => BigInt(value) <= max, { message: `at most ${max} fen`, ...whenFieldsParsed });

/**
 * A document file as GET /v1/invoices/{id} serves it. The document itself stays loose (its seal is
 * recomputed over exactly what was sent), but no deeper than the edge's nesting limit (validate.ts).
 */
export const documentFileUpload = z
  .strictObject({
    id: invoiceId,
    number: invoiceNumber,
    checkCode: digitString(LEDGER_BOUNDS.checkCode, "checkCode").optional(),
    document: z.looseObject({ kind: z.enum(["invoice", "credit-note"]), totals: z.looseObject({ total: documentAmount(LEDGER_BOUNDS.totalFen), tax: documentAmount(LEDGER_BOUNDS.taxFen) }) }),
    salt: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "0x followed by 64 hex digits"),
    claimKeyAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "0x followed by 40 hex digits"),
  })
  .meta({ id: "DocumentFileUpload" });

/** Claim by scan (POST /v1/claims): what the QR code on the buyer's copy carries, or what is printed on it. */
export const claimByNumberBody = z
  .strictObject({
    number: invoiceNumber,
    checkCode: digitString(LEDGER_BOUNDS.checkCode, "checkCode", 20),
    claimCode: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "64 hex digits"),
  })
  .meta({ id: "ClaimByNumber" });
