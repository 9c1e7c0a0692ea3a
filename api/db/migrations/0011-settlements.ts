import { sql, type Kysely } from "kysely";

/**
 * Indexes for an enterprise's settlements of a tax period (GET /v1/reports/settlements, issue 17; api/db/reports.ts):
 *
 * - `invoice_events_reimbursed`: InvoiceReimbursed events by the enterprise and time their JSON holds (the
 *   enterprise checksummed, the time ISO in UTC, whose text order is time order). Partial, like 0005's index: only
 *   those events, a small share of all, so a period's reimbursements of one enterprise are a range of it, however
 *   many millions of events the table holds.
 * - `invoices_enterprise_filed`: the invoices an enterprise filed, by period and number (the order the report
 *   pages them in). Partial: an invoice is in it only once it has been filed.
 *
 * Both are part of the event index: deferred and rebuilt with their tables' other indexes (deferred-indexes.ts),
 * and rebuilt with the table by `api:reindex`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index invoice_events_reimbursed on invoice_events ((event->>'enterprise'), (event->>'time')) where event->>'type' = 'InvoiceReimbursed'`.execute(db);
  await sql`create index invoices_enterprise_filed on invoices (enterprise, filed_period, number) where filed_period is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ["invoices_enterprise_filed", "invoice_events_reimbursed"]) {
    await db.schema.dropIndex(index).execute();
  }
}
