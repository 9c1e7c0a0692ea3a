import { headerHash } from "../chain/block-header";
import { StoreCorruptedError } from "../errors";
import type { ChainStore } from "../store/chain-store";

/**
 * What a start from a snapshot of block S does not re-execute, it still checks: the stored headers of blocks
 * 0..S form one chain (each header hashes to its own hash and names its parent's), so that a block missing,
 * inserted or edited below the snapshot is refused as it would be by a full replay. A journaled transaction
 * below S is checked against its header's list of transaction hashes whenever it is served (rpc/chain-reads.ts):
 * an edited one is answered STORE_CORRUPTED, never served as if it were the chain's.
 */
export async function verifyHeaderChain(store: ChainStore, upTo: number): Promise<void> {
  let parent: string | undefined;
  for (let number = 0; number <= upTo; number++) {
    const header = await store.header(number);
    if (header === undefined) throw new StoreCorruptedError(`block ${number} is missing from the store`, { block: number });
    if (Number(header.number) !== number || headerHash(header) !== header.hash || (parent !== undefined && header.parentHash !== parent)) {
      throw new StoreCorruptedError(`block ${number}'s stored header does not hash to itself or does not link to its parent`, { block: number });
    }
    parent = header.hash;
  }
}
