import type { Logger } from "pino";

import { StoreCorruptedError } from "../errors";
import type { BlockRecord, ChainMeta, ChainStore, ServedBlock, StoredBlock } from "../store/chain-store";
import { readBlockRecord } from "./block-record";
import { applyBlock } from "./apply-block";
import type { EngineBlock, EvmEngine } from "./evm-engine";

const PROGRESS_EVERY_MS = 10_000;

/**
 * Rebuilds the chain at start: applies every journaled block in key order (apply-block.ts: number, parent
 * link, authority seal, re-execution to the very same hash) and checks what the node serves of it against the
 * re-execution. Anything else (an edited, reordered, truncated or foreign store) is refused, never served.
 * Returns the head block.
 */
export async function replayChain(
  engine: EvmEngine,
  store: ChainStore,
  meta: ChainMeta,
  logger: Logger,
  onProgress: (done: number) => void = () => undefined,
  /** Where the engine already is (a state snapshot's block, snapshot/restore-snapshot.ts); genesis when absent. */
  from?: StoredBlock,
  /** Called with each block's header once it is applied and checked (the snapshot writer traces it then). */
  afterBlock: (header: ServedBlock) => Promise<void> = async () => undefined,
): Promise<StoredBlock> {
  let head: StoredBlock;
  if (from === undefined) {
    const genesis = await genesisOf(engine, meta);
    await checkRecord(store, 0, await readBlockRecord(engine, genesis));
    head = { number: 0, hash: genesis.hash, parentHash: genesis.parentHash, timestamp: Number(genesis.timestamp), transactions: [], seal: "" };
  } else {
    head = from;
  }
  const started = performance.now();
  // A long journal takes minutes to re-execute: say how far it is, so that nobody takes it for a hang.
  // The head record, read once: the progress aims at it and the end of the replay must meet it.
  const storedHead = await store.head();
  const target = storedHead?.number ?? 0;
  let reported = started;
  for await (const { keyNumber, block } of store.blocks(head.number + 1)) {
    if (keyNumber !== head.number + 1) {
      throw new StoreCorruptedError(`the store is not contiguous: expected block ${head.number + 1}, found block ${block.number} under key ${keyNumber}`, { expected: head.number + 1, found: block.number });
    }
    const record = await applyBlock(engine, store, meta, head, block);
    await checkRecord(store, keyNumber, record);
    await afterBlock(record.header);
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
  logger.info({ blocks: head.number - (from?.number ?? 0), from: from?.number ?? 0, ms: Math.round(performance.now() - started) }, "chain rebuilt from the journal");
  return head;
}

/** The genesis block of a new engine, refused unless it is the chain's (the configuration gives another chain). */
export async function genesisOf(engine: EvmEngine, meta: ChainMeta): Promise<EngineBlock> {
  const genesis = await engine.request<EngineBlock>("eth_getBlockByNumber", ["0x0", false]);
  if (genesis.hash !== meta.genesisHash) {
    throw new StoreCorruptedError(
      `the store belongs to another chain: its genesis is ${meta.genesisHash}, this configuration gives ${genesis.hash} (chain id, genesis time or EVM version changed?)`,
      { expected: meta.genesisHash, actual: genesis.hash },
    );
  }
  return genesis;
}

/**
 * What the node serves of a block must be what re-executing it gives: a store from before the node served
 * blocks, receipts and logs itself gets them now, once; a stored record that differs (edited, or damaged) is
 * refused like an edited journal.
 */
async function checkRecord(store: ChainStore, number: number, rebuilt: BlockRecord): Promise<void> {
  const [header, receipts] = await Promise.all([store.header(number), store.receipts(number)]);
  if (header === undefined) {
    await store.recordServed(number, rebuilt);
    return;
  }
  if (JSON.stringify(header) !== JSON.stringify(rebuilt.header) || JSON.stringify(receipts ?? []) !== JSON.stringify(rebuilt.receipts)) {
    throw new StoreCorruptedError(`block ${number}'s stored header or receipts differ from what re-executing it gives`, { block: number });
  }
}
