import { sql, type Kysely } from "kysely";

/**
 * The tax bureau's audit of refused lifecycle attempts: who (account and role) tried which action on which
 * invoice or credit note, when, and the code it was refused with. Never the request body, the document or a
 * claim code. Not derived from the chain (the chain records only what succeeded), so `api:reindex` keeps it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("refused_attempts")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    // The invoice the action was on (for a credit note, its invoice when the ledger names one), and its number
    // when the event index knows the invoice: an id nobody issued stays without a number.
    .addColumn("invoice_id", "text")
    .addColumn("invoice_number", "bigint")
    .addColumn("credit_note_id", "text")
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull())
    .execute();
  // The bureau's questions: an invoice's refusals, a party's, and one kind of refusal (QUOTA_EXCEEDED) over time.
  await db.schema.createIndex("refused_attempts_invoice").on("refused_attempts").columns(["invoice_id", "id"]).where(sql.ref("invoice_id"), "is not", null).execute();
  await db.schema.createIndex("refused_attempts_account").on("refused_attempts").columns(["account", "id"]).execute();
  await db.schema.createIndex("refused_attempts_code").on("refused_attempts").columns(["code", "at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("refused_attempts").execute();
}
