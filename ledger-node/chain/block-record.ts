import type { BlockRecord, ServedBlock, ServedReceipt } from "../store/chain-store";
import type { EvmEngine } from "./evm-engine";

/**
 * What the node will serve of a block the engine just mined (`header`: the engine's answer to
 * `eth_getBlockByNumber(n, false)`; and every receipt with its logs), read once, while the block is the engine's newest, and journaled with it: from then on the
 * node answers for the block from its own store and never asks the engine for history.
 */
export async function readBlockRecord(engine: EvmEngine, header: ServedBlock): Promise<BlockRecord> {
  const number = Number(header.number);
  const receipts: ServedReceipt[] = [];
  for (const hash of header.transactions) {
    const receipt = await engine.request<ServedReceipt | null>("eth_getTransactionReceipt", [hash]);
    if (receipt === null) throw new Error(`the engine has no receipt for transaction ${hash} of block ${number}`);
    receipts.push(receipt);
  }
  return { header, receipts };
}
