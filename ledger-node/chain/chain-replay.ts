import type { Logger } from "pino";

import { StoreCorruptedError } from "../errors";
import type { ChainMeta, ChainStore, StoredBlock } from "../store/chain-store";
import { sealSigner } from "./block-seal";
import { mineBlock, type EngineBlock, type EvmEngine } from "./evm-engine";

const PROGRESS_EVERY_MS = 10_000;

/**
 * Rebuilds the chain at start: checks every journaled block (key, number, parent link, authority seal),
 * re-executes it in the EVM with its recorded timestamp, and requires the EVM to produce the very same
 * block hash. Anything else (an edited, reordered, truncated or foreign store) is refused, never served.
 * Returns the head block.
 */
export async function replayChain(
  engine: EvmEngine,
  store: ChainStore,
  meta: ChainMeta,
  logger: Logger,
  onProgress: (done: number) => void = () => undefined,
): Promise<StoredBlock> {
  const genesis = await engine.request<EngineBlock>("eth_getBlockByNumber", ["0x0", false]);
  if (genesis.hash !== meta.genesisHash) {
    throw new StoreCorruptedError(
      `the store belongs to another chain: its genesis is ${meta.genesisHash}, this configuration gives ${genesis.hash} (chain id, genesis time or EVM version changed?)`,
      { expected: meta.genesisHash, actual: genesis.hash },
    );
  }
  let head: StoredBlock = { number: 0, hash: genesis.hash, parentHash: genesis.parentHash, timestamp: Number(genesis.timestamp), transactions: [], seal: "" };
  const started = performance.now();
  // A long journal takes minutes to re-execute: say how far it is, so that nobody takes it for a hang.
  // The head record, read once: the progress aims at it and the end of the replay must meet it.
  const storedHead = await store.head();
  const target = storedHead?.number ?? 0;
  let reported = started;
  for await (const { keyNumber, block } of store.blocks()) {
    const expected = head.number + 1;
    const where = `block ${expected}`;
    if (keyNumber !== expected || block.number !== expected) {
      throw new StoreCorruptedError(`the store is not contiguous: expected ${where}, found block ${block.number} under key ${keyNumber}`, { expected, found: block.number });
    }
    if (block.parentHash !== head.hash) {
      throw new StoreCorruptedError(`${where} does not link to its parent: it names ${block.parentHash}, the parent is ${head.hash}`, { block: expected });
    }
    const signer = sealSigner(block.seal, meta.chainId, block.number, block.hash, block.parentHash);
    if (signer !== meta.authority) {
      throw new StoreCorruptedError(`${where} is not sealed by the ledger's authority ${meta.authority}`, { block: expected, signer });
    }
    if (block.timestamp < head.timestamp) {
      throw new StoreCorruptedError(`${where} is older than its parent`, { block: expected });
    }
    for (const raw of block.transactions) {
      try {
        await engine.request("eth_sendRawTransaction", [raw]);
      } catch (error) {
        throw new StoreCorruptedError(`${where} holds a transaction the EVM refuses on replay`, { block: expected }, { cause: error });
      }
    }
    const rebuilt = await mineBlock(engine, block.timestamp);
    if (rebuilt.hash !== block.hash) {
      throw new StoreCorruptedError(`${where} does not rebuild: the store says ${block.hash}, re-executing it gives ${rebuilt.hash}`, { block: expected });
    }
    head = block;
    onProgress(head.number);
    if (performance.now() - reported >= PROGRESS_EVERY_MS) {
      reported = performance.now();
      const seconds = (reported - started) / 1000;
      logger.info({ block: head.number, of: target, seconds: Math.round(seconds), estimatedSecondsLeft: Math.round((seconds * Math.max(0, target - head.number)) / head.number) }, "rebuilding the chain from the journal");
    }
  }
  if ((storedHead?.number ?? 0) !== head.number || (storedHead !== undefined && storedHead.hash !== head.hash)) {
    throw new StoreCorruptedError(
      `the store is truncated or its head is wrong: the head record names block ${storedHead?.number ?? 0}, the blocks end at ${head.number}`,
      { head: storedHead?.number ?? 0, last: head.number },
    );
  }
  logger.info({ blocks: head.number, ms: Math.round(performance.now() - started) }, "chain rebuilt from the journal");
  return head;
}
