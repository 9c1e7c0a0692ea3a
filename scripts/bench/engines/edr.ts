/**
 * Candidate 1, the one the node runs: Hardhat's EDR in process, exactly as the ledger node embeds it
 * (`createEvmEngine`), with the node's own journal (`ChainStore`, a synced LevelDB batch per block) and the
 * node's own restart (`replayChain`: every journaled block re-executed and its hash checked).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SigningKey, computeAddress, hexlify, randomBytes } from "ethers";
import pino from "pino";

import { readBlockRecord } from "../../../ledger-node/chain/block-record";
import { sealBlock } from "../../../ledger-node/chain/block-seal";
import { replayChain } from "../../../ledger-node/chain/chain-replay";
import { createEvmEngine, mineBlock, type EngineBlock, type EvmEngine } from "../../../ledger-node/chain/evm-engine";
import { ChainStore, type ChainMeta } from "../../../ledger-node/store/chain-store";
import { installedVersion } from "../lib/results";
import type { CandidateEngine, RestartFigures } from "./candidate";
import { BLOCK_GAS_LIMIT, CHAIN_ID, GENESIS_TIME } from "./workload";

export async function startEdr(): Promise<CandidateEngine> {
  const dir = mkdtempSync(join(tmpdir(), "engine-edr-"));
  const chain = { chainId: CHAIN_ID, genesisTime: GENESIS_TIME, blockGasLimit: BLOCK_GAS_LIMIT };
  const authority = new SigningKey(hexlify(randomBytes(32)));
  let engine: EvmEngine = await createEvmEngine(chain);
  let store = await ChainStore.open(dir);
  const genesis = await engine.request<EngineBlock>("eth_getBlockByNumber", ["0x0", false]);
  const meta: ChainMeta = { format: 1, ...chain, authority: computeAddress(authority.publicKey), genesisHash: genesis.hash };
  await store.initialise(meta);
  const version = installedVersion("@nomicfoundation/edr");

  return {
    name: "EDR in process (the node's engine, journal and replay)",
    version: `@nomicfoundation/edr ${version}`,
    persistence: "none of its own: the node journals each block's transactions (synced LevelDB batch) and re-executes the journal at start",
    async block(rawTransactions, timestamp) {
      for (const raw of rawTransactions) await engine.request("eth_sendRawTransaction", [raw]);
      const mined = await mineBlock(engine, timestamp);
      const number = Number(mined.number);
      const block = { number, hash: mined.hash, parentHash: mined.parentHash, timestamp, transactions: rawTransactions, seal: sealBlock(authority, CHAIN_ID, number, mined.hash, mined.parentHash) };
      await store.append([{ block, record: await readBlockRecord(engine, mined) }]);
    },
    call: (to, data) => engine.request<string>("eth_call", [{ to, data }, "latest"]),
    async restart(): Promise<RestartFigures> {
      // A crash loses the EVM's memory; the journal is what is left.
      await store.close();
      const started = performance.now();
      store = await ChainStore.open(dir);
      engine = await createEvmEngine(chain);
      await replayChain(engine, store, meta, pino({ level: "silent" }));
      return { secondsToReady: (performance.now() - started) / 1000 };
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
