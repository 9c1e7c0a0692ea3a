import type { Logger } from "pino";

import { applyBlock } from "../chain/apply-block";
import type { EvmEngine } from "../chain/evm-engine";
import type { ReadWriteLock } from "../chain/read-write-lock";
import { StoreCorruptedError } from "../errors";
import type { ChainMeta, ChainStore, ServedBlock, StoredBlock } from "../store/chain-store";
import type { HeadRecord } from "../store/head-record";
import { primaryRequest } from "./primary-client";
import type { PullAnswer } from "./replication-source";

/** How long one pull waits at the primary for a new block, and the pause after a failed pull. */
const PULL_WAIT_MS = 1_000;
const RETRY_MS = 500;

export interface FollowerOptions {
  primaryUrl: string;
  primaryToken: string;
  /** The name this standby gives itself at the primary (its status and logs show it). */
  standbyId: string;
  engine: EvmEngine;
  store: ChainStore;
  meta: ChainMeta;
  headRecord: HeadRecord;
  lock: ReadWriteLock;
  logger: Logger;
  /** Called after each applied block, once it is journaled here and visible. */
  onApplied(block: StoredBlock): void;
  /** Called with each applied block's header, still under the write lock (the snapshot writer traces it then). */
  afterBlock(header: ServedBlock): Promise<void>;
  /** Called when the primary's chain cannot be followed (a block that does not verify): the standby stops following. */
  onDiverged(error: unknown): void;
}

/**
 * A standby's replication loop: pulls the primary's journal after its own head, applies each block exactly as a
 * replay does (apply-block.ts: seal, parent link, re-execution to the same hash), and journals it with its
 * header and receipts in one synced batch before asking for more, which is what tells the primary that the
 * block is safe here. Its state stays current, so taking over is a matter of starting to seal.
 */
export class Follower {
  private head: StoredBlock;
  private primaryHead = 0;
  private connected = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly loop: Promise<void>;

  constructor(private readonly options: FollowerOptions, head: StoredBlock) {
    this.head = head;
    this.loop = this.run();
  }

  get headBlock(): StoredBlock {
    return this.head;
  }

  status(): { following: string; connected: boolean; primaryHead: number; lagBlocks: number } {
    return { following: this.options.primaryUrl, connected: this.connected, primaryHead: this.primaryHead, lagBlocks: Math.max(0, this.primaryHead - this.head.number) };
  }

  /** Stops pulling; resolves when no block is being applied any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    while (!this.stopped) {
      let answer: PullAnswer;
      try {
        answer = await primaryRequest<PullAnswer>(this.options.primaryUrl, this.options.primaryToken, "/admin/replication/pull", { standby: this.options.standbyId, after: this.head.number, waitMs: PULL_WAIT_MS }, this.abort.signal);
      } catch (error) {
        if (this.stopped) return;
        if (this.connected) logger.warn({ err: error, primary: this.options.primaryUrl }, "the primary does not answer; retrying");
        this.connected = false;
        // A pause before the next try, cut short by stop() (a promotion must not wait for it).
        await new Promise<void>((done) => {
          const finish = () => {
            clearTimeout(timer);
            this.abort.signal.removeEventListener("abort", finish);
            done();
          };
          const timer = setTimeout(finish, RETRY_MS);
          this.abort.signal.addEventListener("abort", finish, { once: true });
        });
        continue;
      }
      if (!this.connected) logger.info({ primary: this.options.primaryUrl, head: this.head.number, primaryHead: answer.head }, "following the primary");
      this.connected = true;
      this.primaryHead = answer.head;
      try {
        if (answer.head < this.head.number) {
          throw new StoreCorruptedError(`the primary's chain ends at block ${answer.head}, below this standby's ${this.head.number}: it is not the chain this standby follows`, { primaryHead: answer.head, head: this.head.number });
        }
        for (const block of answer.blocks) {
          if (this.stopped) return;
          await this.apply(block);
        }
      } catch (error) {
        this.stopped = true;
        this.options.onDiverged(error);
        return;
      }
    }
  }

  private async apply(block: StoredBlock): Promise<void> {
    const { engine, store, meta, headRecord, lock } = this.options;
    await lock.write(async () => {
      const record = await applyBlock(engine, store, meta, this.head, block);
      await store.append([{ block, record }]);
      await headRecord.write({ number: block.number, hash: block.hash });
      this.head = block;
      await this.options.afterBlock(record.header);
    });
    this.options.onApplied(block);
  }
}
