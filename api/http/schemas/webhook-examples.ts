import type { RouteExample } from "../openapi";
import { MAX_SUBSCRIPTIONS_PER_PARTY } from "../../services/webhooks";
import { EXAMPLE_CAST, EXAMPLE_INVOICE, EXAMPLE_TRANSACTION, exampleError } from "./example-cast";

/**
 * The examples of webhooks (routes/webhooks.ts), in the story of example-cast.ts: the restaurant's ERP subscribes
 * to what happens to its invoices, and is told when 张三 claims the invoice; a URL on the operator's own network
 * is refused.
 */
const { merchant, employee } = EXAMPLE_CAST;

export const EXAMPLE_WEBHOOK = {
  id: "wh_5f0c2a9e41b7d3368c1e90aa",
  url: "https://erp.example-restaurant.cn/hooks/einvoice",
  secret: "whsec_Zmm4bXJ0c2Q0N3VkZ2p5c2tqcTN6ZWV6aHJ6Y2h0c3c=",
  createdAt: "2026-11-25T03:58:12.044Z",
} as const;

export const EXAMPLE_DELIVERY = { id: "msg_8c4f0e2b7a91d35c6e0f1a2b3c4d5e6f" } as const;

const eventTypes = ["invoice.claimed", "invoice.submitted", "invoice.reimbursed", "invoice.reversed", "credit_note.confirmed", "invoice.frozen"];
const webhook = { id: EXAMPLE_WEBHOOK.id, url: EXAMPLE_WEBHOOK.url, eventTypes, description: "ERP: invoice status", createdAt: EXAMPLE_WEBHOOK.createdAt, previousSecretUntil: null };

/** What the ERP is sent when 张三 claims the invoice. */
const claimed = {
  type: "invoice.claimed",
  timestamp: "2026-11-25T04:20:31.000Z",
  data: {
    invoiceId: EXAMPLE_INVOICE.id,
    number: EXAMPLE_INVOICE.number,
    printedNumber: EXAMPLE_INVOICE.printedNumber,
    state: "Issued",
    seller: merchant.account,
    holder: employee.account,
    enterprise: null,
    actor: employee.account,
    blockNumber: EXAMPLE_TRANSACTION.blockNumber,
    transactionHash: EXAMPLE_TRANSACTION.hash,
  },
};

const delivery = (changes: Record<string, unknown>) => ({
  id: EXAMPLE_DELIVERY.id,
  seq: "41",
  type: "invoice.claimed",
  status: "delivered",
  createdAt: "2026-11-25T04:20:31.208Z",
  attempts: 2,
  nextAttemptAt: null,
  lastStatusCode: 200,
  lastError: null,
  deliveredAt: "2026-11-25T04:20:36.771Z",
  payload: claimed,
  attemptLog: [
    { at: "2026-11-25T04:20:31.230Z", statusCode: 503, durationMs: 41, error: "HTTP 503" },
    { at: "2026-11-25T04:20:36.702Z", statusCode: 200, durationMs: 69, error: null },
  ],
  ...changes,
});

export const webhookExamples = {
  create: {
    erp: {
      summary: "The restaurant's ERP subscribes to what happens to its invoices; the signing secret is shown this once",
      as: "merchant",
      body: { url: EXAMPLE_WEBHOOK.url, eventTypes, description: "ERP: invoice status" },
      status: 201,
      response: { webhook, secret: EXAMPLE_WEBHOOK.secret },
    },
    "private-address": {
      summary: "A URL on a private network (the operator's own) is refused",
      as: "merchant",
      body: { url: "http://10.0.0.12/hooks/einvoice", eventTypes },
      status: 422,
      response: exampleError("WEBHOOK_URL_NOT_ALLOWED", { reason: "address", range: "private" }),
    },
    "limit-reached": {
      summary: "A party has as many subscriptions as it may",
      as: "merchant",
      body: { url: EXAMPLE_WEBHOOK.url, eventTypes },
      status: 409,
      response: exampleError("WEBHOOK_LIMIT_REACHED", { limit: MAX_SUBSCRIPTIONS_PER_PARTY }),
    },
    "metadata-address": {
      summary: "The cloud metadata address (link-local) is refused",
      as: "merchant",
      body: { url: "http://169.254.169.254/latest/meta-data/", eventTypes },
      status: 422,
      response: exampleError("WEBHOOK_URL_NOT_ALLOWED", { reason: "address", range: "linkLocal" }),
    },
  },
  list: {
    mine: { summary: "The restaurant lists its subscriptions (never their secrets)", as: "merchant", status: 200, response: { webhooks: [webhook] } },
  },
  get: {
    erp: { summary: "The restaurant reads its subscription (never its secret)", as: "merchant", params: { id: EXAMPLE_WEBHOOK.id }, status: 200, response: webhook },
  },
  remove: {
    erp: { summary: "The restaurant deletes its subscription: nothing more is sent, and its deliveries go with it", as: "merchant", params: { id: EXAMPLE_WEBHOOK.id }, status: 200, response: webhook },
  },
  rotate: {
    erp: {
      summary: "A new signing secret, shown this once; for 24 hours each delivery is signed with both",
      as: "merchant",
      params: { id: EXAMPLE_WEBHOOK.id },
      status: 200,
      response: { webhook: { ...webhook, previousSecretUntil: "2026-11-26T08:00:00.000Z" }, secret: "whsec_bXh4d3Rwb2Y0MzVnZWR0eWN6eGZ1bWN3aDJ2ZWtwcXI=" },
    },
  },
  deliveries: {
    erp: {
      summary: "What was sent to the ERP: the claim, answered 503 first and delivered at the retry",
      as: "merchant",
      params: { id: EXAMPLE_WEBHOOK.id },
      query: { limit: "50" },
      status: 200,
      response: { deliveries: [delivery({})] },
    },
  },
  redeliver: {
    again: {
      summary: "The ERP lost what it was sent: the same delivery is sent again (the same webhook-id and body)",
      as: "merchant",
      params: { deliveryId: EXAMPLE_DELIVERY.id },
      status: 202,
      response: delivery({ status: "pending", nextAttemptAt: "2026-11-25T09:02:14.120Z", deliveredAt: "2026-11-25T04:20:36.771Z" }),
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
