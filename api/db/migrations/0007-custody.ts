import { sql, type Kysely } from "kysely";

/**
 * Who holds each party's chain key (api/services/custody.ts): `hosted`, the API in its keystore (the default,
 * and every party without a row here), or `self`, the party alone, which then acts only through requests it
 * signs and the API relays (POST /v1/forward). A table of its own rather than a column of `participants`, so
 * that the profile's queries stay as they are; one row per party whose custody was ever set.
 *
 * `custody_changes` is the record the bureau reads: who changed which party's custody, when, from what to what
 * (from null: registered in that custody). `used_signatures` holds the digest of every signature the API itself
 * accepted once (a self-registration, a custody change): the same signed message sent again is a replay.
 * None of it is derived from the chain: `api:reindex` keeps it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("party_custody")
    .addColumn("account", "text", (c) => c.primaryKey())
    .addColumn("custody", "text", (c) => c.notNull().check(sql`custody in ('hosted', 'self')`))
    .execute();
  await db.schema
    .createTable("custody_changes")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("from_custody", "text", (c) => c.check(sql`from_custody in ('hosted', 'self')`))
    .addColumn("to_custody", "text", (c) => c.notNull().check(sql`to_custody in ('hosted', 'self')`))
    .addColumn("changed_by", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("custody_changes_account").on("custody_changes").columns(["account", "id"]).execute();
  await db.schema
    .createTable("used_signatures")
    .addColumn("digest", "text", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("used_signatures").execute();
  await db.schema.dropTable("custody_changes").execute();
  await db.schema.dropTable("party_custody").execute();
}
