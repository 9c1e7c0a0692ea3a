import { documentFileUpload, verifyQuery } from "../schemas/verification";
import { z } from "zod";

import { CREDIT_NOTE_STATUSES } from "../../indexer/events";
import { verifyExamples } from "../schemas/verify-examples";
import { verdictView } from "../schemas/views";
import { defineRoute, type RouteKit } from "../route";

/** Public verification, rate limited per client address. */
export function verifyRoutes(kit: RouteKit): void {
  const { verification } = kit.ctx.services;
  // What an authentic document is: an invoice, or a red-letter credit note with its own status.
  const verdict = verdictView
    .extend({
      kind: z.enum(["invoice", "credit-note"]).optional(),
      creditNoteStatus: z.enum(["Pending", "Effective", "Cancelled"] satisfies (typeof CREDIT_NOTE_STATUSES)[number][]).optional(),
      mismatch: z.enum(["document", "number", "amount"]).optional().meta({ description: "an unknown id reads as a wrong document" }),
      asOfBlock: z.number().int().meta({ description: "The block the answer reflects: the last one the API's index had indexed, or the chain's head when the chain was asked (the index behind it, or not holding that number or id)" }),
    })
    .meta({ id: "DocumentVerdict" });
  defineRoute(kit, {
    method: "get",
    path: "/v1/verify",
    operationId: "verifyByNumber",
    summary: "Verify an invoice or a credit note by number, check code and total (public)",
    tag: "verify",
    access: "public",
    query: verifyQuery,
    responses: { 200: { description: "authentic and current state; a wrong code, number or amount reads as not authentic", schema: verdict } },
    examples: verifyExamples.byCode,
    async handle({ query }) {
      return { status: 200, body: await verification.byCode(query) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/verify/document",
    operationId: "verifyDocument",
    summary: "Verify an invoice or credit-note document file (public): its seal is recomputed and compared with the chain",
    tag: "verify",
    access: "public",
    body: documentFileUpload,
    responses: { 200: { description: "authentic, or which part disagrees with the ledger (an unknown id reads as a wrong document)", schema: verdict } },
    examples: verifyExamples.byDocument,
    async handle({ body }) {
      return { status: 200, body: await verification.byDocument(body as unknown as Parameters<typeof verification.byDocument>[0]) };
    },
  });
}
