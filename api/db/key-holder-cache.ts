import type { KeyHolderRow } from "./api-keys";

/** The channel migration 0013's triggers notify (written there as it is here: a migration never changes). */
export const CREDENTIALS_CHANNEL = "credentials_changed";

/**
 * The key holders (api-keys.ts `findKeyHolder`) this process read, by key hash, so that a request does not read
 * its key and its party's status from the database each time (a round trip per request, and a query for
 * PostgreSQL: about a tenth of the CPU of a single issue request in all, measured by the issue bench).
 *
 * It remembers only while it hears of every change: every statement that changes keys, participants or their
 * statuses notifies `credentials_changed` (migration 0013), which every API instance listens to
 * (notice-listener.ts) and which empties this cache; a change made by this process empties it at once
 * (`invalidate`), before the change is answered. While the listening connection is down, nothing is remembered
 * or served from memory. A read that was under way when a change came is not remembered (`generation`): it may
 * have read the row as it was before. What a holder row decides with the clock (a key's expiry) is decided
 * again at each use, by the caller.
 */
export class KeyHolderCache {
  private readonly entries = new Map<string, KeyHolderRow>();
  private generation = 0;
  private listening = false;

  constructor(
    private readonly read: (keyHash: string) => Promise<KeyHolderRow | undefined>,
    /** At most this many holders; 0 switches the cache off. */
    private readonly maxEntries: number,
  ) {}

  async find(keyHash: string): Promise<KeyHolderRow | undefined> {
    if (this.listening) {
      const held = this.entries.get(keyHash);
      if (held !== undefined) return held;
    }
    const generation = this.generation;
    const row = await this.read(keyHash);
    // Unknown keys are not remembered: a guesser's keys would push out the holders of real ones.
    if (row !== undefined && this.listening && generation === this.generation && this.maxEntries > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(keyHash, row);
    }
    return row;
  }

  /** Something that authentication reads changed: forget everything, and any read under way. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Whether every change is being heard of (the notice listener's state); either way, what was held may be stale. */
  setListening(on: boolean): void {
    this.listening = on;
    this.invalidate();
  }

  get size(): number {
    return this.entries.size;
  }
}
