import type { Logger } from "pino";

import type { EvmEngine } from "../chain/evm-engine";
import type { ReadWriteLock } from "../chain/read-write-lock";
import type { ChainStore, SnapshotMark } from "../store/chain-store";
import { addTransactionDiff, type PrestateDiff, type StateDiff } from "./state-diff";

export interface SnapshotPolicy {
  /** A snapshot is written at least every this many blocks... */
  everyBlocks: number;
  /** ...or when this long has passed since the last one, whichever comes first (with at least one block to add). */
  everyMs: number;
}

/**
 * Keeps the node's state snapshot current, in the background: the world state at some block S, flat in LevelDB
 * (every account's nonce, balance and code, every non-zero storage slot), which a restart loads into a new engine
 * instead of re-executing blocks 1..S (restore-snapshot.ts).
 *
 * The engine has no way to list its state (EDR: no state dump, no storage range), so the snapshot is brought
 * forward from the changes of each block: every transaction's prestate diff (`debug_traceTransaction` with
 * the `prestateTracer` in diff mode). Nothing else changes the state here: no block reward, no fee (gas is not
 * charged), no withdrawals, and EDR makes no EIP-4788 system call (the beacon roots contract's storage stays
 * empty, which the state root check at every restore confirms).
 * The changes of several blocks are merged in memory and written with the new mark in one synced atomic batch,
 * so a snapshot is always whole: the state after some block, never half of one. Tracing costs engine time
 * (each trace re-executes the block up to its transaction), so the writer works behind the sealer: it traces
 * one block at a time under the read lock and then waits as long as that took, which leaves the sealer at least
 * half of the engine whatever the load; a restart replays whatever the snapshot had not reached.
 */
export class SnapshotWriter {
  private stopped = false;
  private mark: SnapshotMark | undefined;
  private readonly loop: Promise<void>;
  private wake: (() => void) | undefined;

  constructor(
    private readonly engine: EvmEngine,
    private readonly store: ChainStore,
    private readonly lock: ReadWriteLock,
    private readonly head: () => number,
    private readonly policy: SnapshotPolicy,
    private readonly logger: Logger,
  ) {
    this.loop = this.run().catch((error: unknown) => {
      // A snapshot is an optimisation of the restart: without one the node replays the journal, never serves less.
      this.logger.error({ err: error }, "the state snapshot could not be written; restarts replay the journal from the last good snapshot");
    });
  }

  /** The newest block whose state the snapshot holds. */
  get snapshotBlock(): number | undefined {
    return this.mark?.number;
  }

  /** The last snapshot written: its block, how long the synced batch took, what it changed. */
  lastWrite: { block: number; ms: number; accounts: number; slots: number } | undefined;

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    this.mark = await this.store.snapshotMark();
    if (this.mark === undefined) throw new Error("the chain has no initial snapshot");
    let diff: StateDiff = new Map();
    let pending = 0;
    let since = performance.now();
    let number = this.mark.number;
    while (!this.stopped) {
      if (number >= this.head()) {
        // Caught up: look again in a second (or at once when stopped).
        await new Promise<void>((done) => {
          this.wake = done;
          setTimeout(done, 1_000).unref();
        });
        this.wake = undefined;
        if (pending > 0 && performance.now() - since >= this.policy.everyMs) ({ diff, pending, since } = await this.commit(number, diff));
        continue;
      }
      const started = performance.now();
      await this.trace(number + 1, diff);
      number++;
      pending++;
      if (pending >= this.policy.everyBlocks || performance.now() - since >= this.policy.everyMs) ({ diff, pending, since } = await this.commit(number, diff));
      // Behind the sealer: as long a pause as the tracing took.
      await new Promise((done) => setTimeout(done, Math.max(1, performance.now() - started)));
    }
    // At shutdown, what has been traced is kept: the next start replays less.
    if (pending > 0) await this.commit(number, diff);
  }

  private async trace(number: number, diff: StateDiff): Promise<void> {
    const header = await this.store.header(number);
    if (header === undefined) throw new Error(`block ${number} has no stored header`);
    for (const hash of header.transactions) {
      const traced = await this.lock.read(() => this.engine.request<PrestateDiff>("debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]));
      addTransactionDiff(diff, traced);
    }
  }

  private async commit(number: number, diff: StateDiff): Promise<{ diff: StateDiff; pending: number; since: number }> {
    const header = await this.store.header(number);
    if (header === undefined) throw new Error(`block ${number} has no stored header`);
    const started = performance.now();
    this.mark = { number, hash: header.hash, stateRoot: header.stateRoot as string };
    await this.store.writeSnapshot(this.mark, diff);
    let slots = 0;
    for (const change of diff.values()) slots += change.storage.size;
    this.lastWrite = { block: number, ms: Math.round(performance.now() - started), accounts: diff.size, slots };
    this.logger.debug(this.lastWrite, "state snapshot written");
    return { diff: new Map(), pending: 0, since: performance.now() };
  }
}
