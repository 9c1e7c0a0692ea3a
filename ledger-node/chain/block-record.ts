import type { BlockRecord, ServedBlock, ServedReceipt } from "../store/chain-store";
import type { EvmEngine } from "./evm-engine";

/**
 * What the node will serve of a block the engine just mined (`header`: the engine's answer to
 * `eth_getBlockByNumber(n, false)`; and every receipt with its logs), read once, while the block is the engine's newest, and journaled with it: from then on the
 * node answers for the block from its own store and never asks the engine for history.
 */
export async function readBlockRecord(engine: EvmEngine, header: ServedBlock): Promise<BlockRecord> {
  const number = Number(header.number);
  // One hand-over for all of them (evm-engine.ts, `batch`).
  const answers = header.transactions.length === 0 ? [] : await engine.batch<(ServedReceipt | null)[]>(header.transactions.map((hash) => ["eth_getTransactionReceipt", [hash]] as const));
  const receipts = answers.map((receipt, index) => {
    if (receipt === null) throw new Error(`the engine has no receipt for transaction ${header.transactions[index]} of block ${number}`);
    return receipt;
  });
  return { header, receipts };
}
