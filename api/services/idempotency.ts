import { unprocessable } from "../errors";
import { fingerprint } from "../domain/fingerprint";
import type { ApiStore } from "../store/api-store";
import { keys } from "../store/keys";

/**
 * Idempotency-Key: the first answer to a key is stored (synced) with the fingerprint of its request; the
 * same key with the same request gets that answer again, with another request a 422. Concurrent requests
 * with one key share one execution.
 */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
}

export function createIdempotency(store: ApiStore) {
  const inFlight = new Map<string, { fingerprint: string; answer: Promise<StoredAnswer> }>();
  return {
    async run(account: string, key: string, request: unknown, execute: () => Promise<{ status: number; body: unknown }>): Promise<StoredAnswer & { replayed: boolean }> {
      const storeKey = keys.idempotency(account, key);
      const print = fingerprint(request);
      const reuse = (answer: StoredAnswer) => {
        if (answer.fingerprint !== print) throw unprocessable("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request", { idempotencyKey: key });
        return { ...answer, replayed: true };
      };
      const running = inFlight.get(storeKey);
      if (running !== undefined) {
        if (running.fingerprint !== print) return reuse({ fingerprint: running.fingerprint, status: 0, body: null });
        return { ...(await running.answer), replayed: true };
      }
      const stored = await store.get<StoredAnswer>(storeKey);
      if (stored !== undefined) return reuse(stored);
      const answer = (async () => {
        const result = await execute();
        const record: StoredAnswer = { fingerprint: print, status: result.status, body: result.body };
        await store.put(storeKey, record);
        return record;
      })();
      inFlight.set(storeKey, { fingerprint: print, answer });
      try {
        return { ...(await answer), replayed: false };
      } finally {
        inFlight.delete(storeKey);
      }
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
