import { createHash } from "node:crypto";

import type { Request } from "express";

import { ApiError } from "../errors";

/**
 * Failed authentications per client address: at most `limit` wrong API keys (Bearer, or sent to sign in to the
 * console) or unknown console session tokens per window; past that, a key from that address is answered 429
 * RATE_LIMITED (with Retry-After until the window ends) without being looked up, unless it is a key that
 * authenticated from that address before (OWASP's "known device" exception to lockouts): the parties already
 * working from an address keep working while someone there guesses keys. Requests without any key are not
 * guesses and are not counted. A "key" here is whichever secret a request authenticates with. Memory is
 * bounded: at most `maxAddresses` addresses (the oldest windows are dropped first) and a few known keys per
 * address.
 */
export interface AuthFailureLimiter {
  /** Throws 429 when `address` is over its budget and `apiKey` is not known to work from it. */
  check(address: string, apiKey: string): void;
  failed(address: string): void;
  succeeded(address: string, apiKey: string): void;
}

/** The address a request is counted under (behind a proxy, as API_TRUST_PROXY lets Express read it). */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? "unknown";

interface Window {
  startedAt: number;
  failures: number;
  knownKeys: Set<string>;
}

const KNOWN_KEYS_PER_ADDRESS = 16;

export function createAuthFailureLimiter(options: { limit: number; windowMs: number; maxAddresses?: number; now?: () => number }): AuthFailureLimiter {
  const now = options.now ?? Date.now;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const windows = new Map<string, Window>();
  const hashOf = (apiKey: string) => createHash("sha256").update(apiKey).digest("base64");

  function windowOf(address: string): Window {
    const at = now();
    let window = windows.get(address);
    if (window === undefined || at - window.startedAt >= options.windowMs) {
      const knownKeys = window?.knownKeys ?? new Set<string>();
      windows.delete(address);
      if (windows.size >= maxAddresses) windows.delete(windows.keys().next().value!);
      window = { startedAt: at, failures: 0, knownKeys };
      windows.set(address, window);
    }
    return window;
  }

  return {
    check(address, apiKey) {
      const window = windowOf(address);
      if (window.failures < options.limit || window.knownKeys.has(hashOf(apiKey))) return;
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + options.windowMs - now()) / 1000));
      throw new ApiError(429, "RATE_LIMITED", "too many failed authentications from this address; wait before trying again", {}, { retryable: true, retryAfterSeconds });
    },
    failed(address) {
      windowOf(address).failures++;
    },
    succeeded(address, apiKey) {
      const known = windowOf(address).knownKeys;
      if (known.size >= KNOWN_KEYS_PER_ADDRESS) known.delete(known.values().next().value!);
      known.add(hashOf(apiKey));
    },
  };
}
