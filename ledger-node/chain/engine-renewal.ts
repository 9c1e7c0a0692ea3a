import { readFileSync } from "node:fs";
import { freemem } from "node:os";

import type { Logger } from "pino";

import { EngineNotRenewedError } from "../errors";
import { restoreFromSnapshot } from "../snapshot/restore-snapshot";
import type { ChainMeta, ChainStore, StoredBlock } from "../store/chain-store";
import { applyBlock } from "./apply-block";
import { giveBackFreed, giveBackFreedLater, purgeWaitMs } from "./engine-allocator";
import type { EvmEngine } from "./evm-engine";
import { collectGarbage } from "./garbage-collection";
import type { ReadWriteLock } from "./read-write-lock";
import type { RenewableEngine } from "./renewable-engine";

/** How long after a renewal the old engine is collected. */
const RELEASE_AFTER_MS = 1_000;
/** Bytes in whole MB, as the node reports memory. */
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * Collects an engine the node no longer holds, soon (once the requests that last used it are done with it), not
 * whenever V8 next finds its own heap full, which an idle node may never: it is a small JavaScript object that owns
 * all of its memory. Then, once the allocator's purge delay has passed, lets the allocator give that memory back,
 * through the engine that serves on.
 */
function releaseSoon(serving: EvmEngine): void {
  setTimeout(() => {
    collectGarbage("major");
    giveBackFreedLater(serving);
  }, RELEASE_AFTER_MS).unref();
}

/** How often the node looks whether a renewal is due and the chain quiet. */
const CHECK_EVERY_MS = 1_000;
/**
 * What EDR's state takes per storage slot once built: measured 2.1-2.4 KB (ledger-node/README.md, "Restart": 4.7 GB
 * for 2 M slots, 12.0 GB for 6 M, resident after a start from the snapshot), 2.5 KB with a margin.
 */
const ENGINE_BYTES_PER_SLOT = 2_500;
/**
 * A new engine takes the old one's place only if it takes at most this share of the old one's memory: a hand-over
 * costs a build, and the old engine's memory comes back only once the allocator purges it. Measured at 1 M invoices
 * (`npm run bench -- --only scale`, 2 M slots): the new engine took 1,293 MB once the build's garbage was given back,
 * against ~3.1 GB for the running one; after 200,000 invoices in blocks of a few transactions each, 1,082 → 758 MB.
 */
const MAX_BUILT_SHARE = 0.8;

/**
 * Whether an engine just built is worth putting in the running one's place: resident memory before the build, less
 * the node's without any engine, is what the running engine takes (an estimate: the node's own heap grows a little
 * with time); the growth over the build, once the build's own garbage is given back, is what the new one takes
 * (what is left of that garbage errs towards keeping the running engine).
 */
export function builtEngineIsSmaller(resident: { withoutEngine: number; beforeBuild: number; afterBuild: number }): boolean {
  const running = resident.beforeBuild - resident.withoutEngine;
  const built = resident.afterBuild - resident.beforeBuild;
  return built <= running * MAX_BUILT_SHARE;
}

export interface RenewalPolicy {
  /**
   * A renewal is due once the engine has applied at least this many storage changes since it started, and at least
   * as many as the state it started from had slots: then its history weighs about as much as its state.
   */
  minChanges: number;
  /** A renewal that is due starts once no block has been applied for this long. */
  idleMs: number;
}

/** What the node reports of its engine (/health). */
export interface EngineStatus {
  /** The oldest block whose state the engine holds: the snapshot it started from (0: it replayed from genesis). */
  startedFrom: number;
  /** Storage changes the engine has applied since it started (counted from the snapshots written). */
  changesSinceStart: number;
  /** How many changes make the next renewal due. */
  renewAt: number;
  renewals: number;
  /**
   * The last renewal: the snapshot it started from and its slots, the blocks applied after it, the waiting
   * transactions handed over, how long it took, and how long of that the write lock was held (no block sealed, no
   * state read).
   */
  lastRenewal: { fromBlock: number; slots: number; blocksApplied: number; handedOver: number; ms: number; lockedMs: number; residentBeforeMb: number; builtMb: number } | null;
  /** Why the last renewal that was due did not take place, if it did not: a code, and the same for a person. */
  lastSkipped: SkipReason | null;
}

