import { createHash, randomBytes } from "node:crypto";

import type { Kysely } from "kysely";

import { insertAdminAction, listAdminActions, type AdminAction, type AdminActionFilter } from "../db/admin-actions";
import { findApiKey, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from "../db/api-keys";
import type { KeyHolderCache } from "../db/key-holder-cache";
import type { ParticipantRow } from "../db/parties";
import type { Schema } from "../db/schema";
import { ApiError, conflict, notFound, unauthenticated } from "../errors";
import { partyOf, type Parties, type Party } from "./parties";

/**
 * API keys: shown once when issued, stored only as a SHA-256 hash, bound to one party (and so one role).
 * The key id (its first characters) lets a party list and revoke its keys without the secret. A key is
 * `full` (everything its role may do) or `read` (no writes), and may expire.
 */
export type KeyScope = "read" | "full";

export interface ApiKeyInfo {
  keyId: string;
  label: string;
  scope: KeyScope;
  createdAt: string;
  /** null: it does not expire. */
  expiresAt: string | null;
  revokedAt: string | null;
}

/** What a new key may be given: the default is a full key that does not expire. */
export interface KeyOptions {
  scope?: KeyScope | undefined;
  /** ISO 8601; the schemas hold it in the future and within MAX_KEY_LIFETIME_DAYS. */
  expiresAt?: string | undefined;
}

/** How far ahead an expiry may be set: a key meant to expire should not outlive a year's rotation. */
export const MAX_KEY_LIFETIME_DAYS = 365;

/**
 * A key that works, of a participant the registry has suspended (for writes) or revoked, or a read-only key
 * sent to write: 403. It names the party for the bureau's audit of refused attempts; the answer carries
 * nothing of it.
 */
export class ParticipantBarred extends ApiError {
  constructor(
    readonly party: Party,
    code: "PARTICIPANT_REVOKED" | "PARTICIPANT_SUSPENDED" | "KEY_READ_ONLY",
    message: string,
  ) {
    super(403, code, message);
  }
}

/** What is stored of a key, and what finds it: the SHA-256 of its secret (hex). */
export const apiKeyHash = (secret: string) => createHash("sha256").update(secret).digest("hex");

const infoOf = (row: ApiKeyRow): ApiKeyInfo => ({
  keyId: row.key_id,
  label: row.label,
  scope: row.scope === "read" ? "read" : "full",
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at === null ? null : row.expires_at.toISOString(),
  revokedAt: row.revoked_at === null ? null : row.revoked_at.toISOString(),
});

/** Draws of a key id before giving up: the ids are 48 random bits and unique across parties (a constraint). */
const KEY_ID_DRAWS = 3;

const readOnly = (party: Party, what: string) => new ParticipantBarred(party, "KEY_READ_ONLY", `this API key is read-only: ${what} needs a full key`);

/** `holders`: the key holders, read through the cache that forgets them on every change (api/db/key-holder-cache.ts). */
export function createApiKeys({ db, holders, parties }: { db: Kysely<Schema>; holders: Pick<KeyHolderCache, "find" | "invalidate">; parties: Parties }) {
  /** Draws a key and stores it through `into` (the database, or a transaction that records more with it). */
  async function mint(into: Kysely<Schema>, account: string, label: string, options: KeyOptions): Promise<{ apiKey: string; info: ApiKeyInfo }> {
    const createdAt = new Date().toISOString();
    const scope = options.scope ?? "full";
    const expiresAt = options.expiresAt ?? null;
    for (let draw = 1; ; draw++) {
      const keyId = randomBytes(6).toString("hex");
      const apiKey = `eil_${keyId}_${randomBytes(24).toString("base64url")}`;
      if (await insertApiKey(into, { key_hash: apiKeyHash(apiKey), key_id: keyId, account, label, created_at: createdAt, revoked_at: null, scope, expires_at: expiresAt })) {
        return { apiKey, info: { keyId, label, scope, createdAt, expiresAt, revokedAt: null } };
      }
      if (draw >= KEY_ID_DRAWS) throw new Error(`no free API key id after ${KEY_ID_DRAWS} draws`);
    }
  }

  /** The party of a holder row, made once per row: a remembered holder (the cache) is the same row at each request. */
  const partiesOfRows = new WeakMap<ParticipantRow, Party>();
  function partyOfHolder(row: ParticipantRow): Party {
    let party = partiesOfRows.get(row);
    if (party === undefined) {
      party = Object.freeze(partyOf(row));
      partiesOfRows.set(row, party);
    }
    return party;
  }

  /**
   * The party behind a key, as the registry now has it: a revoked participant may do nothing at all, a
   * suspended one may only read (and revoke its own keys) until the bureau or its employer reinstates it;
   * a read-only key may only read. The status comes from the event index, which follows the registry's events.
   *
   * An expired key is told apart from an unknown one (API_KEY_EXPIRED): only its holder can send it (its hash
   * is what finds it), and the holder needs to know to replace it rather than hunt for a typo. A guesser
   * never holds a key, so it learns nothing more than from any wrong key.
   *
   * By what is stored of the key (apiKeyHash): a console session (services/sessions.ts) holds the hash of the key
   * it was opened with, never the key, and each of its requests goes through these same checks.
   */
  async function authenticateHash(keyHash: string, use: { writes: boolean }): Promise<Party> {
    const holder = await holders.find(keyHash);
    if (holder === undefined || holder.revokedAt !== null) throw unauthenticated("the API key is unknown or revoked");
    if (holder.expiresAt !== null && holder.expiresAt.getTime() <= Date.now()) {
      throw new ApiError(401, "API_KEY_EXPIRED", "the API key has expired: use another of your keys, or ask for a new one", { expiredAt: holder.expiresAt.toISOString() });
    }
    if (holder.party === undefined) throw unauthenticated("the API key's party no longer exists");
    const party = partyOfHolder(holder.party);
    if (holder.status === "Revoked") throw new ParticipantBarred(party, "PARTICIPANT_REVOKED", "this participant has been revoked on the ledger; its keys no longer give any access");
    if (holder.status === "Suspended" && use.writes) {
      throw new ParticipantBarred(party, "PARTICIPANT_SUSPENDED", "this participant is suspended on the ledger: it may read, but not act, until it is reinstated");
    }
    if (holder.scope === "read" && use.writes) throw readOnly(party, "a write");
    return party;
  }

  return {
    async issue(account: string, label: string, options: KeyOptions = {}): Promise<{ apiKey: string; info: ApiKeyInfo }> {
      return mint(db, account, label, options);
    },

    /** The checks of authenticateHash, for a key as a request sends it. */
    async authenticate(apiKey: string, use: { writes: boolean }): Promise<Party> {
      return authenticateHash(apiKeyHash(apiKey), use);
    },

    authenticateHash,

    /**
     * The key a request was sent with (it authenticated already), or the one its console session was opened with,
     * by its hash (apiKeyHash), as its party lists it.
     */
    async presented(keyHash: string): Promise<ApiKeyInfo | undefined> {
      const row = await findApiKey(db, keyHash);
      return row === undefined ? undefined : infoOf(row);
    },

    async list(account: string): Promise<ApiKeyInfo[]> {
      return (await listApiKeys(db, account)).map(infoOf);
    },

    /**
     * Revokes one of the party's keys. A read-only key may revoke only itself: whoever holds a leaked read-only
     * key can end it, but cannot lock the party out by revoking its full keys.
     */
    async revoke(party: Party, keyId: string, by: ApiKeyInfo | undefined): Promise<ApiKeyInfo> {
      if (by !== undefined && by.scope === "read" && by.keyId !== keyId) throw readOnly(party, "revoking another key");
      const revoked = await revokeApiKey(db, party.account, keyId, new Date());
      if (revoked === undefined) throw notFound("API key");
      // Every instance hears of it (migration 0013); this one forgets at once, before it answers.
      holders.invalidate();
      return infoOf(revoked);
    },

    /**
     * The bureau issues a replacement key to a party that lost (or revoked) its own, and records it in its log of
     * administrative actions, in one transaction: no key without its record. A suspended party gets one (it may
     * read, and acts again once reinstated); a revoked party does not: revocation on the registry is final, and
     * a key would open nothing.
     */
    async issueReplacement(bureau: Party, account: string, input: { label: string; reason: string } & KeyOptions): Promise<{ apiKey: string; info: ApiKeyInfo; action: AdminAction }> {
      const party = await parties.visibleTo(bureau, account);
      if (party.status === "Revoked") {
        throw conflict("PARTICIPANT_REVOKED_FINAL", "this participant has been revoked on the ledger, which is final: a key would give no access", { account: party.account });
      }
      return db.transaction().execute(async (trx) => {
        const issued = await mint(trx, party.account, input.label, input);
        const action = await insertAdminAction(trx, {
          actor: { account: bureau.account, role: bureau.role },
          action: "issue-replacement-key",
          subject: party.account,
          keyId: issued.info.keyId,
          reason: input.reason,
          details: { label: issued.info.label, scope: issued.info.scope, expiresAt: issued.info.expiresAt },
        });
        return { ...issued, action };
      });
    },

    /** The bureau's log of administrative actions, oldest first. */
    async adminActions(filter: AdminActionFilter): Promise<AdminAction[]> {
      return listAdminActions(db, filter);
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
