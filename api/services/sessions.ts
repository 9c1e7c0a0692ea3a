import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import type { Kysely } from "kysely";

import type { ApiConfig } from "../config";
import { deleteExpiredSessions, deleteSession, findSession, insertSession, touchSession } from "../db/sessions";
import type { Schema } from "../db/schema";
import { ApiError, unauthenticated } from "../errors";
import { apiKeyHash, type ApiKeys } from "./api-keys";
import type { Party } from "./parties";

/**
 * Console sessions: the web console (served on the API's own origin) signs a party in with one of its API keys
 * and then sends a cookie instead, so that the key is never kept in the browser, where any script of the page
 * could read it. The cookie (HttpOnly, SameSite=Strict; api/http/session-cookie.ts) carries a random token; the
 * database holds only its hash and the hash of the key it was opened with (db/sessions.ts).
 *
 * A session is not a credential of its own: every request through it runs the key's checks again (apiKeys'
 * authenticateHash), so revoking or expiring the key, or the party being suspended or revoked on the registry,
 * holds for its sessions from that moment, with the same codes as for a Bearer request. It ends after
 * `sessionIdleMinutes` without a request, and `sessionHours` after it was opened however busy (401
 * SESSION_EXPIRED), or when its holder signs out.
 *
 * Cross-site request forgery: SameSite=Strict keeps the cookie off requests other sites start, and, should a
 * browser not honour it, every request but GET and HEAD must also carry the session's CSRF token in
 * `x-csrf-token` (403 CSRF_TOKEN_INVALID otherwise), which another site cannot read. The CSRF token is derived
 * from the session token (nothing more to store), one way: the page may hold it, and it is useless without the
 * cookie.
 */
export interface ConsoleSession {
  /** The cookie's value: 32 random bytes, base64url. Only its hash is stored, so it is known only here and to its browser. */
  token: string;
  /** What the page sends as x-csrf-token with every request but GET and HEAD. */
  csrfToken: string;
  /** The absolute end, ISO. */
  expiresAt: string;
  /** The session ends after this many minutes without a request. */
  idleMinutes: number;
  /** The API key it was opened with, as stored (apiKeyHash): whose checks each request repeats, and which key "me" names. */
  keyHash: string;
}

/** How a request through a session is to be checked. */
export interface SessionUse {
  /** A write for the key's rules (its scope, the party's suspension): as for a Bearer request. */
  writes: boolean;
  /** A safe method (GET, HEAD), which changes nothing and so needs no CSRF token; DELETE is not one. */
  safe: boolean;
  /** The x-csrf-token the request carries. */
  csrfToken: string | undefined;
}

const TOKEN_BYTES = 32;
const MINUTE_MS = 60_000;

/** Where a token is stored: its SHA-256 (hex). */
const idHashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** The CSRF token of a session: a one-way function of its token, under a label of its own. */
export const csrfTokenOf = (token: string) => createHash("sha256").update(`csrf\0${token}`).digest("base64url");

function sameToken(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const [a, b] = [Buffer.from(sent), Buffer.from(expected)];
  // The length of a CSRF token is no secret; its bytes are compared in constant time.
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createSessions({ db, apiKeys, config }: { db: Kysely<Schema>; apiKeys: ApiKeys; config: Pick<ApiConfig, "sessionIdleMinutes" | "sessionHours"> }) {
  const idleMs = config.sessionIdleMinutes * MINUTE_MS;
  const lifetimeMs = config.sessionHours * 60 * MINUTE_MS;
  // The idle mark is written at most once a minute, not on every request; a session is then judged idle at most
  // that much early, which a 30-minute limit does not notice. Under a limit so short that a minute would end
  // sessions in use (tests), it is written as often as a tenth of the limit.
  const touchEveryMs = Math.min(MINUTE_MS, idleMs / 10);

  const sessionOf = (token: string, expiresAt: Date, keyHash: string): ConsoleSession => ({
    token,
    csrfToken: csrfTokenOf(token),
    expiresAt: expiresAt.toISOString(),
    idleMinutes: config.sessionIdleMinutes,
    keyHash,
  });

  return {
    /**
     * Signs in with an API key, checked as for a read (a suspended party, or a read-only key, may sign in and
     * read). Ended sessions are removed on the way: signing in is rare enough to carry that, and no timer is
     * needed.
     */
    async open(apiKey: string): Promise<{ party: Party; session: ConsoleSession }> {
      const keyHash = apiKeyHash(apiKey);
      const party = await apiKeys.authenticateHash(keyHash, { writes: false });
      const now = new Date();
      await deleteExpiredSessions(db, now);
      const token = randomBytes(TOKEN_BYTES).toString("base64url");
      const expiresAt = new Date(now.getTime() + lifetimeMs);
      await insertSession(db, { id_hash: idHashOf(token), key_hash: keyHash, created_at: now, expires_at: expiresAt, last_seen_at: now });
      return { party, session: sessionOf(token, expiresAt, keyHash) };
    },

    /**
     * The party a request through a session acts as. In order: the session (unknown or signed out: 401
     * UNAUTHENTICATED; past its end or idle too long: 401 SESSION_EXPIRED, and it is removed), the CSRF token for
     * anything but GET and HEAD (403 CSRF_TOKEN_INVALID; before the key's checks, so that a forged request is
     * refused before anything is done or recorded in the party's name), then the key's checks as for a Bearer
     * request with it.
     */
    async authenticate(token: string, use: SessionUse): Promise<{ party: Party; session: ConsoleSession }> {
      const idHash = idHashOf(token);
      const row = await findSession(db, idHash);
      if (row === undefined) throw unauthenticated("the console session is unknown or has ended: sign in again");
      const now = new Date();
      const idleFor = now.getTime() - row.last_seen_at.getTime();
      if (row.expires_at.getTime() <= now.getTime() || idleFor > idleMs) {
        await deleteSession(db, idHash);
        const reason = row.expires_at.getTime() <= now.getTime() ? "lifetime" : "idle";
        throw new ApiError(401, "SESSION_EXPIRED", `the console session has ended (${reason}): sign in again`, { reason });
      }
      const session = sessionOf(token, row.expires_at, row.key_hash);
      if (!use.safe && !sameToken(use.csrfToken, session.csrfToken)) {
        throw new ApiError(403, "CSRF_TOKEN_INVALID", "send the session's csrfToken as x-csrf-token with every request but GET and HEAD");
      }
      const party = await apiKeys.authenticateHash(row.key_hash, { writes: use.writes });
      if (idleFor >= touchEveryMs) await touchSession(db, idHash, now);
      return { party, session };
    },

    /** Signs out: the session ends at once. False when it had ended already. */
    async close(token: string): Promise<boolean> {
      return deleteSession(db, idHashOf(token));
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
