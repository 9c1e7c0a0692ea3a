import { z } from "zod";

import { address, creditNoteId, invoiceId } from "../schemas/common";
import { settlementExamples } from "../schemas/settlement-examples";
import { creditNoteView, invoiceView } from "../schemas/views";
import { defineRoute, errorBody, type RouteKit } from "../route";

/** The bureau's ways out for invoices stranded with a suspended or revoked party. */
export function settlementRoutes(kit: RouteKit): void {
  const { settlement } = kit.ctx.services;
  const idParam = z.strictObject({ id: invoiceId });
  const partyActive = { 409: { description: "PARTY_ACTIVE (the party the bureau would step in for is active), INVALID_STATE", schema: errorBody } };

  defineRoute(kit, {
    method: "post",
    path: "/v1/invoices/{id}/release",
    operationId: "releaseInvoice",
    summary: "Release an invoice locked by an enterprise that is suspended or revoked: Issued again, with its holder (bureau)",
    tag: "settlement",
    access: ["bureau"],
    idempotent: true,
    params: idParam,
    responses: { 200: { description: "Released; the invoice now", schema: invoiceView }, ...partyActive },
    examples: settlementExamples.release,
    async handle({ party, params }) {
      return { status: 200, body: await settlement.release(party!, params.id) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/invoices/{id}/reassign",
    operationId: "reassignInvoice",
    summary: "Give an invoice whose holder is suspended or revoked to an active employee or enterprise (bureau)",
    tag: "settlement",
    access: ["bureau"],
    idempotent: true,
    params: idParam,
    body: z.strictObject({ to: address }).meta({ id: "Reassign" }),
    responses: { 200: { description: "Reassigned; the invoice now", schema: invoiceView }, ...partyActive, 422: { description: "INVALID_RECIPIENT: not an active employee or enterprise", schema: errorBody } },
    examples: settlementExamples.reassign,
    async handle({ party, params, body }) {
      return { status: 200, body: await settlement.reassign(party!, params.id, body.to) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/credit-notes/{id}/settle",
    operationId: "settleCreditNote",
    summary: "Confirm a pending credit note for a confirming enterprise, or cancel one for a seller, that is suspended or revoked (bureau)",
    tag: "settlement",
    access: ["bureau"],
    idempotent: true,
    params: z.strictObject({ id: creditNoteId }),
    body: z.strictObject({ outcome: z.enum(["confirm", "cancel"]) }).meta({ id: "SettleCreditNote" }),
    responses: { 200: { description: "Effective or Cancelled; the credit note now", schema: creditNoteView }, ...partyActive },
    examples: settlementExamples.settle,
    async handle({ party, params, body }) {
      return { status: 200, body: await settlement.settleCreditNote(party!, params.id, body.outcome) };
    },
  });
}
