import { sql } from "kysely";

import type { SealedSecret } from "../chain/keystore";
import { anyOf, insertRows } from "./bulk";
import type { Db } from "./database";
import { getSetting, putSetting } from "./settings";

/**
 * Webhook subscriptions, the outbox of deliveries and the log of attempts (migration 0008): the only module
 * that reads or writes them. Accounts are kept lowercase.
 */
export interface SubscriptionRow {
  id: string;
  account: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  sealedSecret: SealedSecret;
  previousSealedSecret: SealedSecret | null;
  previousUntil: Date | null;
  createdAt: Date;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface AttemptRow {
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface DeliveryRow {
  id: string;
  seq: string;
  subscriptionId: string;
  eventKey: string;
  type: string;
  body: string;
  createdAt: Date;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

/**
 * The highest block whose events the outbox has fanned out (a setting, kept by `api:reindex`, which clears
 * only the index's own settings): a rebuild of the index writes no delivery for an event at or below it.
 * Migration 0008 starts it at the index's cursor, so an index built before webhooks existed is never sent.
 */
export const OUTBOX_MARK = "webhooks.outbox-block";

export async function outboxMark(db: Db): Promise<number | undefined> {
  return getSetting<number>(db, OUTBOX_MARK);
}

export async function setOutboxMark(db: Db, block: number): Promise<void> {
  await putSetting(db, OUTBOX_MARK, block);
}

type SubscriptionSelect = {
  id: string;
  account: string;
  url: string;
  event_types: string[];
  description: string | null;
  sealed_secret: unknown;
  previous_sealed_secret: unknown;
  previous_until: Date | null;
  created_at: Date;
};

const subscriptionOf = (row: SubscriptionSelect): SubscriptionRow => ({
  id: row.id,
  account: row.account,
  url: row.url,
  eventTypes: row.event_types,
  description: row.description,
  sealedSecret: row.sealed_secret as SealedSecret,
  previousSealedSecret: (row.previous_sealed_secret ?? null) as SealedSecret | null,
  previousUntil: row.previous_until,
  createdAt: row.created_at,
});

export async function insertSubscription(db: Db, row: { id: string; account: string; url: string; eventTypes: readonly string[]; description: string | null; sealedSecret: SealedSecret }): Promise<SubscriptionRow> {
  const inserted = await db
    .insertInto("webhook_subscriptions")
    .values({ id: row.id, account: row.account.toLowerCase(), url: row.url, event_types: sql<string[]>`${[...row.eventTypes]}::text[]` as never, description: row.description, sealed_secret: JSON.stringify(row.sealedSecret) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return subscriptionOf(inserted);
}

export async function countSubscriptions(db: Db, account: string): Promise<number> {
  const { count } = await db.selectFrom("webhook_subscriptions").select((eb) => eb.fn.countAll<string>().as("count")).where("account", "=", account.toLowerCase()).executeTakeFirstOrThrow();
  return Number(count);
}

export async function listSubscriptions(db: Db, account: string): Promise<SubscriptionRow[]> {
  const rows = await db.selectFrom("webhook_subscriptions").selectAll().where("account", "=", account.toLowerCase()).orderBy("created_at").orderBy("id").execute();
  return rows.map(subscriptionOf);
}

/** The subscription, if `account` owns it. */
export async function findSubscription(db: Db, account: string, id: string): Promise<SubscriptionRow | undefined> {
  const row = await db.selectFrom("webhook_subscriptions").selectAll().where("id", "=", id).where("account", "=", account.toLowerCase()).executeTakeFirst();
  return row === undefined ? undefined : subscriptionOf(row);
}

/** Deletes it with its deliveries and their attempts; whether it was there (and `account`'s). */
export async function deleteSubscription(db: Db, account: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom("webhook_subscriptions").where("id", "=", id).where("account", "=", account.toLowerCase()).returning("id").executeTakeFirst();
  return deleted !== undefined;
}

export async function replaceSecret(db: Db, id: string, secrets: { sealedSecret: SealedSecret; previousSealedSecret: SealedSecret; previousUntil: Date }): Promise<SubscriptionRow | undefined> {
  const row = await db
    .updateTable("webhook_subscriptions")
    .set({ sealed_secret: JSON.stringify(secrets.sealedSecret), previous_sealed_secret: JSON.stringify(secrets.previousSealedSecret), previous_until: secrets.previousUntil })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : subscriptionOf(row);
}

/** A subscription as the outbox fans events out to it. */
export interface FanOutTarget {
  id: string;
  account: string;
  eventTypes: ReadonlySet<string>;
  /** The accounts whose invoices the owner reads: its own and the revoked registrations it succeeds. */
  actsFor: ReadonlySet<string>;
  bureau: boolean;
  /** The owner's registry status as the index follows it (revoked: only its own status changes are sent). */
  status: string | null;
}

/** Every subscription with what the outbox needs of its owner (read inside the index's transaction). */
export async function fanOutTargets(db: Db): Promise<FanOutTarget[]> {
  const rows = await db
    .selectFrom("webhook_subscriptions as s")
    .leftJoin("participants as p", "p.account", "s.account")
    .leftJoin("participant_status as st", "st.account", "s.account")
    .select(["s.id", "s.account", "s.event_types", "p.role", "st.status"])
    .execute();
  if (rows.length === 0) return [];
  // Predecessor chains: few participants have one.
  const successions = await db.selectFrom("participants").select(["account", "predecessor"]).where("predecessor", "is not", null).execute();
  const predecessorOf = new Map(successions.map((row) => [row.account.toLowerCase(), row.predecessor!.toLowerCase()]));
  return rows.map((row) => {
    const actsFor = new Set([row.account]);
    for (let next = predecessorOf.get(row.account); next !== undefined && !actsFor.has(next); next = predecessorOf.get(next)) actsFor.add(next);
    return { id: row.id, account: row.account, eventTypes: new Set(row.event_types), actsFor, bureau: row.role === "bureau", status: row.status ?? null };
  });
}

/** When each of these documents was issued (the printed number's year), by lowercase id. */
export async function documentIssueTimes(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("documents")
    .select(["id", sql<string | null>`record::jsonb -> 'document' ->> 'issuedAt'`.as("issued_at")])
    .where("id", "=", anyOf(ids.map((id) => id.toLowerCase())))
    .execute();
  return new Map(rows.flatMap((row) => (row.issued_at === null ? [] : [[row.id, row.issued_at] as const])));
}

/** New deliveries; one already there (the same id: the same subscription and event) is left as it is. */
export async function addDeliveries(db: Db, rows: readonly { id: string; subscriptionId: string; eventKey: string; type: string; body: string }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const added = await insertRows(
    db,
    "webhook_deliveries",
    rows.map((row) => ({ id: row.id, subscription_id: row.subscriptionId, event_key: row.eventKey, type: row.type, body: row.body })) as never,
  )
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .execute();
  return added.length;
}

/** The invoice as the index holds it (for an erasure's event), lowercase id. */
export async function indexedInvoice(db: Db, id: string) {
  return db.selectFrom("invoices").select(["id", "number", "seller", "holder", "enterprise", "state"]).where("id", "=", id.toLowerCase()).executeTakeFirst();
}

/** A delivery claimed for sending, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  /** This claim's token: the attempt is recorded on the row only while it holds. */
  token: string;
  subscriptionId: string;
  url: string;
  body: string;
  retryStep: number;
  sealedSecret: SealedSecret;
  previousSealedSecret: SealedSecret | null;
  previousUntil: Date | null;
}

/**
 * Claims up to `limit` due deliveries for this instance: FOR UPDATE SKIP LOCKED, so instances sharing the
 * database never take the same row, and the claim moves the row's next attempt `leaseMs` ahead (its lease): an
 * instance that dies mid-delivery leaves it to be claimed again once the lease ends (at least once).
 */
export async function claimDeliveries(db: Db, limit: number, leaseMs: number, token: string): Promise<ClaimedDelivery[]> {
  const { rows } = await sql<{
    id: string;
    subscription_id: string;
    url: string;
    body: string;
    retry_step: number;
    sealed_secret: SealedSecret;
    previous_sealed_secret: SealedSecret | null;
    previous_until: Date | null;
  }>`
    WITH due AS (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE webhook_deliveries d
      SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), claim_token = ${token}
      FROM due WHERE d.id = due.id
      RETURNING d.id, d.subscription_id, d.body, d.retry_step
    )
    SELECT c.id, c.subscription_id, c.body, c.retry_step, s.url, s.sealed_secret, s.previous_sealed_secret, s.previous_until
    FROM claimed c JOIN webhook_subscriptions s ON s.id = c.subscription_id`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    token,
    subscriptionId: row.subscription_id,
    url: row.url,
    body: row.body,
    retryStep: row.retry_step,
    sealedSecret: row.sealed_secret,
    previousSealedSecret: row.previous_sealed_secret,
    previousUntil: row.previous_until,
  }));
}

/**
 * Records one attempt and what follows: delivered, due again at `retryAt` (the next step of the schedule), or
 * failed for good (`retryAt` undefined). The delivery's row changes only while this instance's claim holds
 * (a lease that ran out may have been claimed by another instance meanwhile); the attempt is logged anyway.
 */
export async function recordAttempt(
  db: Db,
  delivery: { id: string; token: string; retryStep: number },
  attempt: AttemptRow & { delivered: boolean; retryAt: Date | undefined },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom("webhook_deliveries").select("id").where("id", "=", delivery.id).forUpdate().executeTakeFirst();
    if (exists === undefined) return; // its subscription was deleted meanwhile
    await trx.insertInto("webhook_attempts").values({ delivery_id: delivery.id, at: attempt.at, status_code: attempt.statusCode, duration_ms: attempt.durationMs, error: attempt.error }).execute();
    const outcome = attempt.delivered
      ? { status: "delivered" as const, delivered_at: new Date() }
      : attempt.retryAt === undefined
        ? { status: "failed" as const }
        : { status: "pending" as const, next_attempt_at: attempt.retryAt, retry_step: delivery.retryStep + 1 };
    await trx
      .updateTable("webhook_deliveries")
      .set({ ...outcome, attempts: sql<number>`attempts + 1`, last_status_code: attempt.statusCode, last_error: attempt.error, claim_token: null })
      .where("id", "=", delivery.id)
      .where("claim_token", "=", delivery.token)
      .execute();
  });
}

