import type { Insertable, Kysely, Selectable } from "kysely";

import type { Database, PreparedStatement } from "./database";
import type { ApiKeysTable, Schema } from "./schema";
import { PARTICIPANT_COLUMNS, type ParticipantRow } from "./parties";

/** API keys: only the SHA-256 of each secret is stored, with the key id that names it to its party, its scope and expiry. */
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKey = Insertable<ApiKeysTable>;

/** What authentication needs in one read: the key, its party's profile (if any) and indexed registry status. */
export interface KeyHolderRow {
  revokedAt: Date | null;
  expiresAt: Date | null;
  scope: string;
  party: ParticipantRow | undefined;
  status: string | null;
}

const lower = (account: string) => account.toLowerCase();

/**
 * Stores a new key; false when its key id (or hash) is taken, so that the caller draws another. A conflict is
 * skipped, not raised, so that the insert can share a transaction with what must be written with it (the
 * bureau's log of a replacement key).
 */
export async function insertApiKey(db: Kysely<Schema>, key: NewApiKey): Promise<boolean> {
  const result = await db
    .insertInto("api_keys")
    .values({ ...key, account: lower(key.account) })
    .onConflict((conflict) => conflict.doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/** The key and its holder, prepared (database.ts): every authenticated request reads it, by the key's hash. */
const KEY_HOLDER: PreparedStatement = {
  name: "api-keys.key-holder",
  text: `select api_keys.revoked_at as key_revoked_at, api_keys.expires_at as key_expires_at, api_keys.scope as key_scope, ${PARTICIPANT_COLUMNS.join(", ")}, participant_status.status
    from api_keys
    left join participants on participants.account = api_keys.account
    left join participant_status on participant_status.account = api_keys.account
    where api_keys.key_hash = $1`,
};

type KeyHolderJoin = { key_revoked_at: Date | null; key_expires_at: Date | null; key_scope: string; status: string | null } & { [C in keyof ParticipantRow]: ParticipantRow[C] | null };

export async function findKeyHolder(database: Pick<Database, "prepared">, keyHash: string): Promise<KeyHolderRow | undefined> {
  const [row] = await database.prepared<KeyHolderJoin>(KEY_HOLDER, [keyHash]);
  if (row === undefined) return undefined;
  const { key_revoked_at, key_expires_at, key_scope, status, account, role, name, created_at, ...rest } = row;
  const party = account === null || role === null || name === null || created_at === null ? undefined : { account, role, name, created_at, ...rest };
  return { revokedAt: key_revoked_at, expiresAt: key_expires_at, scope: key_scope, party, status };
}

/** One key, by the hash of its secret. */
export async function findApiKey(db: Kysely<Schema>, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom("api_keys").selectAll().where("key_hash", "=", keyHash).executeTakeFirst();
}

/** A party's keys, by key id. */
export async function listApiKeys(db: Kysely<Schema>, account: string): Promise<ApiKeyRow[]> {
  return db.selectFrom("api_keys").selectAll().where("account", "=", lower(account)).orderBy("key_id").execute();
}

/** Revokes one of `account`'s keys (a key revoked before keeps its first revocation time); undefined when it has no such key. */
export async function revokeApiKey(db: Kysely<Schema>, account: string, keyId: string, at: Date): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable("api_keys")
    .set((eb) => ({ revoked_at: eb.fn.coalesce("revoked_at", eb.val(at)) }))
    .where("account", "=", lower(account))
    .where("key_id", "=", keyId)
    .returningAll()
    .executeTakeFirst();
}
