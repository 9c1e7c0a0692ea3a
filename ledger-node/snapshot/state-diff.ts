/**
 * Changes to the world state, merged block after block: what a state snapshot is brought forward by.
 * Values are hex strings as JSON-RPC gives them (lowercase, `0x`-prefixed); `null` deletes.
 */
export interface AccountChange {
  nonce?: string;
  balance?: string;
  code?: string;
  /** slot (32-byte hex) -> value (32-byte hex), or null when the slot became zero. */
  storage: Map<string, string | null>;
  /** The account was deleted (all its fields and storage). */
  deleted?: boolean;
}

export type StateDiff = Map<string, AccountChange>;

/** What `debug_traceTransaction` with `{ tracer: "prestateTracer", tracerConfig: { diffMode: true } }` answers. */
export interface PrestateDiff {
  pre: Record<string, TracedAccount>;
  post: Record<string, TracedAccount>;
}

interface TracedAccount {
  balance?: string;
  nonce?: number | string;
  code?: string;
  storage?: Record<string, string>;
}

const word = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}`;

function changeOf(diff: StateDiff, address: string): AccountChange {
  const key = address.toLowerCase();
  let change = diff.get(key);
  if (change === undefined) {
    change = { storage: new Map() };
    diff.set(key, change);
  }
  return change;
}

/**
 * Merges one transaction's prestate diff. In diff mode (geth's semantics, which EDR follows) `pre` and `post`
 * hold only what changed; a slot in `pre` but not in `post` became zero, an account in `pre` but not in `post`
 * was deleted.
 */
export function addTransactionDiff(diff: StateDiff, traced: PrestateDiff): void {
  for (const [address, before] of Object.entries(traced.pre)) {
    const after = traced.post[address];
    if (after === undefined) {
      diff.set(address.toLowerCase(), { storage: new Map(), deleted: true });
      continue;
    }
    const change = changeOf(diff, address);
    for (const slot of Object.keys(before.storage ?? {})) if (after.storage?.[slot] === undefined) change.storage.set(slot.toLowerCase(), null);
  }
  for (const [address, after] of Object.entries(traced.post)) {
    const change = changeOf(diff, address);
    if (change.deleted === true && traced.pre[address] === undefined) delete change.deleted; // created again
    if (after.nonce !== undefined) change.nonce = `0x${BigInt(after.nonce).toString(16)}`;
    if (after.balance !== undefined) change.balance = `0x${BigInt(after.balance).toString(16)}`;
    if (after.code !== undefined) change.code = after.code.toLowerCase();
    for (const [slot, value] of Object.entries(after.storage ?? {})) change.storage.set(slot.toLowerCase(), BigInt(value) === 0n ? null : word(BigInt(value)));
  }
}
