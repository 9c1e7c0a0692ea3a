import { StoreCorruptedError } from "../errors";
import type { BlockRecord, ChainMeta, ChainStore, StoredBlock } from "../store/chain-store";
import { placeOnChain } from "./block-header";
import { readBlockRecord } from "./block-record";
import { sealSigner } from "./block-seal";
import { mineBlock, type EvmEngine } from "./evm-engine";

/**
 * Applies one sealed block that the node did not seal just now (a journaled block at start, a block from the
 * primary on a standby): checks it against its parent (number, parent link, the authority's seal, time),
 * re-executes its transactions with its recorded timestamp, and requires the EVM to produce the very same block
 * hash. Anything else (an edited, reordered or foreign block) is refused with STORE_CORRUPTED, never served.
 * Returns what the node serves of the block.
 */
export async function applyBlock(engine: EvmEngine, store: ChainStore, meta: ChainMeta, parent: StoredBlock, block: StoredBlock): Promise<BlockRecord> {
  const expected = parent.number + 1;
  const where = `block ${expected}`;
  if (block.number !== expected) {
    throw new StoreCorruptedError(`the chain is not contiguous: expected ${where}, found block ${block.number}`, { expected, found: block.number });
  }
  if (block.parentHash !== parent.hash) {
    throw new StoreCorruptedError(`${where} does not link to its parent: it names ${block.parentHash}, the parent is ${parent.hash}`, { block: expected });
  }
  const signer = sealSigner(block.seal, meta.chainId, block.number, block.hash, block.parentHash);
  if (signer !== meta.authority) {
    throw new StoreCorruptedError(`${where} is not sealed by the ledger's authority ${meta.authority}`, { block: expected, signer });
  }
  if (block.timestamp < parent.timestamp) {
    throw new StoreCorruptedError(`${where} is older than its parent`, { block: expected });
  }
  for (const raw of block.transactions) {
    try {
      await engine.request("eth_sendRawTransaction", [raw]);
    } catch (error) {
      throw new StoreCorruptedError(`${where} holds a transaction the EVM refuses on replay`, { block: expected }, { cause: error });
    }
  }
  const rebuilt = await placeOnChain(store, await readBlockRecord(engine, await mineBlock(engine, block.timestamp)), parent);
  if (rebuilt.header.hash !== block.hash) {
    throw new StoreCorruptedError(`${where} does not rebuild: the store says ${block.hash}, re-executing it gives ${rebuilt.header.hash}`, { block: expected });
  }
  return rebuilt;
}
