import { createHardhatNetworkProvider } from "hardhat/internal/hardhat-network/provider/provider";

import type { LedgerNodeConfig } from "../config";
import { TraceRelease } from "./trace-release";

/** The engine's methods that execute EVM code, and so record a trace per executed step (see trace-release.ts). */
const EXECUTING = new Set(["eth_call", "eth_estimateGas", "evm_mine", "eth_sendRawTransaction"]);

/** A JSON-RPC request handler: the EVM's own methods, in process. */
export interface EvmEngine {
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

/** The block fields the node reads back after sealing. */
export interface EngineBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  transactions: string[];
}

/**
 * Mines the next block with the pool's transactions at `timestamp` and returns it. The base fee is set to zero
 * for every block: gas is metered, not charged, and clients send at a price of zero; left to EIP-1559, a block
 * more than half full would raise the next base fee to 1 wei, which integer arithmetic never lowers again, and
 * every zero-price transaction would wait forever. The sealer and the replay both mine through here, so a
 * journaled block re-executes to the same hash.
 */
export async function mineBlock(engine: EvmEngine, timestamp: number): Promise<EngineBlock> {
  await engine.request("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  await engine.request("evm_setNextBlockTimestamp", [timestamp]);
  await engine.request("evm_mine", []);
  return engine.request<EngineBlock>("eth_getBlockByNumber", ["latest", false]);
}

/**
 * The EVM: Hardhat's EDR (Rust), in process, with Cancun rules, automatic mining off (the node seals),
 * a zero base fee (gas is metered, not charged: only registered accounts can send), and a fixed genesis
 * time, so that re-executing the journal rebuilds bit-identical blocks. EDR and Hardhat are pinned in
 * package-lock.json for the same reason.
 */
export async function createEvmEngine(config: Pick<LedgerNodeConfig, "chainId" | "blockGasLimit" | "genesisTime">): Promise<EvmEngine> {
  const provider = await createHardhatNetworkProvider(
    {
      chainId: config.chainId,
      networkId: config.chainId,
      hardfork: "cancun",
      blockGasLimit: config.blockGasLimit,
      initialBaseFeePerGas: 0,
      minGasPrice: 0n,
      throwOnTransactionFailures: false,
      // eth_call and eth_estimateGas of a reverting call fail with the revert data (as geth and Besu do),
      // instead of answering the revert data as if it were a result.
      throwOnCallFailures: true,
      automine: false,
      intervalMining: 0,
      mempoolOrder: "fifo",
      chains: new Map(),
      genesisAccounts: [],
      allowUnlimitedContractSize: false,
      allowBlocksWithSameTimestamp: true,
      initialDate: new Date(config.genesisTime * 1000),
      enableTransientStorage: false,
      enableRip7212: false,
    },
    { enabled: false },
  );
  const traces = new TraceRelease();
  return {
    request: async <T>(method: string, params: unknown[] = []) => {
      try {
        return (await provider.request({ method, params })) as T;
      } finally {
        if (EXECUTING.has(method)) traces.executed();
      }
    },
  };
}
