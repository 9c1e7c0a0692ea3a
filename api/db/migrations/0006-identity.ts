import { sql, type Kysely } from "kysely";

/**
 * Identity: API keys get a scope (`read` refuses every write; `full`, what every key so far was) and an optional
 * expiry (null: none, as every key so far); and the bureau's log of administrative actions on parties, such as a
 * replacement key issued to a party that lost its own. The log records who did what to whom, when, and why;
 * never a key's secret. Neither is derived from the chain, so `api:reindex` keeps both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("api_keys")
    .addColumn("scope", "text", (c) => c.notNull().defaultTo("full").check(sql`scope in ('read', 'full')`))
    .addColumn("expires_at", "timestamptz")
    .execute();
  await db.schema
    .createTable("admin_actions")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("actor_role", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    // The party acted upon (lowercase account), and the key the action made, by its id (never its secret).
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("key_id", "text")
    .addColumn("reason", "text", (c) => c.notNull())
    // What else the action set (a key's scope and expiry): values, never secrets.
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  // The bureau's questions: what was done to one party, and every action of one kind.
  await db.schema.createIndex("admin_actions_subject").on("admin_actions").columns(["subject", "id"]).execute();
  await db.schema.createIndex("admin_actions_action").on("admin_actions").columns(["action", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("admin_actions").execute();
  await db.schema.alterTable("api_keys").dropColumn("expires_at").dropColumn("scope").execute();
}
