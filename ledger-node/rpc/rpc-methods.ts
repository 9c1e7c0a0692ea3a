import type { Admission } from "../chain/admission";
import type { BlockSealer } from "../chain/block-sealer";
import type { EnginePriority } from "../chain/engine-priority";
import type { EvmEngine } from "../chain/evm-engine";
import type { ReadWriteLock } from "../chain/read-write-lock";
import { LedgerNodeError, ReadOnlyStandbyError } from "../errors";
import type { ChainStore } from "../store/chain-store";
import type { ChainReads } from "./chain-reads";
import type { FilterTable } from "./filter-table";
import { RECENT_STATE_BLOCKS } from "../chain/engine-state-cache";
import { blockNumberParam } from "./block-tags";
import { parseLogCriteria, queryLogs, rangeOf, type LogCriteria, type LogLimits } from "./log-query";
import { RPC, RpcError } from "./rpc-error";
import type { SimulationGate } from "./simulation-gate";

/**
 * Standard methods that read the current state, answered by the EVM under the read lock (only durable blocks
 * are seen). Everything about the chain's history (blocks, transactions, receipts, logs) is answered from the
 * node's own store instead (chain-reads.ts, log-query.ts, filter-table.ts).
 */
const STATE_READS = new Set([
  "eth_chainId", "net_version",
  "eth_getTransactionCount", "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getProof",
  "web3_sha3",
]);

/** Where the block parameter is, for the state reads that take one. */
const STATE_BLOCK_PARAM: Record<string, number> = { eth_getTransactionCount: 1, eth_getBalance: 1, eth_getCode: 1, eth_getStorageAt: 2, eth_getProof: 2 };

/**
 * A state read's block parameter as the engine must be asked it: a block hash (EIP-1898) becomes its number (the
 * engine's own hashes of blocks before its snapshot are placeholders), and a block older than the state the engine
 * holds is refused, as a node that prunes old state refuses it (geth: "missing trie node"), rather than answered
 * with a later state.
 */
async function stateBlock(ctx: RpcContext, tag: unknown): Promise<unknown> {
  let number: number | undefined;
  let hashed = false;
  if (typeof tag === "object" && tag !== null && !Array.isArray(tag)) {
    const { blockHash, blockNumber } = tag as { blockHash?: unknown; blockNumber?: unknown };
    if (blockHash !== undefined) {
      number = await ctx.reads.numberOfHash(blockHash);
      if (number === undefined) throw new RpcError(RPC.SERVER_ERROR, `header not found: no block ${String(blockHash)}`, { code: "UNKNOWN_BLOCK" });
      hashed = true;
    } else if (blockNumber !== undefined) number = blockNumberParam(blockNumber, ctx.head());
  } else if (tag === "earliest" || (typeof tag === "string" && tag.startsWith("0x"))) {
    number = blockNumberParam(tag, ctx.head());
  }
  const floor = ctx.stateFloor();
  const oldest = Math.max(floor, ctx.head() - RECENT_STATE_BLOCKS + 1);
  if (number !== undefined && number < oldest) {
    const why = oldest === floor ? "its engine started, at a start or a renewal, from a state snapshot of that block" : `it keeps the state of the newest ${RECENT_STATE_BLOCKS} blocks`;
    throw new RpcError(RPC.SERVER_ERROR, `the state of block ${number} is not available: this node holds the state from block ${oldest} on (${why})`, { code: "STATE_NOT_AVAILABLE", oldest });
  }
  return hashed && number !== undefined ? `0x${number.toString(16)}` : tag;
}

export const CLIENT_VERSION = "EInvoiceLedgerNode/v0.1.0/edr";

export interface RpcContext {
  engine: EvmEngine;
  lock: ReadWriteLock;
  /** The newest acknowledged block's number: nothing above it is visible. */
  head(): number;
  /** The oldest block whose state the engine holds (it started, or was renewed, from a snapshot of it); 0 when it replayed all. */
  stateFloor(): number;
  /** What takes transactions: undefined on a standby, which refuses them with READ_ONLY_STANDBY. */
  writer(): { admission: Admission; sealer: BlockSealer } | undefined;
  /** On a standby: the primary it follows (named in the refusal). */
  primaryUrl: string | undefined;
  store: ChainStore;
  reads: ChainReads;
  logLimits: LogLimits;
  simulations: SimulationGate;
  /** A transaction being admitted goes before the snapshot's tracing on the engine, as a block being mined does. */
  priority: EnginePriority;
  filters: FilterTable;
  onRefused(reason: string): void;
}

/** Who asks: a trusted caller presented the admin token. */
export interface Caller {
  trusted: boolean;
}

