import { createHash, randomBytes } from "node:crypto";

import { ApiError, notFound, unauthenticated } from "../errors";
import type { ApiStore } from "../store/api-store";
import { keys } from "../store/keys";
import type { Parties, Party } from "./parties";

/**
 * API keys: shown once when issued, stored only as a SHA-256 hash, bound to one party (and so one role).
 * The key id (its first characters) lets a party list and revoke its keys without the secret.
 */
interface StoredKey {
  keyId: string;
  account: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeyInfo {
  keyId: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

export function createApiKeys({ store, parties }: { store: ApiStore; parties: Parties }) {
  return {
    async issue(account: string, label: string): Promise<{ apiKey: string; info: ApiKeyInfo }> {
      const keyId = randomBytes(6).toString("hex");
      const apiKey = `eil_${keyId}_${randomBytes(24).toString("base64url")}`;
      const record: StoredKey = { keyId, account, label, createdAt: new Date().toISOString(), revokedAt: null };
      const hash = hashOf(apiKey);
      await store.batch([
        { type: "put", key: keys.apiKey(hash), value: record },
        { type: "put", key: keys.partyKey(account, keyId), value: hash },
      ]);
      return { apiKey, info: { keyId, label, createdAt: record.createdAt, revokedAt: null } };
    },

    /**
     * The party behind a key, as the registry now has it: a revoked participant may do nothing at all, a
     * suspended one may only read (and revoke its own keys) until the bureau or its employer reinstates it.
     * The status comes from the event index, which follows the registry's events.
     */
    async authenticate(apiKey: string, use: { writes: boolean }): Promise<Party> {
      const record = await store.get<StoredKey>(keys.apiKey(hashOf(apiKey)));
      if (record === undefined || record.revokedAt !== null) throw unauthenticated("the API key is unknown or revoked");
      const [party, status] = await store.getMany<unknown>([keys.party(record.account), keys.index.participantStatus(record.account)]);
      if (party === undefined) throw unauthenticated("the API key's party no longer exists");
      if (status === "Revoked") throw new ApiError(403, "PARTICIPANT_REVOKED", "this participant has been revoked on the ledger; its keys no longer give any access");
      if (status === "Suspended" && use.writes) {
        throw new ApiError(403, "PARTICIPANT_SUSPENDED", "this participant is suspended on the ledger: it may read, but not act, until it is reinstated");
      }
      return party as Party;
    },

    async list(account: string): Promise<ApiKeyInfo[]> {
      const hashes = await store.range<string>(keys.partyKeysPrefix(account));
      const records = await store.getMany<StoredKey>(hashes.map((entry) => keys.apiKey(entry.value)));
      return records.filter((r): r is StoredKey => r !== undefined).map(({ keyId, label, createdAt, revokedAt }) => ({ keyId, label, createdAt, revokedAt }));
    },

    async revoke(account: string, keyId: string): Promise<ApiKeyInfo> {
      const hash = await store.get<string>(keys.partyKey(account, keyId));
      const record = hash === undefined ? undefined : await store.get<StoredKey>(keys.apiKey(hash));
      if (hash === undefined || record === undefined) throw notFound("API key");
      const revoked = { ...record, revokedAt: record.revokedAt ?? new Date().toISOString() };
      await store.put(keys.apiKey(hash), revoked);
      return { keyId, label: revoked.label, createdAt: revoked.createdAt, revokedAt: revoked.revokedAt };
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
