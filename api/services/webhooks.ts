import { randomBytes } from "node:crypto";

import type { Keystore } from "../chain/keystore";
import type { Db } from "../db/database";
import { countSubscriptions, deleteSubscription, findDelivery, findSubscription, insertSubscription, listDeliveries, listSubscriptions, redeliver, replaceSecret, type AttemptRow, type DeliveryRow, type DeliveryStatus, type SubscriptionRow } from "../db/webhooks";
import { conflict, notFound } from "../errors";
import { secretContext } from "../webhooks/delivery-worker";
import type { WebhookEventType } from "../webhooks/event-types";
import { newWebhookSecret } from "../webhooks/signing";
import { resolveTarget, type NetworkAllowance } from "../webhooks/url-guard";
import type { Party } from "./parties";

/**
 * Each party's webhook subscriptions and their deliveries. A party sees and changes only its own: another's
 * subscription or delivery reads exactly like one that does not exist (404). The signing secret is generated
 * here, shown once (when created, and when rotated), and kept sealed under the keystore key. What a party is
 * sent is decided when an event is indexed (api/webhooks/event-types.ts, outbox.ts), not here.
 */
export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  createdAt: string;
  /** After a rotation: until when deliveries are also signed with the previous secret; otherwise null. */
  previousSecretUntil: string | null;
}

export interface DeliveryView {
  id: string;
  seq: string;
  type: string;
  status: DeliveryStatus;
  createdAt: string;
  attempts: number;
  /** When it is tried next; null unless pending. */
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  /** The body every attempt sends: `{ type, timestamp, data }`. */
  payload: unknown;
  attemptLog: { at: string; statusCode: number | null; durationMs: number; error: string | null }[];
}

/** Subscriptions a party may have at once. */
export const MAX_SUBSCRIPTIONS_PER_PARTY = 20;
/** How long deliveries are also signed with the previous secret after a rotation, so receivers can switch without losing any. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

export interface WebhooksDeps {
  db: Db;
  keystore: Pick<Keystore, "sealSecret">;
  allowance: NetworkAllowance;
  timeoutMs: number;
  /** Told after a redelivery was asked for (the worker looks at once). */
  onRedeliver?: () => void;
}

const viewOf = (row: SubscriptionRow): WebhookView => ({
  id: row.id,
  url: row.url,
  eventTypes: row.eventTypes,
  description: row.description,
  createdAt: row.createdAt.toISOString(),
  previousSecretUntil: row.previousUntil !== null && row.previousUntil.getTime() > Date.now() ? row.previousUntil.toISOString() : null,
});

const attemptOf = (attempt: AttemptRow) => ({ at: attempt.at.toISOString(), statusCode: attempt.statusCode, durationMs: attempt.durationMs, error: attempt.error });

const deliveryOf = (row: DeliveryRow & { attemptLog: AttemptRow[] }): DeliveryView => ({
  id: row.id,
  seq: row.seq,
  type: row.type,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
  attempts: row.attempts,
  nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
  lastStatusCode: row.lastStatusCode,
  lastError: row.lastError,
  deliveredAt: row.deliveredAt?.toISOString() ?? null,
  payload: JSON.parse(row.body) as unknown,
  attemptLog: row.attemptLog.map(attemptOf),
});

export function createWebhooks({ db, keystore, allowance, timeoutMs, onRedeliver }: WebhooksDeps) {
  const seal = (id: string, secret: string) => keystore.sealSecret(Buffer.from(secret, "utf8"), secretContext(id));

  async function own(party: Party, id: string): Promise<SubscriptionRow> {
    const row = await findSubscription(db, party.account, id);
    if (row === undefined) throw notFound("webhook");
    return row;
  }

  return {
    /** Subscribes `party`; the answer carries the signing secret, which is never shown again. */
    async create(party: Party, request: { url: string; eventTypes: WebhookEventType[]; description?: string | undefined }): Promise<{ webhook: WebhookView; secret: string }> {
      // Refused before anything is written: a URL on the operator's own network (url-guard.ts).
      await resolveTarget(request.url, allowance, timeoutMs);
      if ((await countSubscriptions(db, party.account)) >= MAX_SUBSCRIPTIONS_PER_PARTY) throw conflict("WEBHOOK_LIMIT_REACHED", "too many webhook subscriptions", { limit: MAX_SUBSCRIPTIONS_PER_PARTY });
      const id = `wh_${randomBytes(12).toString("hex")}`;
      const secret = newWebhookSecret();
      const row = await insertSubscription(db, { id, account: party.account, url: request.url, eventTypes: [...new Set(request.eventTypes)], description: request.description ?? null, sealedSecret: seal(id, secret) });
      return { webhook: viewOf(row), secret };
    },

    async list(party: Party): Promise<WebhookView[]> {
      return (await listSubscriptions(db, party.account)).map(viewOf);
    },

    async get(party: Party, id: string): Promise<WebhookView> {
      return viewOf(await own(party, id));
    },

    /** Deletes the subscription with its deliveries and their log: nothing more is sent to it. */
    async remove(party: Party, id: string): Promise<void> {
      if (!(await deleteSubscription(db, party.account, id))) throw notFound("webhook");
    },

    /** A new secret, shown once; deliveries are signed with both for ROTATION_GRACE_MS. */
    async rotateSecret(party: Party, id: string): Promise<{ webhook: WebhookView; secret: string }> {
      const current = await own(party, id);
      const secret = newWebhookSecret();
      const row = await replaceSecret(db, id, { sealedSecret: seal(id, secret), previousSealedSecret: current.sealedSecret, previousUntil: new Date(Date.now() + ROTATION_GRACE_MS) });
      if (row === undefined) throw notFound("webhook");
      return { webhook: viewOf(row), secret };
    },

    async deliveries(party: Party, id: string, filter: { after?: string | undefined; status?: DeliveryStatus | undefined; limit: number }): Promise<DeliveryView[]> {
      await own(party, id);
      return (await listDeliveries(db, id, filter)).map(deliveryOf);
    },

    /** Sends the delivery again (the same webhook-id and body), its retry schedule started anew. */
    async redeliver(party: Party, deliveryId: string): Promise<DeliveryView> {
      if ((await findDelivery(db, party.account, deliveryId)) === undefined) throw notFound("delivery");
      await redeliver(db, deliveryId);
      onRedeliver?.();
      const row = await findDelivery(db, party.account, deliveryId);
      if (row === undefined) throw notFound("delivery");
      return deliveryOf(row);
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
