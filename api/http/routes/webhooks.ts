import { z } from "zod";

import { deliveriesQuery, deliveryId, deliveryView, webhookBody, webhookId, webhookView, webhookWithSecret } from "../schemas/webhooks";
import { webhookExamples } from "../schemas/webhook-examples";
import { defineRoute, errorBody, type RouteKit } from "../route";

/**
 * Webhooks: each party subscribes URLs to the events of the invoices it may read (and its own status), signed
 * per the Standard Webhooks specification, delivered at least once from the outbox, with a log of every attempt
 * and a manual redelivery (api/services/webhooks.ts, api/webhooks/). Every role; each party sees only its own.
 */
const ALL_ROLES = ["bureau", "merchant", "enterprise", "individual"] as const;

export function webhookRoutes(kit: RouteKit): void {
  const { webhooks } = kit.ctx.services;
  const access = [...ALL_ROLES];

  defineRoute(kit, {
    method: "post",
    path: "/v1/webhooks",
    operationId: "createWebhook",
    summary:
      "Subscribe a URL to events (any role): deliveries are POSTed as `{ type, timestamp, data }` with the Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature (HMAC-SHA256 under the secret this answer shows once). A URL whose host resolves to an address of a private, loopback, link-local, unique-local, CGNAT or other non-public network is refused.",
    tag: "webhooks",
    access,
    // Not under an Idempotency-Key: the stored answer would hold the secret (idempotency.ts seals only the fields it knows).
    body: webhookBody,
    responses: {
      201: { description: "Subscribed; the secret is shown this once", schema: webhookWithSecret },
      409: { description: "WEBHOOK_LIMIT_REACHED: the party has as many subscriptions as it may", schema: errorBody },
      422: { description: "WEBHOOK_URL_NOT_ALLOWED: not http(s), credentials in it, no address, or an address that is not public", schema: errorBody },
    },
    examples: webhookExamples.create,
    async handle({ party, body }) {
      return { status: 201, body: await webhooks.create(party!, body) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/webhooks",
    operationId: "listWebhooks",
    summary: "Your webhook subscriptions, oldest first (never their secrets)",
    tag: "webhooks",
    access,
    responses: { 200: { description: "Your subscriptions", schema: z.object({ webhooks: z.array(webhookView) }) } },
    examples: webhookExamples.list,
    async handle({ party }) {
      return { status: 200, body: { webhooks: await webhooks.list(party!) } };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/webhooks/{id}",
    operationId: "getWebhook",
    summary: "One of your webhook subscriptions",
    tag: "webhooks",
    access,
    params: z.strictObject({ id: webhookId }),
    responses: { 200: { description: "The subscription", schema: webhookView } },
    examples: webhookExamples.get,
    async handle({ party, params }) {
      return { status: 200, body: await webhooks.get(party!, params.id) };
    },
  });

  defineRoute(kit, {
    method: "delete",
    path: "/v1/webhooks/{id}",
    operationId: "deleteWebhook",
    summary: "Delete one of your webhook subscriptions, with its deliveries and their log: nothing more is sent to it",
    tag: "webhooks",
    access,
    params: z.strictObject({ id: webhookId }),
    responses: { 200: { description: "Deleted; the subscription as it was", schema: webhookView } },
    examples: webhookExamples.remove,
    async handle({ party, params }) {
      const webhook = await webhooks.get(party!, params.id);
      await webhooks.remove(party!, params.id);
      return { status: 200, body: webhook };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/webhooks/{id}/rotate-secret",
    operationId: "rotateWebhookSecret",
    summary: "A new signing secret, shown this once; for 24 hours deliveries carry a signature under each secret, so the receiver can switch without losing any",
    tag: "webhooks",
    access,
    params: z.strictObject({ id: webhookId }),
    responses: { 200: { description: "The new secret", schema: webhookWithSecret } },
    examples: webhookExamples.rotate,
    async handle({ party, params }) {
      return { status: 200, body: await webhooks.rotateSecret(party!, params.id) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/webhooks/{id}/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "What was sent to one of your subscriptions, in the order the events were written: each delivery's status, body and every attempt (when, status code, duration, error)",
    tag: "webhooks",
    access,
    params: z.strictObject({ id: webhookId }),
    query: deliveriesQuery,
    responses: { 200: { description: "Deliveries, oldest first", schema: z.object({ deliveries: z.array(deliveryView) }) } },
    examples: webhookExamples.deliveries,
    async handle({ party, params, query }) {
      return { status: 200, body: { deliveries: await webhooks.deliveries(party!, params.id, { status: query.status, after: query.after, limit: query.limit }) } };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/webhooks/deliveries/{deliveryId}/redeliver",
    operationId: "redeliverWebhook",
    summary: "Send one of your deliveries again, now: the same webhook-id and body (receivers deduplicate by the id), its retry schedule started anew",
    tag: "webhooks",
    access,
    params: z.strictObject({ deliveryId }),
    responses: { 202: { description: "Due now; the delivery as it is", schema: deliveryView } },
    examples: webhookExamples.redeliver,
    async handle({ party, params }) {
      return { status: 202, body: await webhooks.redeliver(party!, params.deliveryId) };
    },
  });
}
