import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

import { Level } from "level";

import type { LedgerDeployment } from "../../lib/deploy-ledger";
import type { AccountOverride, StorageSlot } from "@nomicfoundation/edr";

import type { StateDiff } from "../snapshot/state-diff";
import { ACCOUNT_RANGE, BLOCK_RANGE, DEPLOYMENT_KEY, HEAD_KEY, META_KEY, SLOT_RANGE, SNAPSHOT_KEY, accountKey, addressOfAccountKey, blockHashKey, slotKey, slotOf, slotsOf, blockKey, blockNumberOf, headerKey, receiptsKey, receiptsNumberOf, receiptsRange, transactionKey } from "./keys";

/** What identifies a chain; written once, at genesis. */
export interface ChainMeta {
  format: 1;
  chainId: number;
  genesisTime: number;
  blockGasLimit: number;
  /** The bureau's authority account, which seals every block. */
  authority: string;
  genesisHash: string;
  /** Set once the chain keeps `<dataDir>/chain-head` (head-record.ts): from then on a missing record is refused. */
  headRecord?: true;
}

/** One sealed block as journaled: enough to re-execute it and to check the result. */
export interface StoredBlock {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  /** The signed raw transactions, in block order. */
  transactions: string[];
  /** The authority's signature over the block (see `block-seal.ts`). */
  seal: string;
}

/** One log as the chain answers it (`eth_getLogs`, receipts). */
export interface ServedLog {
  address: string;
  topics: string[];
  data: string;
  blockHash: string;
  blockNumber: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed: boolean;
}

/** A receipt as the chain answers it (`eth_getTransactionReceipt`): the engine's answer when the block was sealed. */
export interface ServedReceipt {
  transactionHash: string;
  logs: ServedLog[];
  [field: string]: unknown;
}

/**
 * A block as the chain answers it (`eth_getBlockByNumber(n, false)`): every header field as the engine reported
 * it when the block was sealed, and the transactions' hashes in block order.
 */
export interface ServedBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  transactions: string[];
  [field: string]: unknown;
}

/** What the node serves of one block, kept beside its journal entry. */
export interface BlockRecord {
  header: ServedBlock;
  receipts: ServedReceipt[];
}

/** Where a transaction is: its block and its index in the block. */
export interface TransactionPosition {
  block: number;
  index: number;
}

/** The block whose state the snapshot holds, and the state root its header names (checked at restore). */
export interface SnapshotMark {
  number: number;
  hash: string;
  stateRoot: string;
}

/** One account of the state snapshot. */
export interface SnapshotAccount {
  nonce: string;
  balance: string;
  code: string;
}

export interface StoredHead {
  number: number;
  hash: string;
}

/**
 * The contracts the node deployed at its first start (the record `deployLedger` returns). Records of chains made
 * before the contracts were upgradeable lack `implementations` and `upgradeDelay` (optional in the type) and are
 * read as they are; their plain registry and ledger are reported as a pre-proxy deployment (lib/contract-code.ts).
 */
export type Deployment = LedgerDeployment;

/** Slots read from the snapshot per step of the iterator: large enough that a step costs little, small in memory. */
const SNAPSHOT_READ_BATCH = 10_000;

/**
 * A slot's value as stored (a JSON string of hex, `"0x…"`), read without the JSON decoder. `BigInt` refuses what
 * is not hex; anything else that is not a stored word is refused here (a wrong word is refused by the state root).
 */
function slotValueOf(stored: string): bigint {
  if (stored.length > 68 || !stored.startsWith('"0x') || !stored.endsWith('"')) throw new Error(`a snapshot slot holds ${stored.slice(0, 80)}, not a hex word`);
  return BigInt(stored.slice(1, -1));
}

type Value = ChainMeta | StoredBlock | StoredHead | Deployment | ServedBlock | ServedReceipt[] | TransactionPosition | number | SnapshotMark | SnapshotAccount | string;

/**
 * The node's LevelDB: the only module that touches it. It holds the journal (what a replay re-executes) and
 * everything the node serves of the chain (blocks, receipts and logs, a transaction and a block-hash index), so
 * that reads never ask the engine for history. Every write that acknowledges something is a synced, atomic
 * batch; readers iterate an implicit snapshot.
 */
export class ChainStore {
  private constructor(private readonly db: Level<string, Value>, readonly location: string) {}

  static async open(location: string): Promise<ChainStore> {
    await mkdir(location, { recursive: true });
    const db = new Level<string, Value>(location, { valueEncoding: "json" });
    await db.open();
    return new ChainStore(db, location);
  }

  async meta(): Promise<ChainMeta | undefined> {
    return (await this.db.get(META_KEY)) as ChainMeta | undefined;
  }

  /** Writes the chain's meta (at genesis, and once more when a chain from before the head record gets one). */
  async initialise(meta: ChainMeta): Promise<void> {
    await this.db.put(META_KEY, meta, { sync: true });
  }

