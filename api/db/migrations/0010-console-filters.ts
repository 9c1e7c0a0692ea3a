import { sql, type Kysely } from "kysely";

/**
 * Indexes for the web console's filters (issue 17): invoices by the seller's taxpayer ID and by a credit note
 * awaiting the buyer's confirmation (GET /v1/invoices `sellerTaxId`, `reversalPending`), participants by registry
 * status and by a search text (GET /v1/participants `status`, `q`).
 *
 * - `participants_taxpayer_id`: the accounts registered under a taxpayer ID (a revoked organisation's and its
 *   successor's), which `sellerTaxId` turns into sellers. Partial: individuals, most participants, have none.
 * - `invoices_pending_credit_note`: the few invoices with a credit note awaiting confirmation, in number order.
 *   Partial, so it holds only those (an invoice enters it with ReversalRequested and leaves it when the note takes
 *   effect or is cancelled): `reversalPending=true` reads them instead of walking a million invoices to find
 *   a handful. `reversalPending=false` is most invoices and needs none. Part of the event index, so
 *   deferred and rebuilt with the table's other indexes (deferred-indexes.ts) like 0005's partial index.
 * - `participant_status_status`: one status's accounts in account order, the order the list pages in (revoked and
 *   suspended accounts are few among many).
 *
 * `q` (a name in part, or the start of a taxpayer ID or account) has no index of its own: the list walks
 * participants in account order and stops at a page's worth of matches, a scan of the table at worst. pg_trgm is
 * shipped with the embedded PostgreSQL, but under its C locale it makes no trigrams of Chinese characters
 * (show_trgm('深圳市测试有限公司') is empty), so a trigram index would not serve the names searched for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index participants_taxpayer_id on participants (taxpayer_id) where taxpayer_id is not null`.execute(db);
  await sql`create index invoices_pending_credit_note on invoices (number) where pending_credit_note is not null`.execute(db);
  await db.schema.createIndex("participant_status_status").on("participant_status").columns(["status", "account"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ["participant_status_status", "invoices_pending_credit_note", "participants_taxpayer_id"]) {
    await db.schema.dropIndex(index).execute();
  }
}
