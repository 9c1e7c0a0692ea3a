import { type Kysely } from "kysely";

/**
 * What public verification and the trace read from the event index instead of the chain (issue 18,
 * api/services/verification.ts, reports.ts):
 *
 * - `invoices.seal`: the seal the invoice was issued with (InvoiceIssued), from which its check code is derived
 *   (api/domain/commitment.ts) and against which a document file is checked.
 * - `credit_notes`: each red-letter credit note by id and by number (invoices and credit notes share one sequence
 *   of numbers), with its seal, amounts and status (Pending, Effective, Cancelled), as the ledger's own
 *   `creditNote(id)` answers. The status follows ReversalRequested, InvoiceReversed and ReversalCancelled; the seal
 *   comes with ReversalRequested, or, for a note that took effect at once (InvoiceReversed carries no seal), from
 *   the ledger when the note is indexed (api/indexer/event-indexer.ts).
 *
 * Both are part of the event index, derived from the chain. Rows indexed before this migration have no seal and no
 * credit note: they are filled by the rebuild that the index's new layout (INDEX_FORMAT 4 in event-indexer.ts)
 * makes at the API's next start, not backfilled here from `documents`. Only the chain has every seal: an invoice
 * sent to the ledger by a merchant's own software, or one whose document this database lost, has none there, and a
 * seal taken from a document would be the document's word, not the ledger's. Until a row has its seal, answers
 * about it come from the chain.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("invoices").addColumn("seal", "text").execute();
  await db.schema
    .createTable("credit_notes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("number", "bigint", (c) => c.notNull().unique())
    .addColumn("invoice_id", "text", (c) => c.notNull())
    .addColumn("seal", "text", (c) => c.notNull())
    .addColumn("total", "bigint", (c) => c.notNull())
    .addColumn("tax", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("credit_notes").execute();
  await db.schema.alterTable("invoices").dropColumn("seal").execute();
}