  async head(): Promise<StoredHead | undefined> {
    return (await this.db.get(HEAD_KEY)) as StoredHead | undefined;
  }

  /**
   * Appends sealed blocks (each the child of the one before, the first the head's) with what is served of them, and
   * moves the head to the last, atomically and durably: one synced write, however many blocks.
   */
  async append(blocks: readonly { block: StoredBlock; record: BlockRecord }[]): Promise<void> {
    const last = blocks.at(-1);
    if (last === undefined) return;
    const head: StoredHead = { number: last.block.number, hash: last.block.hash };
    const writes = blocks.flatMap(({ block, record }) => [{ type: "put" as const, key: blockKey(block.number), value: block }, ...recordWrites(block.number, record)]);
    await this.db.batch([...writes, { type: "put", key: HEAD_KEY, value: head }], { sync: true });
  }

  /**
   * Writes what is served of an already journaled block (a store from before the node served from its own
   * records gets them while it replays). Not synced: what a crash loses is written again at the next start.
   */
  async recordServed(number: number, record: BlockRecord): Promise<void> {
    await this.db.batch(recordWrites(number, record));
  }

  async hasRecord(number: number): Promise<boolean> {
    return (await this.db.get(headerKey(number))) !== undefined;
  }

  async header(number: number): Promise<ServedBlock | undefined> {
    return (await this.db.get(headerKey(number))) as ServedBlock | undefined;
  }

  async blockNumberOfHash(hash: string): Promise<number | undefined> {
    return (await this.db.get(blockHashKey(hash))) as number | undefined;
  }

  async receipts(number: number): Promise<ServedReceipt[] | undefined> {
    return (await this.db.get(receiptsKey(number))) as ServedReceipt[] | undefined;
  }

  async transactionPosition(hash: string): Promise<TransactionPosition | undefined> {
    return (await this.db.get(transactionKey(hash))) as TransactionPosition | undefined;
  }

  /** The journaled block (raw transactions, seal). */
  async block(number: number): Promise<StoredBlock | undefined> {
    return (await this.db.get(blockKey(number))) as StoredBlock | undefined;
  }

  /** The receipts of every block from `from` to `to` (both included) that has any, in block order. */
  async *receiptsBetween(from: number, to: number): AsyncGenerator<{ number: number; receipts: ServedReceipt[] }> {
    if (from > to) return;
    for await (const [key, value] of this.db.iterator(receiptsRange(from, to))) {
      yield { number: receiptsNumberOf(key), receipts: value as ServedReceipt[] };
    }
  }

  /** Every stored block from `from` on, in order, with the key it was stored under (which a check compares). */
  async *blocks(from = 0): AsyncGenerator<{ keyNumber: number; block: StoredBlock }> {
    for await (const [key, value] of this.db.iterator({ ...BLOCK_RANGE, gte: blockKey(from) })) {
      yield { keyNumber: blockNumberOf(key), block: value as StoredBlock };
    }
  }

  async snapshotMark(): Promise<SnapshotMark | undefined> {
    return (await this.db.get(SNAPSHOT_KEY)) as SnapshotMark | undefined;
  }

  /**
   * Brings the state snapshot forward to `mark` by `diff` (the changes since the previous mark), in one synced
   * atomic batch with the new mark: a snapshot is the state after one block, whole, or the previous one.
   */
  async writeSnapshot(mark: SnapshotMark, diff: StateDiff): Promise<void> {
    const batch = this.db.batch();
    for (const [address, change] of diff) {
      const key = accountKey(address);
      let account = (await this.db.get(key)) as SnapshotAccount | undefined;
      if (change.deleted === true) {
        batch.del(key);
        for await (const slot of this.db.keys(slotsOf(address))) batch.del(slot);
        account = undefined;
      }
      const fields = { ...(change.nonce === undefined ? {} : { nonce: change.nonce }), ...(change.balance === undefined ? {} : { balance: change.balance }), ...(change.code === undefined ? {} : { code: change.code }) };
      if (Object.keys(fields).length > 0 || (account === undefined && change.storage.size > 0)) batch.put(key, { nonce: "0x0", balance: "0x0", code: "0x", ...account, ...fields });
      for (const [slot, value] of change.storage) {
        if (value === null) batch.del(slotKey(address, slot));
        else batch.put(slotKey(address, slot), value);
      }
    }
    batch.put(SNAPSHOT_KEY, mark);
    await batch.write({ sync: true });
  }

  /** Forgets the state snapshot (mark, accounts, slots): the next one is built again from genesis. */
  async clearSnapshot(): Promise<void> {
    await this.db.del(SNAPSHOT_KEY);
    for (const range of [ACCOUNT_RANGE, SLOT_RANGE]) {
      let batch = this.db.batch();
      for await (const key of this.db.keys(range)) {
        batch.del(key);
        if (batch.length >= 10_000) {
          await batch.write();
          batch = this.db.batch();
        }
      }
      await batch.write({ sync: true });
    }
  }

