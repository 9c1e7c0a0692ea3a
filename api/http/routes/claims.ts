import { claimByNumberBody } from "../schemas/verification";
import { claimExamples } from "../schemas/claim-examples";
import { invoiceView } from "../schemas/views";
import { defineRoute, errorBody, type RouteKit } from "../route";

/**
 * Claim by scan: what the QR code on the buyer's copy carries (number, check code, claim code), without the
 * invoice's id. The verification page's claim form sends it; so can any app that scans the code.
 */
export function claimRoutes(kit: RouteKit): void {
  const { invoices } = kit.ctx.services;
  defineRoute(kit, {
    method: "post",
    path: "/v1/claims",
    operationId: "claimInvoiceByNumber",
    summary: "Claim an invoice by what its QR code carries: number (printed or the ledger's), check code and claim code (employee or enterprise)",
    tag: "invoices",
    access: ["individual", "enterprise"],
    idempotent: true,
    body: claimByNumberBody,
    responses: {
      200: { description: "Claimed; the invoice now", schema: invoiceView },
      404: { description: "NOT_FOUND: no invoice has this number, check code and claim code (each wrong part reads alike)", schema: errorBody },
      409: { description: "ALREADY_CLAIMED, INVALID_STATE", schema: errorBody },
    },
    examples: claimExamples,
    async handle({ party, body }) {
      return { status: 200, body: await invoices.claimByNumber(party!, body) };
    },
  });
}
