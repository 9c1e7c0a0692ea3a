import type { Kysely } from "kysely";

/**
 * Indexes for searching invoices (GET /v1/invoices; api/db/invoices.ts `searchInvoices` says how each is used).
 * Every search reads by keyset, `(sort key, number)` after the cursor's. Numbers follow issue time, so the
 * number indexes of 0001 (the number, and seller, holder, enterprise, buyer, state, each then the number) serve
 * the number and issue-time orders and every issue-time range; what they lack is the total order, and the one
 * probe that turns an issue time into a number. No new column: a merchant's reference is found through its
 * document's request id, which the documents table holds (not derived from the chain: `api:reindex` leaves it).
 *
 * Only these, because every index of `invoices` is written again at each change of an invoice (its state is
 * indexed, so no update is HOT): at a million invoices, (total, number) adds about a quarter to the time of
 * writing them, where (issued_at, number), whose keys arrive in order, adds a few percent; an index per account
 * column and sort would have more than doubled it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The first and last invoice numbers of an issue-time range (issuedFrom/To, periodFrom/To).
  await db.schema.createIndex("invoices_issued_at").on("invoices").columns(["issued_at", "number"]).execute();
  // Sorts by total, and totalMin/totalMax.
  await db.schema.createIndex("invoices_total").on("invoices").columns(["total", "number"]).execute();
  // `reference`: the document of a merchant's reference, by its request id (keccak256 of the reference).
  await db.schema.createIndex("documents_request_id").on("documents").column("request_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ["documents_request_id", "invoices_total", "invoices_issued_at"]) {
    await db.schema.dropIndex(index).execute();
  }
}