  /**
   * The whole state snapshot as of `mark`, as the engine takes a genesis state; undefined when the snapshot is no
   * longer that of `mark` (the snapshot writer has brought it forward since the caller read the mark). Mark,
   * accounts and slots are read from one LevelDB snapshot, so a snapshot written meanwhile is never read half.
   *
   * A restart waits for this (2 M slots for 1 M invoices), so the slots are read in batches (`nextv`) as the
   * strings they are stored as, not through the JSON decoder value by value: a slot's value is stored as a JSON
   * string of hex (`"0x…"`), which is its hex between the quotes. Keys are in byte order, so an account's slots
   * come together and follow its address.
   */
  async snapshotState(mark: SnapshotMark): Promise<AccountOverride[] | undefined> {
    const snapshot = this.db.snapshot();
    try {
      const current = (await this.db.get(SNAPSHOT_KEY, { snapshot })) as SnapshotMark | undefined;
      if (current === undefined || current.number !== mark.number || current.hash !== mark.hash || current.stateRoot !== mark.stateRoot) return undefined;
      const accounts = new Map<string, AccountOverride & { storage: StorageSlot[] }>();
      for await (const [key, value] of this.db.iterator({ ...ACCOUNT_RANGE, snapshot })) {
        const account = value as SnapshotAccount;
        const address = addressOfAccountKey(key);
        accounts.set(address, { address: Buffer.from(address.slice(2), "hex"), nonce: BigInt(account.nonce), balance: BigInt(account.balance), code: Buffer.from(account.code.slice(2), "hex"), storage: [] });
      }
      await this.readSlots(accounts, snapshot);
      return [...accounts.values()];
    } finally {
      await snapshot.close();
    }
  }

  private async readSlots(accounts: Map<string, { storage: StorageSlot[] }>, snapshot: ReturnType<Level<string, Value>["snapshot"]>): Promise<void> {
    const slots = this.db.iterator<string, string>({ ...SLOT_RANGE, keyEncoding: "utf8", valueEncoding: "utf8", snapshot });
    try {
      let prefix = "\u0000"; // no key starts with it
      let storage: StorageSlot[] = [];
      // The next batch is read (in LevelDB's thread) while this one is decoded.
      for (let entries = await slots.nextv(SNAPSHOT_READ_BATCH); entries.length > 0; ) {
        const next = slots.nextv(SNAPSHOT_READ_BATCH);
        try {
          for (const [key, value] of entries) {
            // The key names its account by its prefix: the full decode (slotOf) only when the account changes.
            if (!key.startsWith(prefix)) {
              const slot = slotOf(key);
              const account = accounts.get(slot.address);
              if (account === undefined) throw new Error(`the snapshot has storage of ${slot.address} but not the account`);
              prefix = slotsOf(slot.address).gte;
              storage = account.storage;
            } else if (key.length !== prefix.length + 64) slotOf(key); // throws: not a slot key
            storage.push({ index: BigInt(`0x${key.slice(prefix.length)}`), value: slotValueOf(value) });
          }
        } catch (error) {
          await next.catch(() => undefined); // the iterator closes only once its pending read is done
          throw error;
        }
        entries = await next;
      }
    } finally {
      await slots.close();
    }
  }

  async deployment(): Promise<Deployment | undefined> {
    return (await this.db.get(DEPLOYMENT_KEY)) as Deployment | undefined;
  }

  async recordDeployment(deployment: Deployment): Promise<void> {
    await this.db.put(DEPLOYMENT_KEY, deployment, { sync: true });
  }

  /** Copies a consistent snapshot of the whole store into a new LevelDB at `target` (which must not exist yet). */
  async backupTo(target: string): Promise<{ entries: number }> {
    const copy = new Level<string, Value>(target, { valueEncoding: "json", errorIfExists: true });
    await copy.open();
    let entries = 0;
    try {
      let batch = copy.batch();
      for await (const [key, value] of this.db.iterator()) {
        batch.put(key, value);
        entries++;
        if (batch.length >= 1_000) {
          await batch.write({ sync: false });
          batch = copy.batch();
        }
      }
      await batch.write({ sync: true });
    } finally {
      await copy.close();
    }
    return { entries };
  }

  async sizeBytes(): Promise<number> {
    let total = 0;
    for (const name of await readdir(this.location)) total += (await stat(join(this.location, name))).size;
    return total;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function recordWrites(number: number, { header, receipts }: BlockRecord): { type: "put"; key: string; value: Value }[] {
  return [
    { type: "put", key: headerKey(number), value: header },
    { type: "put", key: blockHashKey(header.hash), value: number },
    ...(receipts.length === 0 ? [] : [{ type: "put" as const, key: receiptsKey(number), value: receipts }]),
    ...header.transactions.map((hash, index) => ({ type: "put" as const, key: transactionKey(hash), value: { block: number, index } })),
  ];
}