/** Why a renewal did not take place. */
export interface SkipReason {
  code: "NO_SNAPSHOT" | "SNAPSHOT_REFUSED" | "NOT_ENOUGH_MEMORY" | "NOT_SMALLER" | "STOPPING" | "FAILED";
  message: string;
}

/** What the renewal is told of the node, read when it is needed. */
export interface RenewalSubject {
  /** The newest block applied to the engine. */
  head(): StoredBlock;
  /** The block the state snapshot holds, and how many applied blocks wait to be traced into it. */
  snapshot(): { block: number | undefined; untraced: number };
  /** The signed transactions waiting in the engine's pool (the primary's; none on a standby). */
  pooled(): readonly string[];
}

/**
 * Keeps the engine's memory bounded by the state rather than by the history. EDR keeps every block it executed in
 * memory (transactions, receipts, each block's state changes) for as long as the engine lives, which the node
 * does not need: it serves history from its own store. Measured under a batch load: 0.5-2.3 KB per invoice once the
 * engine's working set is full (ledger-node/README.md), against ~1.1 KB per invoice of state.
 *
 * So once the engine's history weighs about as much as its state (`RenewalPolicy.minChanges`), and the chain has
 * been quiet for `idleMs` with the state snapshot at the head, a new engine is built from that snapshot
 * (snapshot/restore-snapshot.ts: used only if its state root is the chain's), the blocks applied meanwhile are
 * applied to it as a restart applies them (chain/apply-block.ts: each must rebuild to its journaled hash), and it
 * takes the old one's place under the write lock (no block sealed, no state read meanwhile): the transactions
 * waiting in the old engine's pool are handed to it, and `RenewableEngine` hands it every request from then on.
 * The old engine and its history are freed. An operator can also ask for a renewal now (`POST
 * /admin/engine/renew`), at a time of their choosing. Either way the new engine takes the old one's place only if it
 * took less memory than the running one takes (`MAX_BUILT_SHARE`): an engine built from a large snapshot can take
 * more than the engine it would replace, history and all; it is then dropped (`NOT_SMALLER`), and the next attempt
 * comes once the history has grown by as many changes as that state has slots.
 *
 * Why only when quiet: measured while a 360,000-invoice batch load went on, two renewals ended with the node at
 * 2,485 MB against 1,962 MB without (the new engine was built while the old one served: most likely their pages
 * interleaved, so the allocator could not give the old one's back), at 1,997 against 2,128 invoices/s, and each
 * held the write lock 1.3-1.5 s for the blocks sealed while it was built. Renewed in a quiet moment after 200,000
 * invoices, the node went from 1,366 to 758 MB, against 1,082 MB without (ledger-node/README.md).
 *
 * A renewal that fails (a snapshot that does not verify, a block that does not rebuild, a waiting transaction the new
 * engine refuses) leaves the engine as it was. The new engine holds no state before the snapshot's block: state
 * reads at older blocks are refused with STATE_NOT_AVAILABLE, as after a restart. Building a state costs time
 * (~15 µs of one core per slot) and, while both engines exist, memory: a renewal is skipped (and logged) unless
 * the machine has the new engine's memory available, reckoned at `ENGINE_BYTES_PER_SLOT` for every slot the state
 * may have (its slots at the start and every change since, as if each made a new one), a quarter more for margin.
 */