const deliveryOf = (row: {
  id: string;
  seq: string;
  subscription_id: string;
  event_key: string;
  type: string;
  body: string;
  created_at: Date;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
}): DeliveryRow => ({
  id: row.id,
  seq: row.seq,
  subscriptionId: row.subscription_id,
  eventKey: row.event_key,
  type: row.type,
  body: row.body,
  createdAt: row.created_at,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  deliveredAt: row.delivered_at,
});

const DELIVERY_COLUMNS = ["id", "seq", "subscription_id", "event_key", "type", "body", "created_at", "status", "attempts", "next_attempt_at", "last_status_code", "last_error", "delivered_at"] as const;

/** A subscription's deliveries in the order they were written, after `after` (a seq); each with its attempts, oldest first. */
export async function listDeliveries(db: Db, subscriptionId: string, filter: { after?: string | undefined; status?: DeliveryStatus | undefined; limit: number }): Promise<(DeliveryRow & { attemptLog: AttemptRow[] })[]> {
  const rows = await db
    .selectFrom("webhook_deliveries")
    .select(DELIVERY_COLUMNS)
    .where("subscription_id", "=", subscriptionId)
    .$if(filter.after !== undefined, (q) => q.where("seq", ">", filter.after!))
    .$if(filter.status !== undefined, (q) => q.where("status", "=", filter.status!))
    .orderBy("seq")
    .limit(filter.limit)
    .execute();
  const attempts = await attemptsOf(db, rows.map((row) => row.id));
  return rows.map((row) => ({ ...deliveryOf(row), attemptLog: attempts.get(row.id) ?? [] }));
}

