import { sql, type Kysely } from "kysely";

/**
 * Finding a document by the number printed on it (api/services/invoice-numbers.ts): an invoice's number is a
 * column of `invoices`, already indexed; a credit note's is in the event that created it (ReversalRequested when it
 * waits for the buyer's confirmation, InvoiceReversed when it took effect at once), found through this partial
 * expression index (only those events, a small share of all). Derived from the chain like the rest of
 * the index: `api:reindex` rebuilds it with the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index invoice_events_credit_note_number on invoice_events ((event->>'number')) where event->>'type' in ('ReversalRequested', 'InvoiceReversed')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("invoice_events_credit_note_number").execute();
}
