import type { Logger } from "pino";

import type { EvmEngine } from "../chain/evm-engine";
import type { ChainStore, ServedBlock, SnapshotMark } from "../store/chain-store";
import { addTransactionDiff, type PrestateDiff, type StateDiff } from "./state-diff";

export interface SnapshotPolicy {
  /** A snapshot is written at least every this many blocks... */
  everyBlocks: number;
  /** ...or when this long has passed since the last one, whichever comes first (with at least one block to add). */
  everyMs: number;
}

/**
 * Keeps the node's state snapshot current: the world state at some block S, flat in LevelDB (every account's
 * nonce, balance and code, every non-zero storage slot), which a restart loads into a new engine instead of
 * re-executing blocks 1..S (restore-snapshot.ts).
 *
 * The engine has no way to list its state (EDR: no state dump, no storage range), so the snapshot is brought
 * forward from the changes of each block: every transaction's prestate diff (`debug_traceTransaction` with
 * the `prestateTracer` in diff mode). Nothing else changes the state here: no block reward, no fee (gas is not
 * charged), no withdrawals, and EDR makes no EIP-4788 system call (the beacon roots contract's storage stays
 * empty, which the state root check at every restore confirms).
 *
 * Each block is traced by whoever applied it to the engine (the sealer, the start's replay, a standby's
 * follower), at once and before the next block is applied (`traceBlock`): tracing re-executes the block from
 * its parent's state, which the engine then still holds among its newest (engine-state-cache.ts). The sealer
 * traces after releasing the write lock, so that clients read the new block meanwhile. A writer that
 * traced behind the sealer, as this one did before, needed the engine to keep every block's state for as long
 * as it might lag, and EDR keeps 100,000 of them by default: memory that grew with history.
 * The changes of several blocks are merged in memory and written with the new mark in one synced atomic batch,
 * every `everyBlocks` blocks or `everyMs`, and at shutdown, so a snapshot is always whole: the state after some
 * block, never half of one. A trace or a write that fails stops the writer (the snapshot stays at its last
 * mark, which a restart uses and replays after), since a snapshot that missed a block's changes must never be
 * written.
 */
export class SnapshotWriter {
  private stopped = false;
  private failed = false;
  private diff: StateDiff = new Map();
  private pending = 0;
  private since = performance.now();
  /** The mark of the newest block traced: what the next write names. */
  private tracedMark: SnapshotMark;
  private committing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  /** The writer of the chain's snapshot, from its mark on (the store must have one: writeInitialSnapshot). */
  static async open(engine: EvmEngine, store: ChainStore, policy: SnapshotPolicy, logger: Logger): Promise<SnapshotWriter> {
    const mark = await store.snapshotMark();
    if (mark === undefined) throw new Error("the chain has no initial snapshot");
    return new SnapshotWriter(engine, store, policy, logger, mark);
  }

  private constructor(
    private readonly engine: EvmEngine,
    private readonly store: ChainStore,
    private readonly policy: SnapshotPolicy,
    private readonly logger: Logger,
    private mark: SnapshotMark,
  ) {
    this.tracedMark = mark;
    // An idle chain still gets what was traced written, `everyMs` after the last write.
    this.timer = setInterval(() => {
      if (this.pending > 0 && performance.now() - this.since >= this.policy.everyMs) this.commitSoon();
    }, Math.min(1_000, this.policy.everyMs));
    this.timer.unref();
  }

  /** The newest block whose state the snapshot holds. */
  get snapshotBlock(): number | undefined {
    return this.mark.number;
  }

  /** The last snapshot written: its block, how long the synced batch took, what it changed. */
  lastWrite: { block: number; ms: number; accounts: number; slots: number } | undefined;

  /**
   * Adds the changes of the block `header` names (its transactions, hash and state root: no store read). Called
   * by whoever has just applied the block to the engine, before it applies the next, for every block in order;
   * blocks the snapshot already holds (a whole replay below its mark) are passed over.
   */
  async traceBlock(header: ServedBlock): Promise<void> {
    const number = Number(header.number);
    const traced = this.tracedMark.number;
    if (this.failed || this.stopped || number <= traced) return;
    try {
      if (number !== traced + 1) throw new Error(`block ${number} was applied after block ${traced}: the snapshot would miss the blocks between`);
      const traces: PrestateDiff[] = [];
      for (const hash of header.transactions) traces.push(await this.engine.request<PrestateDiff>("debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]));
      // All of the block or none of it: a write that starts while a block is being traced (the timer below)
      // holds the state after the previous block, never part of this one.
      for (const traced of traces) addTransactionDiff(this.diff, traced);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.tracedMark = { number, hash: header.hash, stateRoot: header.stateRoot as string };
    this.pending++;
    if (this.pending >= this.policy.everyBlocks || performance.now() - this.since >= this.policy.everyMs) this.commitSoon();
  }

  /** Writes what has been traced and stops tracing (at shutdown: the next start replays less). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.committing;
    if (this.pending > 0 && !this.failed) await this.commit();
  }

  private commitSoon(): void {
    this.committing ??= this.commit().finally(() => {
      this.committing = undefined;
    });
  }

  private async commit(): Promise<void> {
    // Blocks traced while this batch is written go into the next one.
    const mark = this.tracedMark;
    const diff = this.diff;
    this.diff = new Map();
    this.pending = 0;
    this.since = performance.now();
    try {
      const started = performance.now();
      await this.store.writeSnapshot(mark, diff);
      this.mark = mark;
      let slots = 0;
      for (const change of diff.values()) slots += change.storage.size;
      this.lastWrite = { block: mark.number, ms: Math.round(performance.now() - started), accounts: diff.size, slots };
      this.logger.debug(this.lastWrite, "state snapshot written");
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.diff = new Map();
    // A snapshot is an optimisation of the restart: without one the node replays the journal, never serves less.
    this.logger.error({ err: error, snapshot: this.mark.number }, "the state snapshot could not be brought forward; restarts replay the journal from the last good snapshot");
  }
}
