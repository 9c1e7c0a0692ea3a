import type { SigningKey } from "ethers";
import type { Logger } from "pino";

import { PoolFullError } from "../errors";
import type { BlockRecord, ChainStore, ServedBlock, StoredBlock } from "../store/chain-store";
import type { HeadRecord } from "../store/head-record";
import type { Admission, AdmittedTransaction } from "./admission";
import { placeOnChain } from "./block-header";
import { readBlockRecord } from "./block-record";
import { sealBlock } from "./block-seal";
import type { EnginePriority } from "./engine-priority";
import { mineBlock, type EvmEngine } from "./evm-engine";
import type { ReadWriteLock } from "./read-write-lock";

/**
 * How many transactions may wait for a block, in all and per sender, and how many are handed to the engine for one
 * block.
 */
export interface PoolLimits {
  max: number;
  maxPerSender: number;
  perBlock: number;
  /** Gas a block's room takes before it is full: the gas limits of the transactions handed over for it. */
  roomGas: bigint;
  /** Blocks one seal mines one after another (while transactions wait) and journals in one synced write. */
  blocksPerSeal: number;
}

/** A transaction the pool holds: its bytes (what the block journal needs) and the engine's answer to it. */
interface PoolEntry {
  raw: string;
  hash: string;
  /** The sender, lower case. */
  from: string;
  nonce: bigint;
  /** Its gas limit: what it may cost the engine to execute, and to execute again before each later one is traced. */
  gas: bigint;
  /** The answer to this transaction's sends, the first and every copy alike: its hash, or the engine's refusal. */
  answer: Promise<string>;
  /** Handed to the engine (its pool holds it, or refused it); until then it waits in `queue`. */
  handedOver: boolean;
  /** The engine took it (its send was answered): a block mined from now on is offered it (see `closeRoom`). */
  accepted?: boolean;
}

export interface SealerMetrics {
  blockSealed(block: StoredBlock, sealMs: number): void;
  pending(count: number): void;
}

/**
 * Produces blocks: transactions wait in the EVM's pool for a short window after the first one arrives,
 * then a block takes those its room holds. The block is signed by the authority and journaled with a synced write
 * under the write lock, and the acknowledged head recorded (store/head-record.ts), so that no client sees it
 * (or its receipts) before it is on disk.
 *
 * A block's room: at most `limits.perBlock` transactions are handed to the engine for one block, and no more once
 * their gas limits reach `limits.roomGas`; the others wait in the node's pool, in the order they arrived, and are
 * handed over after the block (their senders are answered then, with the engine's answer, as the first ones were at
 * once). The snapshot traces every transaction of a block, and the engine executes the block's earlier transactions
 * again before each (snapshot/snapshot-writer.ts): a block of k transactions costs k² executions to trace, so many
 * senders sending at once made ever larger blocks, each slower to trace than the last (64 merchants: 445
 * invoices/s and half-load p99 6 s; ledger-node/README.md, "Many merchants at once"), and large transactions
 * cost more executed again than a block of their own costs ("Blocks by gas"). While transactions wait, one seal
 * mines block after block (at most `limits.blocksPerSeal`) and journals them in one synced write.
 */
