import { sql } from "kysely";

import { jsonRecords } from "./bulk";
import type { Db } from "./database";
import { upsertDocumentKeys, type DocumentKeyJson } from "./document-keys";
import { deleteSetting, getSetting } from "./settings";

/**
 * The one-time conversion of what was written before migration 0004 (documents with their personal fields and
 * salt in the record, stored answers with whole documents in them) into the layout with personal fields
 * encrypted per document (api/services/documents.ts `convertPlaintextDocuments` decides what each row becomes).
 * Batches go by primary key, each in a transaction of its own with its rows locked, so that API instances
 * starting together never convert one row twice, and a conversion cut short by a crash goes on at the next
 * start: a converted row is left as it is.
 */

/** Set by migration 0004 when the database held documents or stored answers, and by the LevelDB import. */
export const PLAINTEXT_SETTING = "documents.plaintext";

export async function plaintextMayRemain(db: Db): Promise<boolean> {
  return (await getSetting<boolean>(db, PLAINTEXT_SETTING)) !== undefined;
}

export async function plaintextConverted(db: Db): Promise<void> {
  await deleteSetting(db, PLAINTEXT_SETTING);
}

export type ConvertedDocument = { record: object; key: DocumentKeyJson } | undefined;

/**
 * Converts the next `limit` documents after the id `after` (all ids when undefined), in id order: `convert`
 * says what a row becomes (undefined: it is converted already). Returns the last id read (undefined: no rows
 * were left) and how many rows it rewrote.
 */
export async function convertDocumentBatch(db: Db, after: string | undefined, limit: number, convert: (row: { id: string; record: unknown }) => ConvertedDocument): Promise<{ last: string | undefined; converted: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("documents")
      .select(["id", "record"])
      .$if(after !== undefined, (q) => q.where("id", ">", after!))
      .orderBy("id")
      .limit(limit)
      .forUpdate()
      .execute();
    const changes = rows.flatMap((row) => {
      const converted = convert(row);
      return converted === undefined ? [] : [{ id: row.id, ...converted }];
    });
    if (changes.length > 0) {
      await sql`UPDATE documents d SET record = v.record FROM ${jsonRecords("documents", changes.map((c) => ({ id: c.id, record: c.record })))} v WHERE d.id = v.id`.execute(trx);
      await upsertDocumentKeys(trx, changes.map((c) => c.key));
    }
    return { last: rows.at(-1)?.id, converted: changes.length };
  });
}

/** Like convertDocumentBatch, over stored answers (`idempotency_answers`) in (account, key) order. */
export async function convertAnswerBatch(db: Db, after: { account: string; key: string } | undefined, limit: number, convert: (body: unknown) => unknown): Promise<{ last: { account: string; key: string } | undefined; converted: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("idempotency_answers")
      .select(["account", "key", "body"])
      .$if(after !== undefined, (q) => q.where(sql<boolean>`(account, key) > (${after?.account}, ${after?.key})`))
      .orderBy("account")
      .orderBy("key")
      .limit(limit)
      .forUpdate()
      .execute();
    const changes = rows.flatMap((row) => {
      const body = convert(row.body);
      return body === undefined ? [] : [{ account: row.account, key: row.key, body: body as object }];
    });
    if (changes.length > 0) {
      await sql`UPDATE idempotency_answers a SET body = v.body FROM ${jsonRecords("idempotency_answers", changes)} v WHERE a.account = v.account AND a.key = v.key`.execute(trx);
    }
    const last = rows.at(-1);
    return { last: last === undefined ? undefined : { account: last.account, key: last.key }, converted: changes.length };
  });
}