/**
 * The node's JSON-RPC surface: the standard Ethereum methods that ethers, viem, Hardhat and wallets use.
 * Nothing node-specific is needed by any client; the one read of our own, `ledger_getBlockSeal` (a block's
 * authority seal, chain-reads.ts), is optional: a client on another chain gets -32601 and does without. Test and
 * development methods (`hardhat_*`, `evm_*`, `debug_*`) are not exposed, and there are no unlocked accounts.
 */
export async function dispatch(ctx: RpcContext, method: string, params: unknown[], caller: Caller = { trusted: false }): Promise<unknown> {
  if (method === "eth_call" || method === "eth_estimateGas") {
    const call = ctx.simulations.capGas(params[0], caller.trusted);
    if (params.length > 1) params = [params[0], await stateBlock(ctx, params[1]), ...params.slice(2)];
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
  // History is read from the store, but under the read lock like everything else: a read that arrives while a
  // block is being sealed waits for it, so that no client sees the receipt missing and then a head that already
  // includes it (ethers' wait() would then wait for a block that never comes: it checks the receipt, then takes
  // the head as where to wait from).
  const history = Object.hasOwn(ctx.reads.methods, method) ? ctx.reads.methods[method] : undefined;
  if (history !== undefined) return ctx.lock.read(() => history(params));
  switch (method) {
    case "eth_getLogs": {
      const criteria = parseLogCriteria(params[0]);
      return ctx.lock.read(() => queryLogs(ctx.store, ctx.reads, ctx.head(), criteria, ctx.logLimits));
    }
    case "eth_newFilter": {
      const criteria = parseLogCriteria(params[0]);
      if (criteria.blockHash === undefined) checkRange(ctx, criteria);
      return ctx.filters.install("logs", criteria);
    }
    case "eth_newBlockFilter":
      return ctx.filters.install("blocks");
    case "eth_getFilterChanges":
      return ctx.lock.read(() => ctx.filters.changes(params[0]));
    case "eth_getFilterLogs":
      return ctx.lock.read(() => ctx.filters.logs(params[0]));
    case "eth_uninstallFilter":
      return ctx.filters.uninstall(params[0]);
  }
  // The next nonce of a sender, counting its transactions waiting in the pool: from the pool itself. EDR answers
  // "pending" from a pending block it mines from its pool (every waiting transaction executed, for each read), and
  // a block holds what fits its gas: with more waiting than one block takes, it answered a nonce already taken.
  if (method === "eth_getTransactionCount" && params[1] === "pending") {
    const writer = ctx.writer();
    if (writer !== undefined) {
      return ctx.priority.urgently(() => ctx.lock.read(async () => {
        const latest = BigInt(await ctx.engine.request<string>(method, [params[0], "latest"]));
        return `0x${writer.sealer.pendingNonce(String(params[0]), latest).toString(16)}`;
      }));
    }
  }
  if (STATE_READS.has(method)) {
    const at = STATE_BLOCK_PARAM[method];
    if (at !== undefined && params.length > at) params = [...params.slice(0, at), await stateBlock(ctx, params[at]), ...params.slice(at + 1)];
    return ctx.lock.read(() => ctx.engine.request(method, params));
  }
  switch (method) {
    case "eth_sendRawTransaction": {
      const raw = params[0];
      if (typeof raw !== "string" || !/^0x[0-9a-fA-F]+$/.test(raw)) throw new RpcError(RPC.INVALID_PARAMS, "expected one hex-encoded signed transaction");
      try {
        const writer = ctx.writer();
        if (writer === undefined) {
          throw new ReadOnlyStandbyError(`this node is a standby${ctx.primaryUrl === undefined ? "" : ` of ${ctx.primaryUrl}`}: it serves reads; send transactions to the primary`, { primary: ctx.primaryUrl ?? null });
        }
        // Admission goes before the snapshot's tracing; the answer may wait for a later block's room (the sealer
        // hands the transaction to the engine then, as urgently), and the tracing need not wait for that.
        const { answer } = await ctx.priority.urgently(async () => {
          const admitted = await writer.admission.admit(raw);
          return { answer: writer.sealer.submit(raw, admitted) };
        });
        return await answer;
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

/** Refuses a filter whose range is already wider than a logs query may be (-32005, `BLOCK_RANGE_TOO_LARGE`). */
function checkRange(ctx: RpcContext, criteria: LogCriteria): void {
  const { from, to } = rangeOf(criteria, ctx.head());
  if (to - from + 1 > ctx.logLimits.maxLogBlockRange) {
    throw new RpcError(RPC.LIMIT_EXCEEDED, `the query spans ${to - from + 1} blocks, more than ${ctx.logLimits.maxLogBlockRange}; ask for a narrower block range`, { code: "BLOCK_RANGE_TOO_LARGE", limit: ctx.logLimits.maxLogBlockRange });
  }
}
