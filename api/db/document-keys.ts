import type { Insertable, Kysely } from "kysely";

import type { DocumentKeysTable, Schema } from "./schema";
import { anyOf, insertRows } from "./bulk";

/**
 * Each document's salt and, for one with personal fields, its data key sealed under the keystore
 * (`document_keys`, migration 0004). A row is written with its document (api/db/documents.ts) and deleted only
 * by an erasure (api/db/erasures.ts); a document without a row is one whose personal fields are erased.
 */
export type NewDocumentKey = Insertable<DocumentKeysTable>;

/** A key row as JSON, for the statements that write many at once: `sealed_key` as the sealed secret itself. */
export interface DocumentKeyJson {
  id: string;
  salt: string;
  sealed_key: object | null;
}

/** Of these ids, those that still have a key row. */
export async function idsWithKeys(db: Kysely<Schema>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom("document_keys").select("id").where("id", "=", anyOf(ids.map((id) => id.toLowerCase()))).execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * Writes these key rows, replacing a row under the same id: a document converted from the layout before
 * migration 0004 gets the key its ciphertext was just made with, whatever a restored copy left there.
 */
export async function upsertDocumentKeys(db: Kysely<Schema>, rows: readonly DocumentKeyJson[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(db, "document_keys", rows.map((row) => ({ ...row, id: row.id.toLowerCase() })))
    .onConflict((conflict) => conflict.column("id").doUpdateSet((eb) => ({ salt: eb.ref("excluded.salt"), sealed_key: eb.ref("excluded.sealed_key") })))
    .execute();
}
