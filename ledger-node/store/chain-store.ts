import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

import { Level } from "level";

import type { LedgerDeployment } from "../../scripts/deploy/deploy-ledger";
import { BLOCK_RANGE, DEPLOYMENT_KEY, HEAD_KEY, META_KEY, blockKey, blockNumberOf } from "./keys";

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

export interface StoredHead {
  number: number;
  hash: string;
}

/** The contracts the node deployed at its first start (the record `deployLedger` returns). */
export type Deployment = LedgerDeployment;

type Value = ChainMeta | StoredBlock | StoredHead | Deployment;

/**
 * The node's LevelDB: the only module that touches it. Every write that acknowledges something is a
 * synced, atomic batch; readers iterate an implicit snapshot.
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

  /** Appends a sealed block and moves the head to it, atomically and durably. */
  async append(block: StoredBlock): Promise<void> {
    const head: StoredHead = { number: block.number, hash: block.hash };
    await this.db.batch(
      [
        { type: "put", key: blockKey(block.number), value: block },
        { type: "put", key: HEAD_KEY, value: head },
      ],
      { sync: true },
    );
  }

  /** Every stored block in order, with the key it was stored under (which a check compares). */
  async *blocks(): AsyncGenerator<{ keyNumber: number; block: StoredBlock }> {
    for await (const [key, value] of this.db.iterator(BLOCK_RANGE)) {
      yield { keyNumber: blockNumberOf(key), block: value as StoredBlock };
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
