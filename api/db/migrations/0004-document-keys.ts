import { sql, type Kysely } from "kysely";

/**
 * Erasure of an individual buyer's personal data without losing the invoice (crypto-shredding).
 *
 * `document_keys`: each document's salt and, for an invoice to an individual, its data key (32 random bytes,
 * sealed under the keystore key and bound to the document's id) under which the document's personal fields are
 * encrypted in `documents` (api/domain/personal-fields.ts names them). Erasing a document deletes its row here:
 * without the key the ciphertext is noise, and without the salt nobody can test a guessed document against the
 * commitment on chain. The salt moves here from the document's record, so one delete removes both.
 *
 * `erasures`: the bureau's record of each erasure: which invoice, when, by whom, on what basis and for which
 * request; nothing personal. Not derived from the chain, so `api:reindex` keeps it.
 *
 * Documents and stored answers written before this migration hold personal fields in clear: when there are any,
 * the setting `documents.plaintext` asks the API to convert them at its next start (api/services/documents.ts
 * `convertPlaintextDocuments`), which deletes the setting when done.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("document_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("salt", "text", (c) => c.notNull())
    // Null for a document without personal fields (an invoice to an organisation, a credit note).
    .addColumn("sealed_key", "jsonb")
    .execute();
  await db.schema
    .createTable("erasures")
    .addColumn("id", "text", (c) => c.primaryKey())
    // The order the bureau reads them in; `after` continues from it.
    .addColumn("seq", "bigint", (c) => c.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn("erased_at", "timestamptz", (c) => c.notNull())
    .addColumn("erased_by", "text", (c) => c.notNull())
    .addColumn("basis", "text", (c) => c.notNull())
    .addColumn("request_reference", "text", (c) => c.notNull())
    .execute();
  // The same name as api/db/document-keys.ts PLAINTEXT_SETTING (written out: a migration never changes).
  await sql`
    INSERT INTO settings (name, value)
    SELECT 'documents.plaintext', 'true'::json
    WHERE EXISTS (SELECT 1 FROM documents) OR EXISTS (SELECT 1 FROM idempotency_answers)
    ON CONFLICT (name) DO NOTHING`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("erasures").execute();
  await db.schema.dropTable("document_keys").execute();
  await sql`DELETE FROM settings WHERE name = 'documents.plaintext'`.execute(db);
}
