// First: sets the allocator's options before EDR's native module (and its mimalloc) is loaded.
import "./engine-allocator";
import "./engine-state-cache";

import { CANCUN, ContractDecoder, type AccountOverride, EdrContext, GENERIC_CHAIN_TYPE, IncludeTraces, MineOrdering, genericChainProviderFactory, l1GenesisState, l1HardforkFromString, type Provider } from "@nomicfoundation/edr";

import type { LedgerNodeConfig } from "../config";
import type { ServedBlock } from "../store/chain-store";
import { TraceRelease } from "./trace-release";

/**
 * The engine's methods whose answer may own a recorded trace, freed only when the answer is collected
 * (trace-release.ts). EDR 0.13 records every executed step of every execution (its observer's tracing
 * inspector is created unconditionally, for Solidity stack traces of failures) but frees the recording in
 * Rust when the request ends, unless the answer carries it: call traces are off, so only the stack trace of a
 * failed simulation does. `evm_mine` answers a string, and `eth_sendRawTransaction` executes nothing with
 * mining off (the pool only validates); a forced collection after each of them, up to 50 a second under
 * load, freed nothing (measured: the same resident memory over 100 blocks of 400 invoices, with and without).
 */
const EXECUTING = new Set(["eth_call", "eth_estimateGas"]);

/** One request of a batch: a method and its parameters. */
export type EngineCall = readonly [method: string, params: readonly unknown[]];

/** A JSON-RPC request handler: the EVM's own methods, in process. */
export interface EvmEngine {
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /**
   * Several requests in one hand-over to the engine, executed in order under its lock, with nothing of anyone
   * else's between them; answers in the same order. The first refusal stops the batch (what ran before it has
   * taken effect, as in sequence) and is thrown. One hand-over instead of one per request: each costs JSON
   * both ways, a task on the engine's thread pool and the wake-ups of two threads.
   */
  batch<T extends unknown[] = unknown[]>(calls: readonly EngineCall[]): Promise<T>;
}

/** A block as the engine answers `eth_getBlockByNumber(n, false)`: every header field, and the transactions' hashes. */
export type EngineBlock = ServedBlock;

/**
 * Mines the next block with the pool's transactions at `timestamp` and returns it. The base fee is set to zero
 * for every block: gas is metered, not charged, and clients send at a price of zero; left to EIP-1559, a block
 * more than half full would raise the next base fee to 1 wei, which integer arithmetic never lowers again, and
 * every zero-price transaction would wait forever. The sealer and the replay both mine through here, so a
 * journaled block re-executes to the same hash.
 */
export async function mineBlock(engine: EvmEngine, timestamp: number): Promise<EngineBlock> {
  const answers = await engine.batch<[unknown, unknown, unknown, EngineBlock]>([
    ["hardhat_setNextBlockBaseFeePerGas", ["0x0"]],
    ["evm_setNextBlockTimestamp", [timestamp]],
    ["evm_mine", []],
    ["eth_getBlockByNumber", ["latest", false]],
  ]);
  return answers[3];
}

/** The coinbase Hardhat's network uses: blocks journaled since the first start name it, so it stays. */
const COINBASE = "0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e";

/**
 * The engine's callbacks, made once here and never inside `createEvmEngine`: EDR holds them from native code for
 * as long as the engine lives (a GC root), and a function made inside would hold that call's scope, which holds
 * the engine itself, so that an engine the node drops was never freed. Measured 2026-11-27: five engines made
 * and dropped in turn, each after 150 blocks of 4 transactions (200 storage writes each), with a full collection
 * and 12 s after each: 175 / 228 / 294 / 349 / 419 MB resident with the callbacks made inside, 110 / 107 / 114 /
 * 119 / 120 MB with these. The node drops an engine whose snapshot state does not verify at start (a whole
 * state's worth of memory, before it replays the journal with another), and the tests make many.
 */
const LOGGER = { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => undefined };
const SUBSCRIPTIONS = { subscriptionCallback: () => undefined };

