import { sql, type Insertable, type Kysely, type Selectable } from "kysely";

import type { DocumentsTable, Schema } from "./schema";
import { anyOf } from "./bulk";
import type { NewDocumentKey } from "./document-keys";
import { isUniqueViolation } from "./unique-violation";

/**
 * Documents of invoices and credit notes with what cannot be rebuilt from the chain (sealed claim code, the
 * ciphertext of personal fields) and, joined from `document_keys`, their salt and sealed data key.
 * `record` is JSON (not JSONB), so a document reads back with its fields in the order they were written.
 * A document is written once: a second one under the same id is refused, never written over the first
 * (whose seal may already be on chain); only an erasure rewrites it, taking its personal fields out.
 */
export type DocumentRow = Selectable<DocumentsTable> & {
  /** Null once the document's personal fields are erased (its key row deleted). */
  salt: string | null;
  sealed_key: unknown;
};
export type NewDocument = Insertable<DocumentsTable>;

const lower = (value: string) => value.toLowerCase();

const withKeys = (db: Kysely<Schema>) =>
  db
    .selectFrom("documents as d")
    .leftJoin("document_keys as k", "k.id", "d.id")
    .select(["d.id", "d.kind", "d.seller", "d.request_id", "d.record", "k.salt", "k.sealed_key"]);

export async function findDocument(db: Kysely<Schema>, id: string): Promise<DocumentRow | undefined> {
  return withKeys(db).where("d.id", "=", lower(id)).executeTakeFirst();
}

/** The documents of these ids that the database holds, in no particular order. */
export async function findDocuments(db: Kysely<Schema>, ids: readonly string[]): Promise<DocumentRow[]> {
  if (ids.length === 0) return [];
  return withKeys(db).where("d.id", "=", anyOf(ids.map(lower))).execute();
}

/**
 * The issue time each of these documents carries (the time its printed number's year is taken from), by lowercase
 * id; ids without a document are absent. One read of a page of ids, without decrypting or parsing whole records.
 */
export async function documentIssueTimes(db: Kysely<Schema>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("documents")
    .select(["id", sql<string | null>`record::json -> 'document' ->> 'issuedAt'`.as("issued_at")])
    .where("id", "=", anyOf(ids.map(lower)))
    .execute();
  return new Map(rows.filter((row) => row.issued_at !== null).map((row) => [row.id, row.issued_at!]));
}

/**
 * Inserts all of them with their key rows in one statement (all or none); "id-taken" when one of the ids has a
 * document already.
 */
export async function insertDocuments(db: Kysely<Schema>, documents: NewDocument[], keys: NewDocumentKey[]): Promise<"inserted" | "id-taken"> {
  if (documents.length === 0) return "inserted";
  try {
    // The documents' insert is a data-modifying CTE: PostgreSQL runs it with the keys' insert, as one statement.
    await db
      .with("inserted", (qb) => qb.insertInto("documents").values(documents.map((d) => ({ ...d, id: lower(d.id), seller: lower(d.seller) }))).returning("id"))
      .insertInto("document_keys")
      .values(keys.map((k) => ({ ...k, id: lower(k.id) })))
      .execute();
    return "inserted";
  } catch (error) {
    // Either table may refuse first: PostgreSQL does not order a statement's inserts, and a key row is written
    // only with its document, under the same id.
    if (isUniqueViolation(error, "documents_pkey") || isUniqueViolation(error, "document_keys_pkey")) return "id-taken";
    throw error;
  }
}
