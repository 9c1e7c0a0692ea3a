import type { Kysely } from "kysely";

import type { Schema } from "./schema";

/** The rows of a LevelDB-era store, as the tables take them (accounts lowercase, JSON as text). */
export interface LegacyRows {
  participants: Schema["participants"][];
  taxpayerAccounts: { taxpayer_id: string; account: string }[];
  apiKeys: { key_hash: string; key_id: string; account: string; label: string; created_at: string; revoked_at: string | null }[];
  wallets: { account: string; sealed: string }[];
  documents: { id: string; kind: string; seller: string; request_id: string; record: string }[];
  answers: { account: string; key: string; fingerprint: string; status: number; body: string }[];
  settings: { name: string; value: string }[];
}

/** Whether the database holds any participant yet: an import goes only into a database with none. */
export async function hasParticipants(db: Kysely<Schema>): Promise<boolean> {
  return (await db.selectFrom("participants").select("account").limit(1).executeTakeFirst()) !== undefined;
}

/** Inserts every row in one transaction: the import is all or nothing. */
export async function insertLegacyRows(db: Kysely<Schema>, rows: LegacyRows): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const chunks = <T>(list: T[]) => Array.from({ length: Math.ceil(list.length / 500) }, (_, i) => list.slice(i * 500, i * 500 + 500));
    for (const chunk of chunks(rows.participants)) await trx.insertInto("participants").values(chunk as never).execute();
    for (const chunk of chunks(rows.taxpayerAccounts)) await trx.insertInto("taxpayer_accounts").values(chunk).execute();
    for (const chunk of chunks(rows.apiKeys)) await trx.insertInto("api_keys").values(chunk).execute();
    for (const chunk of chunks(rows.wallets)) await trx.insertInto("wallets").values(chunk).execute();
    for (const chunk of chunks(rows.documents)) await trx.insertInto("documents").values(chunk).execute();
    for (const chunk of chunks(rows.answers)) await trx.insertInto("idempotency_answers").values(chunk).execute();
    for (const setting of rows.settings) {
      await trx
        .insertInto("settings")
        .values(setting)
        .onConflict((conflict) => conflict.column("name").doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
        .execute();
    }
  });
}
