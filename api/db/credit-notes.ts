import type { CreditNoteStatus } from "../indexer/events";
import { anyOf, insertRows } from "./bulk";
import type { Db } from "./database";

/**
 * The credit notes of the event index (`credit_notes`, migration 0012): each red-letter note with its number,
 * seal, amounts and status, as the ledger's `creditNote(id)` answers, for verification by number or by document.
 * Derived from the chain like the rest of the index (api/indexer/event-indexer.ts).
 */
export interface IndexedCreditNote {
  id: string;
  invoiceId: string;
  number: string;
  seal: string;
  total: string;
  tax: string;
  status: CreditNoteStatus;
}

/** Writes these notes whole: new ones are added; one the index holds (a pending note, now effective) takes the new status. */
export async function putCreditNotes(db: Db, notes: readonly IndexedCreditNote[]): Promise<void> {
  if (notes.length === 0) return;
  const rows = notes.map((note) => ({ id: note.id.toLowerCase(), number: note.number, invoice_id: note.invoiceId.toLowerCase(), seal: note.seal.toLowerCase(), total: note.total, tax: note.tax, status: note.status }));
  await insertRows(db, "credit_notes", rows)
    .onConflict((oc) => oc.column("id").doUpdateSet((eb) => ({ status: eb.ref("excluded.status") })))
    .execute();
}

/** Sets the status of notes the index holds (each id at most once per status). */
export async function setCreditNoteStatuses(db: Db, statuses: readonly { id: string; status: CreditNoteStatus }[]): Promise<void> {
  for (const status of new Set(statuses.map((s) => s.status))) {
    const ids = statuses.filter((s) => s.status === status).map((s) => s.id.toLowerCase());
    await db.updateTable("credit_notes").set({ status }).where("id", "=", anyOf(ids)).execute();
  }
}
