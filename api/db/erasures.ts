import { sql } from "kysely";

import { checksummedAccount } from "../indexer/events";
import { anyOf } from "./bulk";
import type { Db } from "./database";

/**
 * Erasures of documents' personal fields (`erasures`, `document_keys`, migration 0004): the only module that
 * writes `erasures` or deletes key rows. An erasure is one transaction: the document's record rewritten without
 * its personal fields (their ciphertext, the request fingerprint that hashed them), its key row (data key and
 * salt) deleted, every stored answer that held the document deleted, and the bureau's record inserted.
 */
export interface Erasure {
  /** The invoice's id (lowercase). */
  id: string;
  erasedAt: string;
  erasedBy: string;
  basis: string;
  requestReference: string;
}

/** An erasure as the bureau lists it. */
export interface ErasureEntry {
  /** Increasing; `after` continues from it. */
  seq: string;
  invoiceId: string;
  /** From the event index; null when it does not know the invoice (yet). */
  invoiceNumber: string | null;
  erasedAt: string;
  erasedBy: string;
  basis: string;
  requestReference: string;
}

/**
 * Erases one document: `redact` says what its record becomes (called only when the document is here). Stored
 * answers (Idempotency-Key) are found by the invoice's id in their text: they held the document, and their
 * request fingerprints are hashes of requests that named the person. The bureau's first record of an
 * erasure stands; erasing again changes nothing else. `onRecorded` runs in the transaction when it writes that record.
 */
export async function eraseDocumentRows(db: Db, erasure: Erasure, redact: (record: unknown) => object, onRecorded?: (trx: Db) => Promise<void>): Promise<void> {
  const id = erasure.id.toLowerCase();
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("documents").select("record").where("id", "=", id).forUpdate().executeTakeFirst();
    if (row !== undefined) await trx.updateTable("documents").set({ record: JSON.stringify(redact(row.record)) }).where("id", "=", id).execute();
    await trx.deleteFrom("document_keys").where("id", "=", id).execute();
    // An id is 0x and hex digits: nothing LIKE would read as a wildcard.
    await trx.deleteFrom("idempotency_answers").where(sql<string>`body::text`, "like", `%${id}%`).execute();
    const recorded = await trx
      .insertInto("erasures")
      .values({ id, erased_at: erasure.erasedAt, erased_by: erasure.erasedBy.toLowerCase(), basis: erasure.basis, request_reference: erasure.requestReference })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    // What is written with the bureau's record, in its transaction (the webhook outbox): once per erasure recorded.
    if (recorded !== undefined) await onRecorded?.(trx);
  });
}

/**
 * Of these erased ids, those whose erasure the database does not fully hold: a key row is there, a record still
 * holds personal fields (ciphertext, or the layout before migration 0004 with its salt), or the bureau's record
 * is missing. After a restore of a backup taken before the erasures, that is all of them.
 */
export async function erasuresNotApplied(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const lower = ids.map((id) => id.toLowerCase());
  const [keyed, recorded, unredacted] = await Promise.all([
    db.selectFrom("document_keys").select("id").where("id", "=", anyOf(lower)).execute(),
    db.selectFrom("erasures").select("id").where("id", "=", anyOf(lower)).execute(),
    db
      .selectFrom("documents")
      .select("id")
      .where("id", "=", anyOf(lower))
      .where(sql<boolean>`(record::jsonb ? 'personal' OR record::jsonb ? 'salt')`)
      .execute(),
  ]);
  const has = (rows: { id: string }[]) => new Set(rows.map((row) => row.id));
  const [withKey, withRecord, withFields] = [has(keyed), has(recorded), has(unredacted)];
  return lower.filter((id) => withKey.has(id) || withFields.has(id) || !withRecord.has(id));
}

/** Whether the bureau's record of this erasure is there. */
export async function findErasure(db: Db, id: string): Promise<Erasure | undefined> {
  const row = await db.selectFrom("erasures").selectAll().where("id", "=", id.toLowerCase()).executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, erasedAt: row.erased_at.toISOString(), erasedBy: checksummedAccount(row.erased_by), basis: row.basis, requestReference: row.request_reference };
}

/** Every erasure's id, for the register (api/services/erasure-register.ts) to compare with its own. */
export async function allErasures(db: Db): Promise<Erasure[]> {
  const rows = await db.selectFrom("erasures").selectAll().orderBy("seq").execute();
  return rows.map((row) => ({ id: row.id, erasedAt: row.erased_at.toISOString(), erasedBy: row.erased_by, basis: row.basis, requestReference: row.request_reference }));
}

export interface ErasureFilter {
  invoiceId?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** The bureau's record of erasures, in the order they were recorded. */
export async function listErasures(db: Db, filter: ErasureFilter): Promise<ErasureEntry[]> {
  const rows = await db
    .selectFrom("erasures as e")
    .leftJoin("invoices as i", "i.id", "e.id")
    .select(["e.id", "e.seq", "e.erased_at", "e.erased_by", "e.basis", "e.request_reference", "i.number"])
    .$if(filter.invoiceId !== undefined, (q) => q.where("e.id", "=", filter.invoiceId!.toLowerCase()))
    .$if(filter.after !== undefined, (q) => q.where("e.seq", ">", filter.after!))
    .orderBy("e.seq")
    .limit(filter.limit)
    .execute();
  return rows.map((row) => ({
    seq: row.seq,
    invoiceId: row.id,
    invoiceNumber: row.number ?? null,
    erasedAt: row.erased_at.toISOString(),
    erasedBy: checksummedAccount(row.erased_by),
    basis: row.basis,
    requestReference: row.request_reference,
  }));
}