/** At most this many attempts are listed per delivery (the latest). */
const LISTED_ATTEMPTS = 50;

async function attemptsOf(db: Db, ids: readonly string[]): Promise<Map<string, AttemptRow[]>> {
  const byDelivery = new Map<string, AttemptRow[]>();
  if (ids.length === 0) return byDelivery;
  const { rows } = await sql<{ delivery_id: string; at: Date; status_code: number | null; duration_ms: number; error: string | null }>`
    SELECT delivery_id, at, status_code, duration_ms, error FROM (
      SELECT a.*, row_number() OVER (PARTITION BY delivery_id ORDER BY id DESC) AS n
      FROM webhook_attempts a WHERE delivery_id = any(${ids}::text[])
    ) latest WHERE n <= ${LISTED_ATTEMPTS} ORDER BY delivery_id, id`.execute(db);
  for (const row of rows) {
    const list = byDelivery.get(row.delivery_id) ?? [];
    list.push({ at: row.at, statusCode: row.status_code, durationMs: row.duration_ms, error: row.error });
    byDelivery.set(row.delivery_id, list);
  }
  return byDelivery;
}

/** The delivery with its attempts, if its subscription is `account`'s. */
export async function findDelivery(db: Db, account: string, id: string): Promise<(DeliveryRow & { attemptLog: AttemptRow[] }) | undefined> {
  const row = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_subscriptions as s", "s.id", "d.subscription_id")
    .select(DELIVERY_COLUMNS.map((column) => `d.${column}` as const))
    .where("d.id", "=", id)
    .where("s.account", "=", account.toLowerCase())
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { ...deliveryOf(row), attemptLog: (await attemptsOf(db, [id])).get(id) ?? [] };
}

/** Makes the delivery due now, its retry schedule started again (same id, same body). */
export async function redeliver(db: Db, id: string): Promise<void> {
  await db.updateTable("webhook_deliveries").set({ status: "pending", next_attempt_at: sql<Date>`now()`, retry_step: 0, claim_token: null }).where("id", "=", id).execute();
}
