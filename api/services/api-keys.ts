import { createHash, randomBytes } from "node:crypto";

import type { Kysely } from "kysely";

import { findKeyHolder, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from "../db/api-keys";
import type { Schema } from "../db/schema";
import { ApiError, notFound, unauthenticated } from "../errors";
import { partyOf, type Parties, type Party } from "./parties";

/**
 * API keys: shown once when issued, stored only as a SHA-256 hash, bound to one party (and so one role).
 * The key id (its first characters) lets a party list and revoke its keys without the secret.
 */
export interface ApiKeyInfo {
  keyId: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * A key that works, of a participant the registry has suspended (for writes) or revoked: 403. It names the
 * party for the bureau's audit of refused attempts; the answer carries nothing of it.
 */
export class ParticipantBarred extends ApiError {
  constructor(
    readonly party: Party,
    code: "PARTICIPANT_REVOKED" | "PARTICIPANT_SUSPENDED",
    message: string,
  ) {
    super(403, code, message);
  }
}

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

const infoOf = (row: ApiKeyRow): ApiKeyInfo => ({
  keyId: row.key_id,
  label: row.label,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at === null ? null : row.revoked_at.toISOString(),
});

/** Draws of a key id before giving up: the ids are 48 random bits and unique across parties (a constraint). */
const KEY_ID_DRAWS = 3;

export function createApiKeys({ db }: { db: Kysely<Schema>; parties: Parties }) {
  return {
    async issue(account: string, label: string): Promise<{ apiKey: string; info: ApiKeyInfo }> {
      const createdAt = new Date().toISOString();
      for (let draw = 1; ; draw++) {
        const keyId = randomBytes(6).toString("hex");
        const apiKey = `eil_${keyId}_${randomBytes(24).toString("base64url")}`;
        if (await insertApiKey(db, { key_hash: hashOf(apiKey), key_id: keyId, account, label, created_at: createdAt, revoked_at: null })) {
          return { apiKey, info: { keyId, label, createdAt, revokedAt: null } };
        }
        if (draw >= KEY_ID_DRAWS) throw new Error(`no free API key id after ${KEY_ID_DRAWS} draws`);
      }
    },

    /**
     * The party behind a key, as the registry now has it: a revoked participant may do nothing at all, a
     * suspended one may only read (and revoke its own keys) until the bureau or its employer reinstates it.
     * The status comes from the event index, which follows the registry's events.
     */
    async authenticate(apiKey: string, use: { writes: boolean }): Promise<Party> {
      const holder = await findKeyHolder(db, hashOf(apiKey));
      if (holder === undefined || holder.revokedAt !== null) throw unauthenticated("the API key is unknown or revoked");
      if (holder.party === undefined) throw unauthenticated("the API key's party no longer exists");
      const party = partyOf(holder.party);
      if (holder.status === "Revoked") throw new ParticipantBarred(party, "PARTICIPANT_REVOKED", "this participant has been revoked on the ledger; its keys no longer give any access");
      if (holder.status === "Suspended" && use.writes) {
        throw new ParticipantBarred(party, "PARTICIPANT_SUSPENDED", "this participant is suspended on the ledger: it may read, but not act, until it is reinstated");
      }
      return party;
    },

    async list(account: string): Promise<ApiKeyInfo[]> {
      return (await listApiKeys(db, account)).map(infoOf);
    },

    async revoke(account: string, keyId: string): Promise<ApiKeyInfo> {
      const revoked = await revokeApiKey(db, account, keyId, new Date());
      if (revoked === undefined) throw notFound("API key");
      return infoOf(revoked);
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
