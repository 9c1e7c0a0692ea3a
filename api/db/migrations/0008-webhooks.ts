import { sql, type Kysely } from "kysely";

/**
 * Webhooks (api/webhooks/, api/services/webhooks.ts): each party's subscriptions, the outbox of deliveries and
 * the log of every attempt. Not derived from the chain, so `api:reindex` keeps them all.
 *
 * `webhook_subscriptions`: the party's URL, the event types it wants, and its signing secret sealed under the
 * keystore key (never in clear); after a rotation the previous secret too, until `previous_until`.
 *
 * `webhook_deliveries`: the outbox. One row per (subscription, event), written in the same transaction as the
 * event index writes the event (api/db/event-index.ts), or as the erasure is recorded; its id is derived from
 * both, so writing it again is a no-op and every retry carries the same `webhook-id`. The body is fixed when it
 * is written. `status` pending -> delivered, or failed once the retry schedule is spent (a redelivery makes it
 * pending again). `next_attempt_at` is also the lease of an instance that claimed it (FOR UPDATE SKIP LOCKED).
 *
 * `webhook_attempts`: every attempt: when, the subscriber's status code, how long it took, the error.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("event_types", sql`text[]`, (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("sealed_secret", "jsonb", (c) => c.notNull())
    .addColumn("previous_sealed_secret", "jsonb")
    .addColumn("previous_until", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("webhook_subscriptions_account").on("webhook_subscriptions").columns(["account", "created_at"]).execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    // The order a subscription's deliveries are listed in; `after` continues from it.
    .addColumn("seq", "bigint", (c) => c.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn("subscription_id", "text", (c) => c.notNull().references("webhook_subscriptions.id").onDelete("cascade"))
    // Where the event is: block:transaction:log for a chain event, erased:<invoice id> for an erasure.
    .addColumn("event_key", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending").check(sql`status in ('pending', 'delivered', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    // The position in the retry schedule; a manual redelivery starts it again.
    .addColumn("retry_step", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("claim_token", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "timestamptz")
    .execute();
  await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").column("next_attempt_at").where(sql.ref("status"), "=", "pending").execute();
  await db.schema.createIndex("webhook_deliveries_subscription").on("webhook_deliveries").columns(["subscription_id", "seq"]).execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("delivery_id", "text", (c) => c.notNull().references("webhook_deliveries.id").onDelete("cascade"))
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    .execute();
  await db.schema.createIndex("webhook_attempts_delivery").on("webhook_attempts").columns(["delivery_id", "id"]).execute();
  // The outbox's mark (api/db/webhooks.ts OUTBOX_MARK, written out: a migration never changes) starts at the index's
  // cursor: events indexed before webhooks existed are never sent, even when `api:reindex` reads them again.
  await sql`
    INSERT INTO settings (name, value)
    SELECT 'webhooks.outbox-block', value FROM settings WHERE name = 'index.cursor'
    ON CONFLICT (name) DO NOTHING`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webhook_attempts").execute();
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhook_subscriptions").execute();
  await sql`DELETE FROM settings WHERE name = 'webhooks.outbox-block'`.execute(db);
}
