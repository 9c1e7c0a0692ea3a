import type { Insertable, Kysely, Selectable } from "kysely";

import type { DocumentsTable, Schema } from "./schema";
import { anyOf } from "./bulk";
import { isUniqueViolation } from "./unique-violation";

/**
 * Documents of invoices and credit notes with what cannot be rebuilt from the chain (salt, sealed claim code).
 * `record` is JSON (not JSONB), so a document reads back with its fields in the order they were written.
 * A document is written once: a second one under the same id is refused, never written over the first
 * (whose seal may already be on chain).
 */
export type DocumentRow = Selectable<DocumentsTable>;
export type NewDocument = Insertable<DocumentsTable>;

const lower = (value: string) => value.toLowerCase();

export async function findDocument(db: Kysely<Schema>, id: string): Promise<DocumentRow | undefined> {
  return db.selectFrom("documents").selectAll().where("id", "=", lower(id)).executeTakeFirst();
}

/** The documents of these ids that the database holds, in no particular order. */
export async function findDocuments(db: Kysely<Schema>, ids: readonly string[]): Promise<DocumentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("documents").selectAll().where("id", "=", anyOf(ids.map(lower))).execute();
}

/** Inserts all of them in one statement (all or none); "id-taken" when one of the ids has a document already. */
export async function insertDocuments(db: Kysely<Schema>, documents: NewDocument[]): Promise<"inserted" | "id-taken"> {
  if (documents.length === 0) return "inserted";
  try {
    await db
      .insertInto("documents")
      .values(documents.map((d) => ({ ...d, id: lower(d.id), seller: lower(d.seller) })))
      .execute();
    return "inserted";
  } catch (error) {
    if (isUniqueViolation(error, "documents_pkey")) return "id-taken";
    throw error;
  }
}
