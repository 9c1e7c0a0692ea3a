import { sealSigner } from "../chain/block-seal";
import { transactionJson } from "../chain/transaction-json";
import { StoreCorruptedError } from "../errors";
import type { ChainStore, ServedBlock } from "../store/chain-store";
import { blockNumberParam, hashParam, indexParam, quantity } from "./block-tags";
import { RPC, RpcError } from "./rpc-error";

/** Geth's bounds of eth_feeHistory: blocks per answer (clamped) and reward percentiles (refused beyond). */
const MAX_FEE_HISTORY_BLOCKS = 1_024;
const MAX_REWARD_PERCENTILES = 100;

/** The answer of `ledger_getBlockSeal`: the fields the seal signs, the signature, and who signed it. */
export interface BlockSeal {
  number: string;
  hash: string;
  parentHash: string;
  chainId: string;
  /** The address recovered from the seal; null if it does not recover (never for a store that verified). */
  signer: string | null;
  /** The authority's 65-byte secp256k1 signature over `sealDigest(chainId, number, hash, parentHash)`. */
  seal: string;
}

/**
 * The chain's history as JSON-RPC answers it, from the node's own store: blocks, transactions, receipts, fee
 * history. Nothing here asks the engine. Only what is acknowledged is visible: `head()` is the newest block
 * whose journal entry and head record are on disk, and anything above it reads as unknown (null).
 */
export class ChainReads {
  constructor(
    private readonly store: ChainStore,
    private readonly head: () => number,
  ) {}

  /** The chain's id, read once from the store's meta (written at genesis, never changed). */
  private chainId: number | undefined;

  /** The methods this class answers, by name. */
  readonly methods: Record<string, (params: unknown[]) => Promise<unknown>> = {
    eth_blockNumber: async () => quantity(this.head()),
    eth_getBlockByNumber: async ([tag, full]) => this.blockAt(blockNumberParam(tag, this.head()), full === true),
    eth_getBlockByHash: async ([hash, full]) => this.blockAt(await this.numberOfHash(hash), full === true),
    eth_getBlockTransactionCountByNumber: async ([tag]) => this.transactionCount(blockNumberParam(tag, this.head())),
    eth_getBlockTransactionCountByHash: async ([hash]) => this.transactionCount(await this.numberOfHash(hash)),
    eth_getTransactionByHash: async ([hash]) => {
      const position = await this.positionOf(hash);
      return position === undefined ? null : this.transactionAt(position.block, position.index);
    },
    eth_getTransactionByBlockNumberAndIndex: async ([tag, index]) => this.transactionAt(blockNumberParam(tag, this.head()), indexParam(index)),
    eth_getTransactionByBlockHashAndIndex: async ([hash, index]) => this.transactionAt(await this.numberOfHash(hash), indexParam(index)),
    eth_getTransactionReceipt: async ([hash]) => {
      const position = await this.positionOf(hash);
      if (position === undefined) return null;
      return (await this.store.receipts(position.block))?.[position.index] ?? null;
    },
    eth_feeHistory: async ([count, newest, percentiles]) => this.feeHistory(count, newest, percentiles),
    ledger_getBlockSeal: async ([block]) => this.sealAt(typeof block === "string" && block.length === 66 ? await this.numberOfHash(block) : blockNumberParam(block, this.head())),
  };

  /** The visible header of block `number`, or undefined. */
  async header(number: number | undefined): Promise<ServedBlock | undefined> {
    if (number === undefined || number > this.head()) return undefined;
    return this.store.header(number);
  }

  /** The number of the visible block with this hash, or undefined. */
  async numberOfHash(hash: unknown): Promise<number | undefined> {
    const number = await this.store.blockNumberOfHash(hashParam(hash, "the block hash"));
    return number === undefined || number > this.head() ? undefined : number;
  }

  /**
   * `ledger_getBlockSeal`: the authority's seal of a visible block (chain/block-seal.ts), as journaled with it, so
   * that a client can check offline that the bureau's node produced the block whose header it holds (the proof
   * bundles of lib/proof/). `signer` is recovered from the seal for convenience only: a verifier recovers it
   * itself. Genesis is not sealed (the chain's configuration fixes it), and an unknown block is null.
   */
  private async sealAt(number: number | undefined): Promise<BlockSeal | null> {
    if (number === undefined || number === 0 || number > this.head()) return null;
    const block = await this.store.block(number);
    if (block === undefined) return null;
    this.chainId ??= (await this.store.meta())?.chainId;
    if (this.chainId === undefined) throw new StoreCorruptedError("the store has blocks but no chain meta");
    return {
      number: quantity(block.number),
      hash: block.hash,
      parentHash: block.parentHash,
      chainId: quantity(this.chainId),
      signer: sealSigner(block.seal, this.chainId, block.number, block.hash, block.parentHash) ?? null,
      seal: block.seal,
    };
  }

