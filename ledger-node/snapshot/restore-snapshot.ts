import type { Logger } from "pino";

import { keccak } from "../chain/block-header";
import { createEvmEngine, type EngineBlock, type EvmEngine } from "../chain/evm-engine";
import type { ChainMeta, ChainStore, StoredBlock } from "../store/chain-store";

/** An engine started from the state snapshot, and the block whose state it holds. */
export interface RestoredEngine {
  engine: EvmEngine;
  head: StoredBlock;
  /** What was loaded, and how long reading it from the store and building the engine's state took. */
  loaded: { accounts: number; slots: number; readMs: number; loadMs: number };
}

/**
 * Starts the engine from the node's state snapshot instead of from genesis: the snapshot's accounts and storage
 * are the engine's genesis state, at the snapshot block's time, and `hardhat_mine` then puts the engine's head at
 * the snapshot block's number with empty placeholder blocks (EDR reserves them without executing anything), so
 * that NUMBER is the chain's; the next block's PREVRANDAO is set to the chain's, and the node places each block on
 * its own chain (chain/block-header.ts). The snapshot is used only if the engine's state root
 * is the one the chain's header of that block names: a damaged, truncated or foreign snapshot is set aside and
 * the caller does without it (a start replays the whole journal), never serves
 * it. Returns "none" when there is no snapshot beyond genesis and "refused" when it does not verify.
 */
export async function restoreFromSnapshot(store: ChainStore, meta: ChainMeta, logger: Logger): Promise<RestoredEngine | "none" | "refused"> {
  // A snapshot brought forward between reading the mark and reading the state (by a writer running meanwhile)
  // is read again, whole, at its new mark.
  for (;;) {
    const mark = await store.snapshotMark();
    if (mark === undefined || mark.number === 0) return "none";
    const started = performance.now();
    const [header, block] = await Promise.all([store.header(mark.number), store.block(mark.number)]);
    if (header === undefined || block === undefined || header.hash !== mark.hash || header.stateRoot !== mark.stateRoot) {
      logger.warn({ snapshot: mark }, "the state snapshot does not belong to this chain's journal: refused");
      return "refused";
    }
    let state;
    try {
      state = await store.snapshotState(mark);
    } catch (error) {
      logger.warn({ err: error, snapshot: mark.number }, "the state snapshot cannot be read: refused");
      return "refused";
    }
    if (state === undefined) continue; // written anew meanwhile
    const read = performance.now();
    const engine = await createEvmEngine(meta, { state, time: Number(header.timestamp) });
    const genesis = await engine.request<EngineBlock>("eth_getBlockByNumber", ["0x0", false]);
    if (genesis.stateRoot !== header.stateRoot) {
      logger.warn({ snapshot: mark.number, expected: header.stateRoot, actual: genesis.stateRoot }, "the state snapshot does not verify (its state root is not the chain's): refused");
      return "refused";
    }
    // hardhat_mine mines its first placeholder at the engine's clock, which runs from its genesis time since the
    // engine was created: a second ticking over in between would date the placeholders after block S, and a next
    // block of the same second as S (the sealer's blocks often are) would then be refused as older than its parent.
    await engine.request("evm_setNextBlockTimestamp", [Number(header.timestamp)]);
    await engine.request("hardhat_mine", [`0x${mark.number.toString(16)}`, "0x0"]);
    // Placeholders draw no mix hash: the next block's PREVRANDAO continues the chain's sequence from block S's.
    await engine.request("hardhat_setPrevRandao", [keccak(header.mixHash as string)]);
    const loaded = { accounts: state.length, slots: state.reduce((sum, account) => sum + (account.storage?.length ?? 0), 0), readMs: Math.round(read - started), loadMs: Math.round(performance.now() - read) };
    logger.info({ block: mark.number, ...loaded }, "engine started from the state snapshot");
    return { engine, head: block, loaded };
  }
}
