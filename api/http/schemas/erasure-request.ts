import { z } from "zod";

import { invoiceId, pageQuery, reasonCode, reference } from "./common";

/**
 * Erasure of an individual buyer's personal data (routes/erasure.ts). What the bureau records is short codes
 * only (no spaces, no free text), so that the record of an erasure can never itself hold the person's data.
 */
export const erasureBody = z
  .strictObject({
    basis: reasonCode.meta({ description: "The legal basis, a short code: PIPL-47 (个人信息保护法 Art. 47, the right to deletion)", example: "PIPL-47" }),
    requestReference: reference.meta({ description: "The bureau's reference of the person's request (a case number), a short code", example: "DEL-2026-0042" }),
  })
  .meta({ id: "EraseRequest" });

export const erasuresQuery = z.strictObject({
  invoice: invoiceId.optional().meta({ description: "Only the erasure of this invoice" }),
  after: z.string().regex(/^[0-9]{1,18}$/, "an audit entry id (digits)").optional().meta({ description: "Continue after this entry (its seq)" }),
  limit: pageQuery.limit,
});

export const erasureView = z
  .object({
    seq: z.string().meta({ description: "Entry number, increasing; `after` continues from it" }),
    invoiceId: z.string(),
    invoiceNumber: z.string().nullable().meta({ description: "null when the index does not know the invoice" }),
    erasedAt: z.string(),
    erasedBy: z.string().meta({ description: "The bureau account that erased it" }),
    basis: z.string(),
    requestReference: z.string(),
  })
  .meta({ id: "Erasure" });