  private async positionOf(hash: unknown): Promise<{ block: number; index: number } | undefined> {
    const position = await this.store.transactionPosition(hashParam(hash, "the transaction hash"));
    return position === undefined || position.block > this.head() ? undefined : position;
  }

  private async blockAt(number: number | undefined, full: boolean): Promise<unknown> {
    const header = await this.header(number);
    if (header === undefined || number === undefined) return null;
    if (!full || header.transactions.length === 0) return header;
    const block = await this.store.block(number);
    const raws = block?.transactions ?? [];
    return { ...header, transactions: raws.map((raw, index) => this.format(header, raw, index)) };
  }

  private async transactionCount(number: number | undefined): Promise<string | null> {
    const header = await this.header(number);
    return header === undefined ? null : quantity(header.transactions.length);
  }

  private async transactionAt(number: number | undefined, index: number): Promise<unknown> {
    const header = await this.header(number);
    if (header === undefined || number === undefined || index >= header.transactions.length) return null;
    const raw = (await this.store.block(number))?.transactions[index];
    return raw === undefined ? null : this.format(header, raw, index);
  }

  private format(header: ServedBlock, raw: string, index: number): Record<string, unknown> {
    const json = transactionJson(raw, { blockHash: header.hash, blockNumber: Number(header.number), index, baseFeePerGas: BigInt((header.baseFeePerGas as string | undefined) ?? "0x0") });
    // The journal's bytes must be the transaction the header lists (below a state snapshot nothing re-executed them).
    if (json.hash !== header.transactions[index]) {
      throw new StoreCorruptedError(`transaction ${index} of block ${Number(header.number)} in the journal is not the one its header lists`, { block: Number(header.number), index });
    }
    return json;
  }

  /** eth_feeHistory from the stored headers. Gas is not charged here: every reward percentile is zero. */
  private async feeHistory(count: unknown, newest: unknown, percentiles: unknown): Promise<unknown> {
    if (percentiles !== undefined && percentiles !== null && (!Array.isArray(percentiles) || percentiles.some((p) => typeof p !== "number" || !(p >= 0 && p <= 100)))) {
      throw new RpcError(RPC.INVALID_PARAMS, "reward percentiles must be numbers from 0 to 100", { code: "INVALID_REQUEST" });
    }
    if (Array.isArray(percentiles) && percentiles.length > MAX_REWARD_PERCENTILES) {
      throw new RpcError(RPC.INVALID_PARAMS, `at most ${MAX_REWARD_PERCENTILES} reward percentiles`, { code: "INVALID_REQUEST" });
    }
    const blocks = typeof count === "number" ? count : typeof count === "string" && /^0x[0-9a-fA-F]{1,16}$/.test(count) ? Number(BigInt(count)) : undefined;
    if (blocks === undefined || !Number.isSafeInteger(blocks) || blocks < 0) throw new RpcError(RPC.INVALID_PARAMS, "blockCount must be a quantity", { code: "INVALID_REQUEST" });
    const last = Math.min(blockNumberParam(newest, this.head(), "newestBlock"), this.head());
    const first = Math.max(0, last - Math.min(blocks, MAX_FEE_HISTORY_BLOCKS) + 1);
    const baseFeePerGas: string[] = [];
    const gasUsedRatio: number[] = [];
    const reward: string[][] = [];
    for (let number = first; number <= last && blocks > 0; number++) {
      const header = await this.store.header(number);
      if (header === undefined) break;
      baseFeePerGas.push((header.baseFeePerGas as string | undefined) ?? "0x0");
      gasUsedRatio.push(Number(BigInt(header.gasUsed as string)) / Number(BigInt(header.gasLimit as string)));
      if (Array.isArray(percentiles)) reward.push(percentiles.map(() => "0x0"));
    }
    // The base fee of the block after the newest one: always zero on this ledger (the sealer sets it so).
    baseFeePerGas.push("0x0");
    return { oldestBlock: quantity(first), baseFeePerGas, gasUsedRatio, ...(Array.isArray(percentiles) ? { reward } : {}) };
  }
}
