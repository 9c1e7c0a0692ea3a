import { sql, type Kysely } from "kysely";

/**
 * Console sessions (api/services/sessions.ts): the web console signs a party in with one of its API keys and
 * from then on sends a cookie instead, so that the key is never kept in the browser.
 *
 * `id_hash` is the SHA-256 of the session's token: the token itself is never stored, so that whoever reads the
 * database (or a backup of it) cannot use a session. `key_hash` is the API key the session was opened with: every
 * request through the session checks that key again, exactly as a Bearer request does, so revoking or expiring
 * the key, or the party being suspended or revoked on the registry, holds for its sessions at once; a key row
 * deleted takes its sessions with it. `expires_at` is the absolute end; `last_seen_at` the idle timeout's mark.
 * Not derived from the chain: `api:reindex` keeps them (and losing them only signs people out).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("console_sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("key_hash", "text", (c) => c.notNull().references("api_keys.key_hash").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_seen_at", "timestamptz", (c) => c.notNull())
    .execute();
  // Pruning the ended sessions (each time one is opened) reads them by their end.
  await db.schema.createIndex("console_sessions_expires_at").on("console_sessions").column("expires_at").execute();
  // PostgreSQL indexes the referenced side only: without this, removing a key would scan every session.
  await db.schema.createIndex("console_sessions_key_hash").on("console_sessions").column("key_hash").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("console_sessions").execute();
}
