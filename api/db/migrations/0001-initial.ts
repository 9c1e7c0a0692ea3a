import { sql, type Kysely } from "kysely";

/**
 * Everything the API keeps, as it was in LevelDB, with the uniqueness that read-then-write used to guard
 * held by constraints. Amounts are fen in BIGINT (read back as digit strings); accounts are lowercase hex.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Off-chain profiles of participants: names stay here, never on chain.
  await db.schema
    .createTable("participants")
    .addColumn("account", "text", (c) => c.primaryKey())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("taxpayer_id", "text")
    .addColumn("employer", "text")
    .addColumn("employee_number", "text")
    .addColumn("registered_by", "text")
    .addColumn("predecessor", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("participants_employer").on("participants").column("employer").execute();
  // An organisation's taxpayer ID names one account at a time (a revoked one's successor takes it over).
  await db.schema
    .createTable("taxpayer_accounts")
    .addColumn("taxpayer_id", "text", (c) => c.primaryKey())
    .addColumn("account", "text", (c) => c.notNull())
    .execute();
  // API keys: only the SHA-256 of the secret is kept.
  await db.schema
    .createTable("api_keys")
    .addColumn("key_hash", "text", (c) => c.primaryKey())
    .addColumn("key_id", "text", (c) => c.notNull().unique())
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("api_keys_account").on("api_keys").column("account").execute();
  // Each party's chain key, sealed under the keystore's master key.
  await db.schema
    .createTable("wallets")
    .addColumn("account", "text", (c) => c.primaryKey())
    .addColumn("sealed", "jsonb", (c) => c.notNull())
    .execute();
  // Documents with their salt and claim key: what cannot be rebuilt from the chain.
  await db.schema
    .createTable("documents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("seller", "text", (c) => c.notNull())
    .addColumn("request_id", "text", (c) => c.notNull())
    // JSON, not JSONB: the document reads back with its fields in the order they were written (the file a holder downloads).
    .addColumn("record", "json", (c) => c.notNull())
    .execute();
  // First answers to Idempotency-Keys, secret fields sealed.
  await db.schema
    .createTable("idempotency_answers")
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("status", "integer", (c) => c.notNull())
    // JSON, not JSONB: a replay is the first answer as it was written, its fields in their order.
    .addColumn("body", "json", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("idempotency_answers_pk", ["account", "key"])
    .execute();
  // Small named records: the keystore's key-check value, the event index's cursor and layout.
  await db.schema
    .createTable("settings")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .execute();

  // The event index, derived from the chain; `npm run api:reindex` rebuilds it.
  await db.schema
    .createTable("invoices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("number", "bigint", (c) => c.notNull().unique())
    .addColumn("seller", "text", (c) => c.notNull())
    .addColumn("buyer_tax_id", "text")
    .addColumn("total", "bigint", (c) => c.notNull())
    .addColumn("tax", "bigint", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("frozen_from", "text")
    .addColumn("holder", "text")
    .addColumn("enterprise", "text")
    .addColumn("filed_period", "integer")
    .addColumn("reversed_total", "bigint", (c) => c.notNull())
    .addColumn("reversed_tax", "bigint", (c) => c.notNull())
    .addColumn("pending_credit_note", "text")
    .addColumn("issued_at", "timestamptz", (c) => c.notNull())
    .addColumn("issued_period", "integer", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  for (const column of ["seller", "holder", "enterprise", "buyer_tax_id", "state"]) {
    await db.schema.createIndex(`invoices_${column}`).on("invoices").columns([column, "number"]).execute();
  }
  // Each invoice's events in chain order: its trace. The event is json, not jsonb: it is only ever served whole,
  // exactly as written (jsonb would reorder its keys), and json costs no conversion when a rebuild writes it.
  await db.schema
    .createTable("invoice_events")
    .addColumn("invoice_id", "text", (c) => c.notNull())
    .addColumn("block_number", "bigint", (c) => c.notNull())
    .addColumn("transaction_index", "integer", (c) => c.notNull())
    .addColumn("log_index", "integer", (c) => c.notNull())
    .addColumn("event", "json", (c) => c.notNull())
    .addPrimaryKeyConstraint("invoice_events_pk", ["invoice_id", "block_number", "transaction_index", "log_index"])
    .execute();
  // Participants' registry status as the registry's events left it.
  await db.schema
    .createTable("participant_status")
    .addColumn("account", "text", (c) => c.primaryKey())
    .addColumn("status", "text", (c) => c.notNull())
    .execute();
  // A merchant's running totals per tax period.
  await db.schema
    .createTable("period_totals")
    .addColumn("merchant", "text", (c) => c.notNull())
    .addColumn("period", "integer", (c) => c.notNull())
    .addColumn("invoices", "bigint", (c) => c.notNull())
    .addColumn("total", "bigint", (c) => c.notNull())
    .addColumn("tax", "bigint", (c) => c.notNull())
    .addColumn("reversed_total", "bigint", (c) => c.notNull())
    .addColumn("reversed_tax", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("period_totals_pk", ["merchant", "period"])
    .execute();
  // Seals on chain whose document this database does not hold (InvoiceIssued, ReversalRequested).
  await db.schema
    .createTable("missing_documents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["missing_documents", "period_totals", "participant_status", "invoice_events", "invoices", "settings", "idempotency_answers", "documents", "wallets", "api_keys", "taxpayer_accounts", "participants"]) {
    await db.schema.dropTable(table).execute();
  }
}