export class BlockSealer {
  /** Every transaction in the pool, by hash, until a block includes it. */
  private readonly pool = new Map<string, PoolEntry>();
  /**
   * By sender (lower case): how many of its transactions wait, and how many pool entries hold each nonce (two sends
   * may carry one nonce; the engine keeps one).
   */
  private readonly senders = new Map<string, { waiting: number; nonces: Map<bigint, number> }>();
  /** Pool entries not handed to the engine yet, oldest first, each with what hands it over. */
  private queue: { entry: PoolEntry; handOver: () => Promise<unknown> }[] = [];
  /**
   * The room of the next block: the entries handed to the engine for it (and not refused), at most `limits.perBlock`;
   * by hash.
   */
  private readonly room = new Map<string, PoolEntry>();
  /** Hand-overs under way. */
  private readonly handing = new Set<Promise<unknown>>();
  /** `flush` seals by itself: no timer meanwhile. */
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private sealing: Promise<void> | undefined;
  /** A seal is waiting for the one in progress. */
  private sealQueued = false;
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
    private readonly limits: PoolLimits,
    private readonly headRecord: HeadRecord,
    /** Told of every journaled block; with a synchronous standby, waits until the standby has it too. */
    private readonly replication: { journaled(number: number): Promise<void> },
    /** Called with each sealed block's header once it is durable, before the next block is mined (hands it to the snapshot writer). */
    private readonly afterBlock: (header: ServedBlock) => Promise<void>,
    /** Mining goes before the snapshot's tracing on the engine: the one the snapshot writer yields to. */
    private readonly priority: EnginePriority,
  ) {}

  get headBlock(): StoredBlock {
    return this.head;
  }

  get pendingCount(): number {
    return this.pool.size;
  }

  /**
   * The signed transactions the engine's pool holds, in the order they arrived: what a renewed engine is handed
   * (engine-renewal.ts). Those waiting for their turn are handed to whichever engine serves then.
   */
  pooledTransactions(): string[] {
    return [...this.pool.values()].filter((entry) => entry.handedOver).map((entry) => entry.raw);
  }

  /**
   * Puts an admitted transaction (with the hash and sender admission computed) in the pool; EVM-level refusals
   * (nonce, gas) are thrown to the client. A transaction that is already pending is "already known": the
   * resend is answered its hash, as the first send was (geth answers an "already known" error instead; the
   * hash is what a client retrying after a lost answer needs, and it is the same answer whichever copy
   * arrives first), and the pool's entry, whose bytes a block may be journaling, is never touched by it.
   * A copy of a transaction that a block already took is answered its hash as well.
   */
  async submit(raw: string, { hash, from: sender, executable, nonce, gasLimit }: AdmittedTransaction): Promise<string> {
    const from = sender.toLowerCase();
    const known = this.pool.get(hash);
    if (known !== undefined) return known.answer; // a copy: the same answer as the first send gets
    if (this.pool.size >= this.limits.max) {
      throw new PoolFullError(`the pool holds ${this.limits.max} transactions; retry after the next block`, { limit: this.limits.max });
    }
    const mine = this.senders.get(from)?.waiting ?? 0;
    // The sender's next nonce is always let in: it leaves with the next block, and it fills a gap that
    // would otherwise hold the sender's waiting transactions forever.
    if (mine >= this.limits.maxPerSender && !executable) {
      throw new PoolFullError(`${this.limits.maxPerSender} transactions of ${from} are waiting; retry after the next block`, { sender: from, limit: this.limits.maxPerSender });
    }
    // In the pool before the engine sees it, so that a block sealed meanwhile can always find its bytes.
    const entry: PoolEntry = { raw, hash, from, nonce, gas: gasLimit, answer: Promise.resolve(hash), handedOver: false };
    this.pool.set(hash, entry);
    let sending = this.senders.get(from);
    if (sending === undefined) this.senders.set(from, (sending = { waiting: 0, nonces: new Map() }));
    sending.waiting++;
    sending.nonces.set(nonce, (sending.nonces.get(nonce) ?? 0) + 1);
    entry.answer = new Promise<string>((resolve, reject) => {
      this.queue.push({ entry, handOver: () => this.accept(entry).then(resolve, reject) });
    });
    this.handOverWaiting();
    this.metrics.pending(this.pool.size);
    return entry.answer;
  }

  /**
   * Hands waiting entries to the engine, oldest first, while the next block has room: fewer than `limits.perBlock`
   * entries, whose gas limits add up to less than `limits.roomGas` (the last one in may take it beyond).
   */
  private handOverWaiting(): void {
    let count = this.room.size;
    let gas = 0n;
    for (const entry of this.room.values()) gas += entry.gas;
    while (this.queue.length > 0 && count < this.limits.perBlock && gas < this.limits.roomGas) {
      const { entry, handOver } = this.queue.shift()!;
      this.room.set(entry.hash, entry);
      count++;
      gas += entry.gas;
      const handing = handOver();
      this.handing.add(handing);
      void handing.finally(() => this.handing.delete(handing));
    }
  }

  /**
   * Once a block is mined: its transactions leave the room, and so do those the engine held when the block was
   * mined (`offered`) and the block did not take: a nonce gap keeps them out of blocks, and they must not hold the
   * room for ever (they stay in the engine's pool, and go with the transaction that fills the gap). What is left was
   * handed over while the block was being mined: it is the next block's. Then the room is filled from the queue.
   */
  private closeRoom(offered: ReadonlySet<string>, mined: readonly string[]): void {
    const taken = new Set(mined);
    for (const hash of this.room.keys()) if (taken.has(hash) || offered.has(hash)) this.room.delete(hash);
    this.handOverWaiting();
  }

  /** Hands a pool entry to the engine (before the snapshot's tracing); the answer every send of these bytes gets. */
  private async accept(entry: PoolEntry): Promise<string> {
    const { hash } = entry;
    entry.handedOver = true;
    try {
      await this.priority.urgently(() => this.engine.request("eth_sendRawTransaction", [entry.raw]));
    } catch (error) {
      // Handed to a renewed engine with the pool while this send waited for the hand-over: it is in the engine's pool.
      if (this.pool.get(hash) === entry && (await this.engine.request("eth_getTransactionByHash", [hash])) !== null) {
        entry.accepted = true;
        this.metrics.pending(this.pool.size);
        this.schedule();
        return hash;
      }
      // Only this entry is removed: the engine refused these bytes, so no block holds them. Its room in the next
      // block goes to the next transaction waiting.
      if (this.pool.get(hash) === entry) this.remove(hash);
      this.handOverWaiting();
      // A copy of a transaction a block already took (its nonce is used now) gets the hash too.
      if ((await this.store.transactionPosition(hash)) !== undefined) return hash;
      throw error;
    }
    entry.accepted = true;
    this.metrics.pending(this.pool.size);
    this.schedule();
    return hash;
  }

  /**
   * Seals what is waiting now, block after block while the blocks take transactions (used at shutdown and by
   * tests); resolves when it is durable. Transactions that no block can take (after a nonce gap) stay.
   */
  async flush(): Promise<void> {
    this.flushing = true;
    try {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      await this.sealing;
      for (;;) {
        await Promise.allSettled([...this.handing]);
        if (this.pool.size === 0) return;
        const taken = await this.seal();
        if (taken === 0 && this.queue.length === 0) return;
      }
    } finally {
      this.flushing = false;
    }
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.sealQueued || this.stopped || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // After the seal in progress, its block traced (a transaction arriving meanwhile sets this timer). One seal
      // waits at most: transactions arriving meanwhile go in it. Queued once per window instead, seals piled up
      // under load, and once it ended they mined empty blocks one after another (716 after a 3 M seeding).
      this.sealQueued = true;
      const previous = this.sealing ?? Promise.resolve();
      this.sealing = previous.then(() => {
        this.sealQueued = false;
        return this.stopped || this.pool.size === 0 ? undefined : this.seal().then(() => undefined);
      }).catch((error: unknown) => {
        this.stopped = true;
        this.onFatal(error);
      });
    }, this.windowMs);
  }

  /**
   * Mines blocks of what the engine's pool holds, one after another while the room holds transactions handed over
   * (at most `limits.blocksPerSeal` blocks), and journals them in one synced write; resolves with how many
   * transactions they took.
   */
  private async seal(): Promise<number> {
    const sealed = await this.lock.write(async () => {
      const started = performance.now();
      const blocks: { block: StoredBlock; record: BlockRecord; mined: readonly string[] }[] = [];
      // The parent of a block of this seal may not be journaled yet (block-header.ts reads it only after a restore).
      const headers = { header: async (number: number) => blocks.find(({ block }) => block.number === number)?.record.header ?? (await this.store.header(number)) };
      let parent = this.head;
      for (;;) {
        const timestamp = Math.max(parent.timestamp, Math.floor(Date.now() / 1000));
        const { offered, mined, engineRecord } = await this.priority.urgently(async () => {
          const offered = new Set([...this.room.values()].filter((entry) => entry.accepted === true).map((entry) => entry.hash));
          const mined = await mineBlock(this.engine, timestamp);
          return { offered, mined, engineRecord: await readBlockRecord(this.engine, mined) };
        });
        // What was handed over while it was mined is the next block's; the room fills up again (the sends need no lock).
        this.closeRoom(offered, mined.transactions);
        const number = Number(mined.number);
        // The node's chain, not the engine's: after a start from a snapshot they differ in the parent hash (block-header.ts).
        const record = await placeOnChain(headers, engineRecord, parent);
        const hash = record.header.hash;
        const transactions = mined.transactions.map((txHash) => {
          const entry = this.pool.get(txHash);
          if (entry === undefined) throw new Error(`block ${number} includes transaction ${txHash} whose bytes the node does not have`);
          return entry.raw;
        });
        const block: StoredBlock = {
          number,
          hash,
          parentHash: parent.hash,
          timestamp,
          transactions,
          seal: sealBlock(this.authority, this.chainId, number, hash, parent.hash),
        };
        blocks.push({ block, record, mined: mined.transactions });
        parent = block;
        if (transactions.length === 0 || blocks.length >= this.limits.blocksPerSeal) break;
        // The next transactions waiting are being handed over (closeRoom): the next block takes them.
        while (this.handing.size > 0) await Promise.allSettled([...this.handing]);
        if (this.room.size === 0) break;
      }
      await this.store.append(blocks);
      // Recorded outside LevelDB before anyone can see the blocks, so a journal that later loses them is noticed.
      await this.headRecord.write({ number: parent.number, hash: parent.hash });
      await this.replication.journaled(parent.number);
      const sealMs = (performance.now() - started) / blocks.length;
      for (const { block, record, mined } of blocks) {
        for (const txHash of mined) this.remove(txHash);
        this.admission.blockSealed(record.receipts);
        this.metrics.blockSealed(block, sealMs);
      }
      this.head = parent;
      this.metrics.pending(this.pool.size);
      this.logger.debug({ blocks: blocks.map(({ block }) => block.number), transactions: blocks.map(({ block }) => block.transactions.length) }, "blocks sealed");
      return { headers: blocks.map(({ record }) => record.header), transactions: blocks.reduce((sum, { block }) => sum + block.transactions.length, 0) };
    });
    // Outside the write lock: clients read the blocks, now durable. The snapshot writer traces them in the
    // background, between blocks; the next seal waits only if it has too many blocks left to trace.
    for (const header of sealed.headers) await this.afterBlock(header);
    // Transactions that arrive while sealing have scheduled the next block themselves. Ones left over by a
    // full block get the next block; ones that stay in the pool because of a nonce gap wait for the
    // transaction that fills the gap (a block that takes none of them schedules nothing more).
    if ((sealed.transactions > 0 && this.pool.size > 0) || this.queue.length > 0) this.schedule();
    return sealed.transactions;
  }

  /**
   * The next nonce of `sender` with its waiting transactions counted: from `latest` (its nonce at the head), on
   * through every nonce the pool holds a transaction of, as geth counts its pending nonce. A nonce after a gap is
   * not counted: the gap's transaction comes first.
   */
  pendingNonce(sender: string, latest: bigint): bigint {
    const held = this.senders.get(sender.toLowerCase())?.nonces;
    let next = latest;
    while (held?.has(next) === true) next++;
    return next;
  }

  private remove(hash: string): void {
    const entry = this.pool.get(hash);
    if (entry === undefined) return;
    this.pool.delete(hash);
    this.room.delete(hash);
    const sending = this.senders.get(entry.from);
    if (sending === undefined) return;
    if (--sending.waiting === 0) {
      this.senders.delete(entry.from);
      return;
    }
    const copies = (sending.nonces.get(entry.nonce) ?? 1) - 1;
    if (copies > 0) sending.nonces.set(entry.nonce, copies);
    else sending.nonces.delete(entry.nonce);
  }
}
