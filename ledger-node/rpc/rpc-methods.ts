import type { Admission } from "../chain/admission";
import type { BlockSealer } from "../chain/block-sealer";
import type { EvmEngine } from "../chain/evm-engine";
import type { ReadWriteLock } from "../chain/read-write-lock";
import { LedgerNodeError } from "../errors";
import { RPC, RpcError } from "./rpc-error";

/** Standard methods answered by the EVM as they are (under the read lock: only durable blocks are seen). */
const EVM_READS = new Set([
  "eth_chainId", "net_version", "eth_blockNumber",
  "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getBlockTransactionCountByNumber", "eth_getBlockTransactionCountByHash",
  "eth_getTransactionByHash", "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionByBlockHashAndIndex", "eth_getTransactionReceipt",
  "eth_getLogs", "eth_newFilter", "eth_newBlockFilter", "eth_getFilterChanges", "eth_getFilterLogs", "eth_uninstallFilter",
  "eth_call", "eth_estimateGas", "eth_getTransactionCount", "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_feeHistory",
  "web3_sha3",
]);

export const CLIENT_VERSION = "EInvoiceLedgerNode/v0.1.0/edr";

export interface RpcContext {
  engine: EvmEngine;
  lock: ReadWriteLock;
  admission: Admission;
  sealer: BlockSealer;
  maxLogsPerAnswer: number;
  onRefused(reason: string): void;
}

/**
 * The node's JSON-RPC surface: the standard Ethereum methods that ethers, viem, Hardhat and wallets use.
 * Nothing node-specific is needed by any client; test and development methods (`hardhat_*`, `evm_*`,
 * `debug_*`) are not exposed, and there are no unlocked accounts.
 */
export async function dispatch(ctx: RpcContext, method: string, params: unknown[]): Promise<unknown> {
  if (method === "eth_getLogs" || method === "eth_getFilterLogs") {
    const logs = (await ctx.lock.read(() => ctx.engine.request(method, params))) as unknown[];
    if (logs.length > ctx.maxLogsPerAnswer) {
      throw new RpcError(RPC.LIMIT_EXCEEDED, `query returned more than ${ctx.maxLogsPerAnswer} results; ask for a narrower block range`, { code: "TOO_MANY_LOGS", limit: ctx.maxLogsPerAnswer, found: logs.length });
    }
    return logs;
  }
  if (EVM_READS.has(method)) return ctx.lock.read(() => ctx.engine.request(method, params));
  switch (method) {
    case "eth_sendRawTransaction": {
      const raw = params[0];
      if (typeof raw !== "string" || !/^0x[0-9a-fA-F]+$/.test(raw)) throw new RpcError(RPC.INVALID_PARAMS, "expected one hex-encoded signed transaction");
      let admitted: { hash: string };
      try {
        admitted = await ctx.admission.admit(raw);
      } catch (error) {
        if (error instanceof LedgerNodeError) ctx.onRefused(error.code);
        throw error;
      }
      return ctx.sealer.submit(raw, admitted.hash);
    }
    // A fixed price of zero: gas is metered and bounded per block, but not charged; only registered accounts send.
    case "eth_gasPrice":
    case "eth_maxPriorityFeePerGas":
      return "0x0";
    case "web3_clientVersion":
      return CLIENT_VERSION;
    case "eth_accounts":
      return [];
    case "eth_syncing":
    case "eth_mining":
      return false;
    case "net_listening":
      return true;
    case "net_peerCount":
      return "0x0";
    default:
      throw new RpcError(RPC.METHOD_NOT_FOUND, `the method ${method} does not exist or is not available on this ledger`);
  }
}
