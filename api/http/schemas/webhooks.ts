import { z } from "zod";

import { WEBHOOK_EVENT_TYPES } from "../../webhooks/event-types";
import { pageQuery } from "./common";

/** Webhook subscriptions and their deliveries (routes/webhooks.ts). */
export const webhookId = z.string().regex(/^wh_[0-9a-f]{24}$/, "a webhook id: wh_ and 24 hex digits").meta({ description: "A subscription's id", example: "wh_5f0c2a9e41b7d3368c1e90aa" });

export const deliveryId = z.string().regex(/^msg_[0-9a-f]{32}$/, "a delivery id: msg_ and 32 hex digits").meta({ description: "A delivery's id: the webhook-id header of each of its attempts", example: "msg_8c4f0e2b7a91d35c6e0f1a2b3c4d5e6f" });

export const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES).meta({ id: "WebhookEventType" });

export const webhookBody = z
  .strictObject({
    url: z
      .string()
      .min(1, "an http or https URL of at most 2048 characters")
      .max(2048, "an http or https URL of at most 2048 characters")
      .meta({ description: "Where deliveries are POSTed: http or https, on a public address (addresses of the operator's own network are refused, when subscribing and at every delivery)", example: "https://erp.example-restaurant.cn/hooks/einvoice" }),
    eventTypes: z
      .array(webhookEventType)
      .min(1, "at least one event type")
      .refine((types) => new Set(types).size === types.length, "each event type at most once")
      .meta({ description: "The events to receive; those of invoices the party may read, and its own status changes" }),
    description: z.string().max(200, "at most 200 characters").optional().meta({ description: "A note for yourself" }),
  })
  .meta({ id: "WebhookRequest" });

export const webhookView = z
  .object({
    id: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()),
    description: z.string().nullable(),
    createdAt: z.string(),
    previousSecretUntil: z.string().nullable().meta({ description: "After a rotation: until when deliveries also carry a signature with the previous secret" }),
  })
  .meta({ id: "Webhook" });

export const webhookWithSecret = z
  .object({
    webhook: webhookView,
    secret: z.string().meta({ description: "The signing secret (Standard Webhooks, whsec_...): shown this once, kept sealed by the API" }),
  })
  .meta({ id: "WebhookWithSecret" });

export const deliveryStatus = z.enum(["pending", "delivered", "failed"]);

export const deliveryView = z
  .object({
    id: z.string().meta({ description: "The webhook-id header of every attempt" }),
    seq: z.string().meta({ description: "Increasing; `after` continues from it" }),
    type: z.string(),
    status: deliveryStatus,
    createdAt: z.string(),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    payload: z.object({ type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) }).meta({ description: "The body each attempt sends" }),
    attemptLog: z.array(z.object({ at: z.string(), statusCode: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().nullable() })),
  })
  .meta({ id: "WebhookDelivery" });

export const deliveriesQuery = z.strictObject({
  status: deliveryStatus.optional().meta({ description: "Only deliveries in this status" }),
  after: z.string().regex(/^[0-9]{1,18}$/, "a delivery's seq (digits)").optional().meta({ description: "Continue after this delivery (its seq)" }),
  limit: pageQuery.limit,
});
