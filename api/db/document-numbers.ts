import { sql } from "kysely";

import type { Db } from "./database";

/**
 * Which document a ledger number names, from the event index: an invoice by its number column, a credit note by
 * the event that created it (ReversalRequested or InvoiceReversed: the partial index of migration 0005). Invoices and credit notes share one
 * sequence, so at most one of the two answers.
 */
export async function documentAtNumber(db: Db, sequence: bigint): Promise<{ kind: "invoice" | "credit-note"; id: string } | undefined> {
  const invoice = await db.selectFrom("invoices").select("id").where("number", "=", sequence.toString()).executeTakeFirst();
  if (invoice !== undefined) return { kind: "invoice", id: invoice.id };
  const { rows } = await sql<{ id: string }>`
    select event->>'creditNoteId' as id from invoice_events
    where event->>'type' in ('ReversalRequested', 'InvoiceReversed') and event->>'number' = ${sequence.toString()}
    limit 1`.execute(db);
  return rows[0] === undefined ? undefined : { kind: "credit-note", id: rows[0].id };
}
