import type { SigningKey } from "ethers";
import type { Logger } from "pino";

import type { ChainStore, StoredBlock } from "../store/chain-store";
import type { Admission } from "./admission";
import { sealBlock } from "./block-seal";
import type { EngineBlock, EvmEngine } from "./evm-engine";
import type { ReadWriteLock } from "./read-write-lock";

export interface SealerMetrics {
  blockSealed(block: StoredBlock, sealMs: number): void;
  pending(count: number): void;
}

/**
 * Produces blocks: transactions wait in the EVM's pool for a short window after the first one arrives,
 * then one block takes them all. The block is signed by the authority and journaled with a synced write
 * under the write lock, so that no client sees it (or its receipts) before it is on disk.
 */
export class BlockSealer {
  /** Raw bytes of every transaction in the pool, by hash, until a block includes it. */
  private readonly pool = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private sealing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly engine: EvmEngine,
    private readonly store: ChainStore,
    private readonly lock: ReadWriteLock,
    private readonly admission: Admission,
    private readonly authority: SigningKey,
    private readonly chainId: number,
    private readonly windowMs: number,
    private head: StoredBlock,
    private readonly logger: Logger,
    private readonly metrics: SealerMetrics,
    /** Called when a block cannot be journaled: the node must stop serving rather than diverge. */
    private readonly onFatal: (error: unknown) => void,
  ) {}

  get headBlock(): StoredBlock {
    return this.head;
  }

  get pendingCount(): number {
    return this.pool.size;
  }

  /**
   * Puts an admitted transaction (with the hash admission computed) in the pool; EVM-level refusals (nonce,
   * gas) are thrown to the client.
   */
  async submit(raw: string, hash: string): Promise<string> {
    // Known before the pool sees it, so that a block sealed meanwhile can always find its bytes.
    this.pool.set(hash, raw);
    try {
      await this.engine.request("eth_sendRawTransaction", [raw]);
    } catch (error) {
      this.pool.delete(hash);
      throw error;
    }
    this.metrics.pending(this.pool.size);
    this.schedule();
    return hash;
  }

  /** Seals what is waiting now (used at shutdown and by tests); resolves when it is durable. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.sealing;
    if (this.pool.size > 0) await this.seal();
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sealing = this.seal().catch((error: unknown) => {
        this.stopped = true;
        this.onFatal(error);
      });
    }, this.windowMs);
  }

  private async seal(): Promise<void> {
    await this.lock.write(async () => {
      const started = performance.now();
      const timestamp = Math.max(this.head.timestamp, Math.floor(Date.now() / 1000));
      await this.engine.request("evm_setNextBlockTimestamp", [timestamp]);
      await this.engine.request("evm_mine", []);
      const mined = await this.engine.request<EngineBlock>("eth_getBlockByNumber", ["latest", false]);
      const number = Number(mined.number);
      const transactions = mined.transactions.map((hash) => {
        const raw = this.pool.get(hash);
        if (raw === undefined) throw new Error(`block ${number} includes transaction ${hash} whose bytes the node does not have`);
        return raw;
      });
      const block: StoredBlock = {
        number,
        hash: mined.hash,
        parentHash: mined.parentHash,
        timestamp,
        transactions,
        seal: sealBlock(this.authority, this.chainId, number, mined.hash, mined.parentHash),
      };
      await this.store.append(block);
      for (const hash of mined.transactions) this.pool.delete(hash);
      this.head = block;
      this.admission.blockSealed();
      this.metrics.blockSealed(block, performance.now() - started);
      this.metrics.pending(this.pool.size);
      this.logger.debug({ block: number, transactions: transactions.length }, "block sealed");
    });
    // Transactions that arrive while sealing have scheduled the next block themselves; ones that stay in the
    // pool (a nonce gap) wait for the transaction that fills the gap instead of sealing empty blocks.
  }
}
