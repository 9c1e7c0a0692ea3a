import { randomBytes } from "node:crypto";

import { Webhook } from "standardwebhooks";

/**
 * Signatures per the Standard Webhooks specification (https://www.standardwebhooks.com/), with its reference
 * library: the secret is `whsec_` and base64 of 32 random bytes; each attempt carries `webhook-id` (the
 * delivery's, the same on every retry), `webhook-timestamp` (seconds, the attempt's: receivers refuse old ones)
 * and `webhook-signature`, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. While a rotated secret's grace lasts
 * the header carries one signature per secret, space-separated, as the specification allows, so a receiver
 * holding either verifies.
 */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString("base64")}`;

export function signatureHeaders(deliveryId: string, body: string, secrets: readonly string[], at: Date = new Date()): Record<string, string> {
  return {
    "webhook-id": deliveryId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(deliveryId, at, body)).join(" "),
  };
}
