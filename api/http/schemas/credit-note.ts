import { z } from "zod";

import { REVERSAL_REASONS } from "../../domain/invoice-document";
import { reference, taxFen, totalFen, whenFieldsParsed } from "./common";

/** A red-letter credit note against an invoice: full (amounts omitted) or partial (total and tax, as the ledger holds them). */
export const reversalBody = z
  .strictObject({ reference, reason: z.enum(REVERSAL_REASONS), total: totalFen.optional(), tax: taxFen.optional() })
  .superRefine((body, ctx) => {
    if ((body.total === undefined) !== (body.tax === undefined)) ctx.addIssue({ code: "custom", path: ["total"], message: "give both total and tax for a partial reversal, or neither" });
    else if (body.total !== undefined && body.tax !== undefined && (body.total === 0n || body.tax > body.total)) ctx.addIssue({ code: "custom", path: ["tax"], message: "total must be more than 0 and at least the tax" });
  }, whenFieldsParsed)
  .meta({ id: "Reversal" });
