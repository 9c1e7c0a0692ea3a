import { z } from "zod";

import { invoiceId } from "../schemas/common";
import { erasureExamples } from "../schemas/erasure-examples";
import { erasureBody, erasureView, erasuresQuery } from "../schemas/erasure-request";
import { invoiceView } from "../schemas/views";
import { defineRoute, errorBody, type RouteKit } from "../route";

/**
 * Erasure of an individual buyer's personal data (bureau), and the bureau's record of erasures. The rule:
 * PIPL (个人信息保护法) Art. 47 gives a person the right to have personal data deleted; the tax rules
 * (发票管理办法) require the invoice itself to be kept. So only the individual's personal data goes (the buyer's
 * name and the remarks); number, amounts, organisations, states and history stay.
 */
export function erasureRoutes(kit: RouteKit): void {
  const { erasure } = kit.ctx.services;

  defineRoute(kit, {
    method: "post",
    path: "/v1/invoices/{id}/erase",
    operationId: "eraseInvoicePersonalData",
    summary:
      "Erase the personal data of an invoice's individual buyer on a lawful request (bureau): PIPL (个人信息保护法) Art. 47 right to deletion. The tax rules (发票管理办法) keep the invoice record: number, amounts, organisations, state and history stay, and it still verifies by number + check code + total; the buyer's name and the remarks are erased, with the key they were encrypted under and the salt, so the document can no longer be matched to the seal on chain. Erasing again answers the same.",
    tag: "erasure",
    access: ["bureau"],
    idempotent: true,
    params: z.strictObject({ id: invoiceId }),
    body: erasureBody,
    responses: {
      200: { description: "Erased; the invoice now, its document with the buyer `{ type: individual, name: null, erased: true }`, no remarks and no salt", schema: invoiceView },
      409: { description: "NOTHING_TO_ERASE: the buyer is an organisation (its name and taxpayer ID are public)", schema: errorBody },
    },
    examples: erasureExamples.erase,
    async handle({ party, params, body }) {
      return { status: 200, body: await erasure.erase(party!, params.id, body) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/erasures",
    operationId: "listErasures",
    summary: "The bureau's record of erasures: which invoice, when, by which bureau account, on what basis and request (bureau)",
    tag: "erasure",
    access: ["bureau"],
    query: erasuresQuery,
    responses: { 200: { description: "Erasures, oldest first; nothing personal", schema: z.object({ erasures: z.array(erasureView) }) } },
    examples: erasureExamples.list,
    async handle({ party, query }) {
      return { status: 200, body: { erasures: await erasure.list(party!, { invoiceId: query.invoice, after: query.after, limit: query.limit }) } };
    },
  });
}
