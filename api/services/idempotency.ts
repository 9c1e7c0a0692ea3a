import type { Kysely } from "kysely";

import type { Keystore, SealedSecret } from "../chain/keystore";
import { findAnswer, insertAnswer, type IdempotencyAnswerRow } from "../db/idempotency";
import type { Schema } from "../db/schema";
import { unprocessable } from "../errors";
import { fingerprint } from "../domain/fingerprint";
import { answerForStorage, type DocumentStore } from "./documents";

/**
 * Idempotency-Key: the first answer to a key is stored (committed) with the fingerprint of its request; the
 * same key with the same request gets that answer again, with another request a 422. Concurrent requests
 * with one key share one execution in one API instance; two instances racing on one key each execute, the
 * primary key keeps the first answer stored, and the other instance answers with it as a replay would.
 *
 * Secrets in an answer (an API key, a claim code, a private key: the fields named in SECRET_FIELDS, at any
 * depth) are never stored in plaintext: each is sealed with the keystore's key (AES-256-GCM, bound to this
 * record and the field's place in it) and opened only to answer a replay to the same party, same key and
 * same request. A replay is exactly the case of a caller that lost the first answer, and for a registration
 * that answer holds the new party's only key, which nobody else can issue: redacting it would strand the party.
 *
 * Personal data is never stored in an answer either: a document file with personal fields is stored as a
 * reference to the document (documents.ts `answerForStorage`) and read again from the document store for a
 * replay, so a replay after an erasure shows the document erased. An erasure deletes the answers that held its
 * document (api/db/erasures.ts): their fingerprints hash requests that named the person.
 */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
}

export const SECRET_FIELDS: ReadonlySet<string> = new Set(["apiKey", "claimCode", "privateKey"]);

interface SealedField {
  $sealed: SealedSecret;
}

const isSealed = (value: unknown): value is SealedField => typeof value === "object" && value !== null && "$sealed" in value;

/** Copies `value` with every secret field replaced by what `replace` makes of it. */
function mapSecrets(value: unknown, path: string, replace: (secret: unknown, path: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item, i) => mapSecrets(item, `${path}/${i}`, replace));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => {
      const at = `${path}/${name}`;
      return [name, SECRET_FIELDS.has(name) && field !== null && field !== undefined ? replace(field, at) : mapSecrets(field, at, replace)];
    }),
  );
}

/** What seals an answer's secrets are bound to (with the field's place): the account and the key. */
const answerContext = (account: string, key: string) => `idem:${account.toLowerCase()}:${key}`;

const storedAnswer = (row: IdempotencyAnswerRow): StoredAnswer => ({ fingerprint: row.fingerprint, status: row.status, body: row.body });

export function createIdempotency(db: Kysely<Schema>, keystore: Keystore, documents: Pick<DocumentStore, "answerFromStorage">) {
  const inFlight = new Map<string, { fingerprint: string; answer: Promise<StoredAnswer> }>();
  const context = (storeKey: string, path: string) => Buffer.from(`${storeKey}#${path}`);
  const seal = (storeKey: string, body: unknown) =>
    mapSecrets(answerForStorage(body), "", (secret, path): SealedField => ({ $sealed: keystore.sealSecret(Buffer.from(JSON.stringify(secret)), context(storeKey, path)) }));
  const unseal = (storeKey: string, body: unknown) =>
    mapSecrets(body, "", (field, path) => (isSealed(field) ? (JSON.parse(keystore.openSecret(field.$sealed, context(storeKey, path)).toString("utf8")) as unknown) : field));

  return {
    async run(account: string, key: string, request: unknown, execute: () => Promise<{ status: number; body: unknown }>): Promise<StoredAnswer & { replayed: boolean }> {
      const storeKey = answerContext(account, key);
      const print = fingerprint(request);
      const reuse = async (answer: StoredAnswer) => {
        if (answer.fingerprint !== print) throw unprocessable("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request", { idempotencyKey: key });
        return { ...answer, body: await documents.answerFromStorage(unseal(storeKey, answer.body)), replayed: true };
      };
      const running = inFlight.get(storeKey);
      if (running !== undefined) {
        if (running.fingerprint !== print) return reuse({ fingerprint: running.fingerprint, status: 0, body: null });
        return { ...(await running.answer), replayed: true };
      }
      // In flight from here on, before the first read: a request arriving while this one reads shares it.
      const answer = (async (): Promise<StoredAnswer & { replayed: boolean }> => {
        const stored = await findAnswer(db, account, key);
        if (stored !== undefined) return reuse(storedAnswer(stored));
        const result = await execute();
        if (await insertAnswer(db, { account, key, fingerprint: print, status: result.status, body: JSON.stringify(seal(storeKey, result.body)) })) {
          return { fingerprint: print, status: result.status, body: result.body, replayed: false };
        }
        // Another API instance stored its answer to this key first: that one stands.
        const first = await findAnswer(db, account, key);
        if (first === undefined) throw new Error(`the stored answer to Idempotency-Key ${key} vanished`);
        return reuse(storedAnswer(first));
      })();
      inFlight.set(storeKey, { fingerprint: print, answer });
      try {
        return await answer;
      } finally {
        inFlight.delete(storeKey);
      }
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
