import type { Logger } from "pino";

import type { EnginePriority } from "../chain/engine-priority";
import { MAX_UNTRACED_BLOCKS } from "../chain/engine-state-cache";
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
 * Whoever applies a block to the engine (the sealer, the start's replay, a standby's follower) hands it over
 * (`blockApplied`), in order; the writer traces the blocks handed over in the background, one transaction
 * at a time, each when no block is being mined nor a transaction admitted (`EnginePriority`; once half the
 * blocks allowed wait, in turn with them instead): tracing is the larger part of the engine's
 * work under load (EDR re-executes a block's earlier transactions before the traced one), and a block that
 * clients wait for is no longer mined after it. A block's parent state must still be among the engine's newest
 * when it is traced, so at most `MAX_UNTRACED_BLOCKS` wait; a writer that traced behind the sealer without bound,
 * as this one once did, needed the engine to keep every block's state for as long as it might lag, and EDR keeps
 * 100,000 of them by default: memory that grew with history.
 *
 * The changes of several blocks are merged in memory and written with the new mark in one synced atomic batch,
 * every `everyBlocks` blocks or `everyMs`, and at shutdown (after tracing whatever was handed over), so a
 * snapshot is always whole: the state after some block, never half of one. A trace or a write that fails stops
 * the writer (the snapshot stays at its last mark, which a restart uses and replays after), since a snapshot
 * that missed a block's changes must never be written; so does a block handed over out of order, once the
 * blocks before it are traced and written.
 */
export class SnapshotWriter {
  private stopped = false;
  private failed = false;
  /** A block came out of order: nothing after it is accepted. */
  private closed = false;
  private diff: StateDiff = new Map();
  private pending = 0;
  private since = performance.now();
  /** The mark of the newest block traced: what the next write names. */
  private tracedMark: SnapshotMark;
  /** The newest block handed over. */
  private handedOver: number;
  /** Blocks handed over and not traced yet, oldest first. */
  private readonly untraced: ServedBlock[] = [];
  private tracing: Promise<void> | undefined;
  /** Woken each time a block is traced (or the writer stops tracing). */
  private progressed: (() => void)[] = [];
  /** Woken each time a block is handed over. */
  private arrivals: (() => void)[] = [];
  private committing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  /**
   * The writer of the chain's snapshot, from its mark on (the store must have one: writeInitialSnapshot); its traces
   * yield to the urgent work of `priority`, the one the sealer, the replay and the follower mark theirs with.
   */
  static async open(engine: EvmEngine, store: ChainStore, policy: SnapshotPolicy, logger: Logger, priority: EnginePriority): Promise<SnapshotWriter> {
    const mark = await store.snapshotMark();
    if (mark === undefined) throw new Error("the chain has no initial snapshot");
    return new SnapshotWriter(engine, store, policy, logger, priority, mark);
  }

  private constructor(
    private readonly engine: EvmEngine,
    private readonly store: ChainStore,
    private readonly policy: SnapshotPolicy,
    private readonly logger: Logger,
    private readonly priority: EnginePriority,
    private mark: SnapshotMark,
  ) {
    this.tracedMark = mark;
    this.handedOver = mark.number;
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

  /** Blocks handed over and not traced yet. */
  get untracedBlocks(): number {
    return this.untraced.length;
  }

  /** The last snapshot written: its block, how long the synced batch took, what it changed, and when (ISO 8601). */
  lastWrite: { block: number; ms: number; accounts: number; slots: number; at: string } | undefined;

  /** Told of each snapshot written (the engine's renewal counts the storage changes). */
  onWritten: ((written: { block: number; slots: number }) => void) | undefined;

  /**
   * Hands over the block `header` names (its transactions, hash and state root: no store read), just applied to
   * the engine; every block, in order. Blocks the snapshot already holds (a whole replay below its mark) are
   * passed over. Resolves at once, unless `MAX_UNTRACED_BLOCKS` are waiting: then once one of them is traced.
   */
  async blockApplied(header: ServedBlock): Promise<void> {
    const number = Number(header.number);
    if (this.failed || this.stopped || this.closed || number <= this.handedOver) return;
    if (number !== this.handedOver + 1) {
      this.closed = true;
      this.logger.error({ block: number, after: this.handedOver, snapshot: this.mark.number }, "a block was applied out of order: the state snapshot stops after the blocks before it; restarts replay the journal from there");
      return;
    }
    this.handedOver = number;
    this.untraced.push(header);
    this.wakeArrivals();
    this.traceSoon();
    while (this.untraced.length > MAX_UNTRACED_BLOCKS && !this.failed) await new Promise<void>((resume) => this.progressed.push(resume));
  }

  /** Writes what has been handed over, once traced, and stops (at shutdown: the next start replays less). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.wakeArrivals();
    while (this.tracing !== undefined) await this.tracing;
    await this.committing;
    if (this.pending > 0 && !this.failed) await this.commit();
  }

  /**
   * Starts tracing the blocks waiting unless it is under way. A block handed over after the tracing found none
   * left, but before it ended, is taken up by another round once it has.
   */
  private traceSoon(): void {
    if (this.tracing !== undefined) return;
    // Only this round's end clears `tracing`, so no other round can have started meanwhile.
    this.tracing = this.traceWaiting().finally(() => {
      this.tracing = undefined;
      if (this.untraced.length > 0 && !this.failed) this.traceSoon();
    });
  }

  /** Traces the blocks waiting, oldest first, each whole or not at all, until none waits. */
  private async traceWaiting(): Promise<void> {
    while (this.untraced.length > 0 && !this.failed) {
      const header = this.untraced[0]!;
      try {
        const traces: PrestateDiff[] = [];
        for (const hash of header.transactions) {
          await this.turn();
          traces.push(await this.engine.request<PrestateDiff>("debug_traceTransaction", [hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]));
        }
        // All of the block or none of it: a write that starts while a block is being traced (the timer) holds
        // the state after the previous block, never part of this one.
        for (const traced of traces) addTransactionDiff(this.diff, traced);
      } catch (error) {
        this.fail(error);
        break;
      }
      this.untraced.shift();
      this.tracedMark = { number: Number(header.number), hash: header.hash, stateRoot: header.stateRoot as string };
      this.pending++;
      if (this.pending >= this.policy.everyBlocks || performance.now() - this.since >= this.policy.everyMs) this.commitSoon();
      this.wakeWaiting();
    }
    this.wakeWaiting();
  }

  /**
   * Waits until no urgent work is under way, or until more than half the blocks allowed wait: a steady stream of
   * urgent work (transactions admitted one after another) must not hold the tracing back until the sealer waits
   * for it; from then on traces take their turn with it. At shutdown nothing waits.
   */
  private async turn(): Promise<void> {
    while (this.priority.busy && this.untraced.length <= MAX_UNTRACED_BLOCKS / 2 && !this.stopped) {
      await Promise.race([this.priority.whenIdle(), new Promise<void>((resume) => this.arrivals.push(resume))]);
    }
  }

  private wakeArrivals(): void {
    const arrivals = this.arrivals;
    this.arrivals = [];
    for (const resume of arrivals) resume();
  }

  private wakeWaiting(): void {
    const waiting = this.progressed;
    this.progressed = [];
    for (const resume of waiting) resume();
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
      this.lastWrite = { block: mark.number, ms: Math.round(performance.now() - started), accounts: diff.size, slots, at: new Date().toISOString() };
      this.logger.debug(this.lastWrite, "state snapshot written");
      this.onWritten?.(this.lastWrite);
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
