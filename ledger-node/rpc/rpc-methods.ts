import type { Admission } from "../chain/admission";
import type { BlockSealer } from "../chain/block-sealer";
import type { EvmEngine } from "../chain/evm-engine";
import type { ReadWriteLock } from "../chain/read-write-lock";
import { LedgerNodeError } from "../errors";
import type { FilterTable } from "./filter-table";
import { RPC, RpcError } from "./rpc-error";
import type { SimulationGate } from "./simulation-gate";

/** Standard methods answered by the EVM as they are (under the read lock: only durable blocks are seen). */
const EVM_READS = new Set([
  "eth_chainId", "net_version", "eth_blockNumber",
  "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getBlockTransactionCountByNumber", "eth_getBlockTransactionCountByHash",
  "eth_getTransactionByHash", "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionByBlockHashAndIndex", "eth_getTransactionReceipt",
  "eth_getTransactionCount", "eth_getBalance", "eth_getCode", "eth_getStorageAt",
  "web3_sha3",
]);

/** Geth's bounds of eth_feeHistory: blocks per answer (clamped) and reward percentiles (refused beyond). */
const MAX_FEE_HISTORY_BLOCKS = 1_024;
const MAX_REWARD_PERCENTILES = 100;

export const CLIENT_VERSION = "EInvoiceLedgerNode/v0.1.0/edr";

export interface RpcContext {
  engine: EvmEngine;
  lock: ReadWriteLock;
  admission: Admission;
  sealer: BlockSealer;
  maxLogsPerAnswer: number;
  maxLogBlockRange: number;
  simulations: SimulationGate;
  filters: FilterTable;
  onRefused(reason: string): void;
}

/** Who asks: a trusted caller presented the admin token. */
export interface Caller {
  trusted: boolean;
}

/**
 * The node's JSON-RPC surface: the standard Ethereum methods that ethers, viem, Hardhat and wallets use.
 * Nothing node-specific is needed by any client; test and development methods (`hardhat_*`, `evm_*`,
 * `debug_*`) are not exposed, and there are no unlocked accounts.
 */
export async function dispatch(ctx: RpcContext, method: string, params: unknown[], caller: Caller = { trusted: false }): Promise<unknown> {
  if (method === "eth_call" || method === "eth_estimateGas") {
    const call = ctx.simulations.capGas(params[0], caller.trusted);
    // Outside the read lock while waiting its turn, so that queued calls never hold the sealer back.
    try {
      return await ctx.simulations.run(() => ctx.lock.read(() => ctx.engine.request(method, [call, ...params.slice(1)])));
    } catch (error) {
      // The engine reports a halt for want of gas with empty revert data, which would read as a revert (geth: "out of gas").
      if (/ran out of gas/i.test((error as { message?: unknown }).message as string)) {
        throw new RpcError(RPC.SERVER_ERROR, `out of gas: the call ran out of its ${BigInt(call.gas as string)} gas (this node gives one call at most ${caller.trusted ? ctx.simulations.trustedGasCap : ctx.simulations.gasCap})`, { code: "OUT_OF_GAS" });
      }
      throw error;
    }
  }
  if (method === "eth_newFilter" || method === "eth_newBlockFilter") {
    if (method === "eth_newFilter") checkBlockRange(ctx, params[0]);
    return ctx.filters.install(() => ctx.lock.read(() => ctx.engine.request(method, params)));
  }
  if (method === "eth_getFilterChanges") {
    ctx.filters.polled(params[0]);
    return ctx.lock.read(() => ctx.engine.request(method, params));
  }
  if (method === "eth_uninstallFilter") {
    ctx.filters.uninstalled(params[0]);
    return ctx.lock.read(() => ctx.engine.request(method, params));
  }
  if (method === "eth_feeHistory") {
    const [count, newest, percentiles] = params;
    if (Array.isArray(percentiles) && percentiles.length > MAX_REWARD_PERCENTILES) {
      throw new RpcError(RPC.INVALID_PARAMS, `at most ${MAX_REWARD_PERCENTILES} reward percentiles`, { code: "INVALID_REQUEST" });
    }
    const blocks = typeof count === "number" ? count : typeof count === "string" && /^0x[0-9a-fA-F]{1,16}$/.test(count) ? Number(BigInt(count)) : undefined;
    if (blocks === undefined || !Number.isSafeInteger(blocks) || blocks < 0) throw new RpcError(RPC.INVALID_PARAMS, "blockCount must be a quantity", { code: "INVALID_REQUEST" });
    const clamped = [`0x${Math.min(blocks, MAX_FEE_HISTORY_BLOCKS).toString(16)}`, newest, ...params.slice(2)];
    return ctx.lock.read(() => ctx.engine.request(method, clamped));
  }
  if (method === "eth_getLogs" || method === "eth_getFilterLogs") {
    if (method === "eth_getLogs") checkBlockRange(ctx, params[0]);
    else ctx.filters.polled(params[0]);
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
      try {
        const admitted = await ctx.admission.admit(raw);
        return await ctx.sealer.submit(raw, admitted.hash, admitted.from, admitted.executable);
      } catch (error) {
        if (error instanceof LedgerNodeError) ctx.onRefused(error.code);
        throw error;
      }
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

/**
 * Refuses a logs query that spans more than `maxLogBlockRange` blocks (-32005, `BLOCK_RANGE_TOO_LARGE`):
 * the engine builds the whole answer before it can be counted. Clients page by block range.
 */
function checkBlockRange(ctx: RpcContext, filter: unknown): void {
  if (typeof filter !== "object" || filter === null) return; // the engine answers malformed filters itself
  const { fromBlock, toBlock, blockHash } = filter as { fromBlock?: unknown; toBlock?: unknown; blockHash?: unknown };
  if (blockHash !== undefined) return;
  const head = ctx.sealer.headBlock.number;
  const from = blockNumberOf(fromBlock, head);
  const to = blockNumberOf(toBlock, head);
  if (from === undefined || to === undefined) return;
  if (to - from + 1 > ctx.maxLogBlockRange) {
    throw new RpcError(RPC.LIMIT_EXCEEDED, `the query spans ${to - from + 1} blocks, more than ${ctx.maxLogBlockRange}; ask for a narrower block range`, { code: "BLOCK_RANGE_TOO_LARGE", limit: ctx.maxLogBlockRange });
  }
}

/** A block parameter as a number (tags resolved against the head); undefined when it is not one the engine would take. */
function blockNumberOf(tag: unknown, head: number): number | undefined {
  if (tag === undefined || tag === null || tag === "latest" || tag === "safe" || tag === "finalized" || tag === "pending") return head;
  if (tag === "earliest") return 0;
  if (typeof tag === "string" && /^0x[0-9a-fA-F]{1,16}$/.test(tag)) return Math.min(Number(BigInt(tag)), head);
  return undefined;
}
