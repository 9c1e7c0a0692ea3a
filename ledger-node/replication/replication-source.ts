import type { Logger } from "pino";

import type { ChainStore, StoredBlock } from "../store/chain-store";

/** What a standby's pull is answered: the primary's journaled head and the next journaled blocks. */
export interface PullAnswer {
  head: number;
  blocks: StoredBlock[];
}

export interface StandbyStatus {
  id: string;
  /** The newest block the standby has journaled (it says so by asking for the blocks after it). */
  confirmed: number;
  lagBlocks: number;
  lastPullMsAgo: number;
}

/** Blocks per answer, and the bytes of raw transactions after which an answer stops adding blocks. */
const MAX_BLOCKS_PER_PULL = 256;
const MAX_BYTES_PER_PULL = 8 * 1024 * 1024;
const WARN_EVERY_MS = 5_000;

/**
 * The primary's side of replication: standbys pull the journal from it (`POST /admin/replication/pull`), each
 * pull saying how far the standby has durably journaled (PostgreSQL's streaming replication, where the standby
 * reports its flushed position, is the model).
 *
 * With `sync` on, a sealed block becomes visible to clients (its receipts, its state) only once a standby has
 * confirmed it, so that nothing acknowledged is lost when the standby takes over after the primary is gone; the
 * sealer waits in `journaled`, and says so in the log every few seconds while no standby confirms (writes stop
 * rather than acknowledge what only one machine holds, as PostgreSQL's synchronous_commit does). With `sync` off,
 * standbys follow as fast as they can and a takeover can lose the blocks they had not pulled yet.
 */
export class ReplicationSource {
  private readonly standbys = new Map<string, { confirmed: number; lastPull: number }>();
  private readonly newBlockWaiters = new Set<() => void>();
  private readonly confirmationWaiters = new Set<() => void>();
  private journaledHead: number;
  private stopped = false;

  constructor(
    private readonly store: ChainStore,
    head: number,
    /** Whether blocks wait for a standby; set once the chain is deployed (a standby can only start after that). */
    public sync: boolean,
    private readonly logger: Logger,
  ) {
    this.journaledHead = head;
  }

  /**
   * Called by the sealer once block `number` is journaled here; in synchronous mode it resolves when a standby
   * has confirmed the block too.
   */
  async journaled(number: number): Promise<void> {
    this.journaledHead = number;
    for (const wake of this.newBlockWaiters) wake();
    this.newBlockWaiters.clear();
    if (!this.sync) return;
    const started = Date.now();
    let warned = started;
    // At shutdown (the server no longer answers anyone) the wait ends: nothing waiting is acknowledged to a client.
    while (this.bestConfirmed() < number && !this.stopped) {
      await new Promise<void>((done) => {
        const wake = () => {
          clearTimeout(timer);
          this.confirmationWaiters.delete(wake);
          done();
        };
        const timer = setTimeout(wake, 1_000);
        this.confirmationWaiters.add(wake);
      });
      if (Date.now() - warned >= WARN_EVERY_MS) {
        warned = Date.now();
        this.logger.warn({ block: number, waitedMs: warned - started, standbys: this.status() }, "no standby has confirmed the newest block; it is not acknowledged to clients until one does (LEDGER_SYNC_STANDBY)");
      }
    }
  }

  /** A standby's pull: records its confirmation, then answers the blocks after `after`, waiting up to `waitMs` for one. */
  async pull(standby: string, after: number, waitMs: number): Promise<PullAnswer> {
    this.confirm(standby, after);
    if (after >= this.journaledHead && waitMs > 0) {
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          this.newBlockWaiters.delete(wake);
          done();
        }, waitMs);
        const wake = () => {
          clearTimeout(timer);
          done();
        };
        this.newBlockWaiters.add(wake);
      });
    }
    const head = this.journaledHead;
    const blocks: StoredBlock[] = [];
    let bytes = 0;
    for (let number = after + 1; number <= head && blocks.length < MAX_BLOCKS_PER_PULL && bytes < MAX_BYTES_PER_PULL; number++) {
      const block = await this.store.block(number);
      if (block === undefined) break;
      blocks.push(block);
      bytes += block.transactions.reduce((sum, raw) => sum + raw.length / 2, 0);
    }
    return { head, blocks };
  }

  status(): StandbyStatus[] {
    const now = Date.now();
    return [...this.standbys].map(([id, { confirmed, lastPull }]) => ({ id, confirmed, lagBlocks: Math.max(0, this.journaledHead - confirmed), lastPullMsAgo: now - lastPull }));
  }

  /** At shutdown: wakes every waiting pull, so that standbys hear of it at once, and ends the sealer's wait. */
  stop(): void {
    this.stopped = true;
    for (const wake of this.newBlockWaiters) wake();
    this.newBlockWaiters.clear();
    for (const wake of [...this.confirmationWaiters]) wake();
  }

  private confirm(standby: string, after: number): void {
    const known = this.standbys.get(standby);
    // A standby's journal only grows; a smaller number is a standby that was restored from an older backup.
    this.standbys.set(standby, { confirmed: Math.min(after, this.journaledHead), lastPull: Date.now() });
    if (known === undefined) this.logger.info({ standby, from: after }, "a standby is following this node");
    for (const wake of [...this.confirmationWaiters]) wake();
  }

  private bestConfirmed(): number {
    let best = -1;
    for (const { confirmed } of this.standbys.values()) best = Math.max(best, confirmed);
    return best;
  }
}
