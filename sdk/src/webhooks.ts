import { Webhook, WebhookVerificationError } from "standardwebhooks";

/** A webhook whose signature, id or timestamp does not hold: `code` says which check refused it. */
export class EInvoiceWebhookError extends Error {
  override readonly name = "EInvoiceWebhookError";
  constructor(
    /** WEBHOOK_HEADERS_MISSING, WEBHOOK_TIMESTAMP_OUT_OF_RANGE or WEBHOOK_SIGNATURE_INVALID. */
    readonly code: "WEBHOOK_HEADERS_MISSING" | "WEBHOOK_TIMESTAMP_OUT_OF_RANGE" | "WEBHOOK_SIGNATURE_INVALID",
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Request headers as Node (IncomingHttpHeaders), fetch (Headers) or a plain record give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifiedWebhook<T = unknown> {
  /** `webhook-id`: the same for every delivery of one event, so a receiver can drop the repeats. */
  id: string;
  /** When it was signed (`webhook-timestamp`). */
  timestamp: Date;
  payload: T;
}

const header = (headers: WebhookHeaders, name: string): string | undefined => {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = Object.entries(headers as Record<string, string | string[] | undefined>).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Checks a webhook delivery as the Standard Webhooks specification says (HMAC-SHA256 over id, timestamp and the
 * raw body, with the subscription's secret, `whsec_...`; the timestamp within five minutes of now) and returns
 * its id, time and parsed payload. `body` must be the raw text as received: a body parsed and serialised again
 * may not be byte-identical, and then does not verify.
 */
export function verifyWebhook<T = unknown>(secret: string, body: string, headers: WebhookHeaders): VerifiedWebhook<T> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signature = header(headers, "webhook-signature");
  if (id === undefined || timestamp === undefined || signature === undefined) throw new EInvoiceWebhookError("WEBHOOK_HEADERS_MISSING", "webhook-id, webhook-timestamp and webhook-signature are required");
  try {
    const payload = new Webhook(secret).verify(body, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature }) as T;
    return { id, timestamp: new Date(Number(timestamp) * 1000), payload };
  } catch (cause) {
    if (!(cause instanceof WebhookVerificationError)) throw cause;
    const code = /timestamp/i.test(cause.message) ? "WEBHOOK_TIMESTAMP_OUT_OF_RANGE" : "WEBHOOK_SIGNATURE_INVALID";
    throw new EInvoiceWebhookError(code, cause.message, { cause });
  }
}