/** EDR's context: one per process ("should only be called once"), with the chain type the node uses registered. */
let context: Promise<EdrContext> | undefined;
function edrContext(): Promise<EdrContext> {
  context ??= (async () => {
    const created = new EdrContext();
    await created.registerProviderFactory(GENERIC_CHAIN_TYPE, genericChainProviderFactory());
    return created;
  })();
  return context;
}

/** A JSON-RPC error the engine answered, thrown as the node's RPC layer expects one (code, message, data). */
class EngineError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data: unknown,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));

/**
 * The EVM: EDR (Rust), the engine of Hardhat, used directly as a pinned dependency (`@nomicfoundation/edr`, not
 * through Hardhat's internals), in process, with Cancun rules, automatic mining off (the node seals), a zero
 * base fee (gas is metered, not charged: only registered accounts can send), and a fixed genesis time, so that
 * re-executing the journal rebuilds bit-identical blocks (the same blocks Hardhat's EDR 0.12 built: same genesis,
 * coinbase and rules). Call traces are off: nothing here reads them, and recording them per executed step was
 * most of a block's execution time and memory.
 */
export async function createEvmEngine(config: Pick<LedgerNodeConfig, "chainId" | "blockGasLimit" | "genesisTime">, from?: { state: AccountOverride[]; time: number }): Promise<EvmEngine> {
  const gasLimit = BigInt(config.blockGasLimit);
  const provider: Provider = await (await edrContext()).createProvider(
    GENERIC_CHAIN_TYPE,
    {
      allowBlocksWithSameTimestamp: true,
      allowUnlimitedContractSize: false,
      // eth_call and eth_estimateGas of a reverting call fail with the revert data (as geth and Besu do),
      // instead of answering the revert data as if it were a result.
      bailOnCallFailure: true,
      bailOnTransactionFailure: false,
      chainId: BigInt(config.chainId),
      coinbase: bytes(COINBASE),
      defaultTransactionGasLimit: gasLimit,
      // The chain's genesis, or (snapshot/restore-snapshot.ts) the state of a later block, as of its time.
      genesisState: from?.state ?? genesisState(),
      hardfork: CANCUN,
      initialBaseFeePerGas: 0n,
      minGasPrice: 0n,
      mining: { autoMine: false, blockGasLimit: gasLimit, memPool: { order: MineOrdering.Fifo } },
      network: { genesisBlockGasLimit: gasLimit, genesisBlockTime: BigInt(from?.time ?? config.genesisTime) },
      networkId: BigInt(config.chainId),
      observability: { includeCallTraces: IncludeTraces.None },
      ownedAccounts: [],
      precompileOverrides: [],
    },
    LOGGER,
    SUBSCRIPTIONS,
    new ContractDecoder(),
  );
  const traces = new TraceRelease();
  let id = 0;
  /** Hands one request (an object) or a batch (an array) to the engine; its `result`, or its refusal thrown. */
  const handle = async <T>(body: unknown, executes: boolean): Promise<T> => {
    try {
      const response = await provider.handleRequest(JSON.stringify(body));
      const answer = (typeof response.data === "string" ? JSON.parse(response.data) : response.data) as { result?: T; error?: { code: number; message: string; data?: unknown } };
      if (answer.error !== undefined) throw new EngineError(answer.error.message, answer.error.code, answer.error.data);
      return answer.result as T;
    } finally {
      if (executes) traces.executed();
    }
  };
  return {
    request: <T>(method: string, params: unknown[] = []) => handle<T>({ jsonrpc: "2.0", id: ++id, method, params }, EXECUTING.has(method)),
    batch: <T extends unknown[]>(calls: readonly EngineCall[]) =>
      handle<T>(
        calls.map(([method, params]) => ({ jsonrpc: "2.0", id: ++id, method, params })),
        calls.some(([method]) => EXECUTING.has(method)),
      ),
  };
}

/** The genesis state of every chain of this node: Cancun's system contracts (EIP-4788's beacon roots), nothing else. */
export function genesisState(): AccountOverride[] {
  return l1GenesisState(l1HardforkFromString(CANCUN));
}
