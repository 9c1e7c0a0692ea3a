import type { Insertable, Kysely, Selectable } from "kysely";

import type { ApiKeysTable, Schema } from "./schema";
import { PARTICIPANT_COLUMNS, type ParticipantRow } from "./parties";
import { isUniqueViolation } from "./unique-violation";

/** API keys: only the SHA-256 of each secret is stored, with the key id that names it to its party. */
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKey = Insertable<ApiKeysTable>;

/** What authentication needs in one read: the key, its party's profile (if any) and indexed registry status. */
export interface KeyHolderRow {
  revokedAt: Date | null;
  party: ParticipantRow | undefined;
  status: string | null;
}

const lower = (account: string) => account.toLowerCase();

/** Stores a new key; false when its key id (or hash) is taken, so that the caller draws another. */
export async function insertApiKey(db: Kysely<Schema>, key: NewApiKey): Promise<boolean> {
  try {
    await db.insertInto("api_keys").values({ ...key, account: lower(key.account) }).execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function findKeyHolder(db: Kysely<Schema>, keyHash: string): Promise<KeyHolderRow | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .leftJoin("participants", "participants.account", "api_keys.account")
    .leftJoin("participant_status", "participant_status.account", "api_keys.account")
    .select(["api_keys.revoked_at as key_revoked_at", ...PARTICIPANT_COLUMNS, "participant_status.status"])
    .where("api_keys.key_hash", "=", keyHash)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { key_revoked_at, status, account, role, name, created_at, ...rest } = row;
  const party = account === null || role === null || name === null || created_at === null ? undefined : { account, role, name, created_at, ...rest };
  return { revokedAt: key_revoked_at, party, status };
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