export class EngineRenewal {
  private changes = 0;
  private stateSlots: number;
  private renewing: Promise<void> | undefined;
  private stopped = false;
  /** Ends the wait for the new engine's memory to settle early: the node is stopping. */
  private wakeSettling: (() => void) | undefined;
  private renewals = 0;
  private lastRenewal: EngineStatus["lastRenewal"] = null;
  private lastSkipped: SkipReason | null = null;
  /** The head when the node last looked, and since when it has been there: the chain is quiet while it stays. */
  private quietHead: number;
  private quietSince = performance.now();
  /** The oldest block whose state the engine holds. */
  private floor: number;
  private readonly residentWithoutEngine: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly engine: RenewableEngine,
    private readonly store: ChainStore,
    private readonly meta: ChainMeta,
    private readonly lock: ReadWriteLock,
    private readonly logger: Logger,
    private readonly policy: RenewalPolicy,
    /**
     * The engine's start: the snapshot block it started from (0: genesis), how many storage slots that state had, and
     * the node's resident memory before it had an engine.
     */
    started: { fromBlock: number; slots: number; residentWithoutEngine: number },
    private readonly subject: RenewalSubject,
  ) {
    this.floor = started.fromBlock;
    this.stateSlots = started.slots;
    this.residentWithoutEngine = started.residentWithoutEngine;
    this.quietHead = subject.head().number;
    this.timer = setInterval(() => this.renewIfQuiet(), Math.min(CHECK_EVERY_MS, policy.idleMs));
    this.timer.unref();
  }

  /** The oldest block whose state the engine holds. */
  get stateFloor(): number {
    return this.floor;
  }

  status(): EngineStatus {
    return { startedFrom: this.floor, changesSinceStart: this.changes, renewAt: this.renewAt(), renewals: this.renewals, lastRenewal: this.lastRenewal, lastSkipped: this.lastSkipped };
  }

  /** Told of each state snapshot written, with the storage slots it changed. */
  snapshotWritten(slots: number): void {
    this.changes += slots;
  }

  /**
   * Renews the engine now, whatever its history (an operator's request), or waits for the renewal under way; answers
   * what the renewal did, or throws ENGINE_NOT_RENEWED with the reason.
   */
  async renewNow(): Promise<NonNullable<EngineStatus["lastRenewal"]>> {
    if (this.stopped) throw new EngineNotRenewedError("the node is stopping", { reason: "STOPPING" });
    const renewals = this.renewals;
    await (this.renewing ?? this.start());
    if (this.renewals === renewals) throw new EngineNotRenewedError(`the engine was not renewed: ${this.lastSkipped?.message}`, { reason: this.lastSkipped?.code });
    return this.lastRenewal!;
  }

  /** Waits for a renewal under way (the new engine's build, at most: nothing is handed over after this); none starts after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.wakeSettling?.();
    await this.renewing;
  }

  /** Waits until the allocator may give back what the build freed (or the node stops). */
  private async settle(): Promise<void> {
    await new Promise<void>((resume) => {
      const timer = setTimeout(resume, purgeWaitMs());
      this.wakeSettling = () => {
        clearTimeout(timer);
        resume();
      };
    });
    this.wakeSettling = undefined;
  }

  private renewAt(): number {
    return Math.max(this.policy.minChanges, this.stateSlots);
  }

  /**
   * Starts a renewal if one is due, no block has come for `idleMs` (the head has not moved since the node looked,
   * every second) and the snapshot is at the head.
   */
  private renewIfQuiet(): void {
    const head = this.subject.head().number;
    if (head !== this.quietHead) {
      this.quietHead = head;
      this.quietSince = performance.now();
    }
    if (this.stopped || this.renewing !== undefined || this.changes < this.renewAt()) return;
    if (performance.now() - this.quietSince < this.policy.idleMs) return;
    const snapshot = this.subject.snapshot();
    if (snapshot.untraced > 0 || snapshot.block !== head || this.subject.pooled().length > 0) return;
    void this.start();
  }

  private start(): Promise<void> {
    this.renewing = this.renew()
      .catch((error: unknown) => {
        this.skip("FAILED", `it failed: ${(error as Error).message}`);
        this.logger.error({ err: error }, "the engine could not be renewed: it goes on as it was");
      })
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }

  private async renew(): Promise<void> {
    const started = performance.now();
    const resident = process.memoryUsage.rss();
    const available = availableMemory();
    const needed = Math.round((this.stateSlots + this.changes) * ENGINE_BYTES_PER_SLOT * 1.25);
    if (available < needed) {
      this.skip("NOT_ENOUGH_MEMORY", `${mb(available)} MB of memory available, less than the ${mb(needed)} MB a new engine may need for a state of up to ${this.stateSlots + this.changes} slots`);
      return;
    }
    const restored = await restoreFromSnapshot(this.store, this.meta, this.logger);
    if (typeof restored === "string") {
      if (restored === "none") this.skip("NO_SNAPSHOT", "there is no state snapshot beyond genesis");
      else this.skip("SNAPSHOT_REFUSED", "the state snapshot does not verify");
      return;
    }
    // A node stopping waits for the build (EDR's cannot be interrupted), but hands nothing over.
    if (this.stopped) {
      this.skip("STOPPING", "the node is stopping");
      return;
    }
    // The snapshot's copy in JavaScript, read for the build, is garbage now: collected first, so that what the build
    // added is the engine's.
    collectGarbage("major");
    // EDR builds the state's trie twice and frees the first: read at once, an engine built from 2 M slots looked
    // 4.3-4.8 GB, once the allocator had given that back 1.3-1.4 GB (measured 2026-11-27). So it is read again then,
    // and the smaller reading taken: the first overstates it by the build's garbage, the second by what the running
    // engine took meanwhile (blocks applied, a standby following under load).
    const atOnce = process.memoryUsage.rss();
    await this.settle();
    await giveBackFreed(restored.engine);
    if (this.stopped) {
      releaseSoon(this.engine);
      this.skip("STOPPING", "the node is stopping");
      return;
    }
    const built = Math.min(atOnce, process.memoryUsage.rss());
    if (!builtEngineIsSmaller({ withoutEngine: this.residentWithoutEngine, beforeBuild: resident, afterBuild: built })) {
      // The new engine is dropped and the running one serves on.
      releaseSoon(this.engine);
      // The next attempt once the history has grown by as much as this state again.
      this.stateSlots = restored.loaded.slots;
      this.skip("NOT_SMALLER", `the engine built from the snapshot took ${mb(built - resident)} MB, not enough less than the ${mb(resident - this.residentWithoutEngine)} MB the running one takes: it was dropped`);
      return;
    }
    // The blocks applied since the snapshot, while the engine of the moment serves; the last ones under the lock.
    let head = await this.catchUp(restored.engine, restored.head);
    let lockedMs = 0;
    let handedOver = 0;
    await this.lock.write(async () => {
      const locked = performance.now();
      await this.engine.replace(async () => {
        head = await this.catchUp(restored.engine, head);
        // In pool order; a copy that the old engine refused is not in the pool any more.
        const waiting = this.subject.pooled();
        for (const raw of waiting) await restored.engine.request("eth_sendRawTransaction", [raw]);
        handedOver = waiting.length;
        this.floor = restored.head.number;
        return restored.engine;
      });
      lockedMs = performance.now() - locked;
    });
    releaseSoon(restored.engine); // the old engine
    this.renewals++;
    this.changes = 0;
    this.stateSlots = restored.loaded.slots;
    this.lastSkipped = null;
    this.lastRenewal = { fromBlock: restored.head.number, slots: restored.loaded.slots, blocksApplied: head.number - restored.head.number, handedOver, ms: Math.round(performance.now() - started), lockedMs: Math.round(lockedMs), residentBeforeMb: mb(resident), builtMb: mb(built - resident) };
    this.logger.info(this.lastRenewal, "engine renewed from the state snapshot: the old engine and its history are freed");
  }

  /** Applies to `engine` the journaled blocks after `from`, up to the store's head; returns the last one applied. */
  private async catchUp(engine: EvmEngine, from: StoredBlock): Promise<StoredBlock> {
    let head = from;
    const to = (await this.store.head())?.number ?? from.number;
    for (let number = from.number + 1; number <= to; number++) {
      const block = await this.store.block(number);
      if (block === undefined) throw new Error(`block ${number} is missing from the chain store`);
      await applyBlock(engine, this.store, this.meta, head, block);
      head = block;
    }
    return head;
  }

  private skip(code: SkipReason["code"], why: string): void {
    // Counted again from zero: the next attempt comes after as many changes again.
    this.changes = 0;
    this.lastSkipped = { code, message: why };
    this.logger.warn({ code, why }, "engine renewal skipped");
  }
}

/** Memory the system can give without swapping (Linux: MemAvailable), else what it reports free. */
function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"));
    if (match !== null) return Number(match[1]) * 1024;
  } catch {
    // not Linux: no /proc
  }
  return freemem();
}
