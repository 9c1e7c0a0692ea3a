import type { ChainStore, ServedLog } from "../store/chain-store";
import { blockNumberParam, hashParam } from "./block-tags";
import type { ChainReads } from "./chain-reads";
import { RPC, RpcError } from "./rpc-error";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const TOPIC = /^0x[0-9a-fA-F]{64}$/;
const MAX_TOPICS = 4;

/** A logs filter as `eth_getLogs` and `eth_newFilter` take it, checked and normalised (lowercase). */
export interface LogCriteria {
  /** Either a block hash, or a range whose ends may be tags (resolved when the query runs). */
  blockHash?: string;
  fromBlock: unknown;
  toBlock: unknown;
  /** undefined: any address. */
  addresses: Set<string> | undefined;
  /** Per position: undefined (any) or the topics accepted there. */
  topics: (Set<string> | undefined)[];
}

/** What a query may cost: blocks per query, logs per answer (geth's and Besu's limits, -32005). */
export interface LogLimits {
  maxLogsPerAnswer: number;
  maxLogBlockRange: number;
}

/** Checks a filter object; refuses a malformed one with -32602, saying which field is wrong. */
export function parseLogCriteria(filter: unknown): LogCriteria {
  if (filter === undefined || filter === null) return { fromBlock: "latest", toBlock: "latest", addresses: undefined, topics: [] };
  if (typeof filter !== "object" || Array.isArray(filter)) throw invalid("the filter must be an object");
  const { address, topics, fromBlock, toBlock, blockHash } = filter as Record<string, unknown>;
  if (blockHash !== undefined && blockHash !== null && ((fromBlock !== undefined && fromBlock !== null) || (toBlock !== undefined && toBlock !== null))) {
    throw invalid("a filter takes either blockHash or fromBlock/toBlock, not both");
  }
  const addresses = address === undefined || address === null ? undefined : new Set((Array.isArray(address) ? address : [address]).map(addressOf));
  if (topics !== undefined && topics !== null && !Array.isArray(topics)) throw invalid("topics must be an array");
  const positions = (topics ?? []) as unknown[];
  if (positions.length > MAX_TOPICS) throw invalid(`at most ${MAX_TOPICS} topic positions`);
  return {
    ...(blockHash === undefined || blockHash === null ? {} : { blockHash: hashParam(blockHash, "blockHash") }),
    fromBlock: fromBlock ?? "latest",
    toBlock: toBlock ?? "latest",
    addresses: addresses !== undefined && addresses.size === 0 ? undefined : addresses,
    topics: positions.map((position) => {
      if (position === null) return undefined;
      const accepted = (Array.isArray(position) ? position : [position]) as unknown[];
      // A null among alternatives accepts anything at that position.
      if (accepted.length === 0 || accepted.includes(null)) return undefined;
      return new Set(accepted.map(topicOf));
    }),
  };
}

/** The block range a criteria covers now: the ends resolved against `head`, the end capped at it. */
export function rangeOf(criteria: LogCriteria, head: number): { from: number; to: number } {
  const from = blockNumberParam(criteria.fromBlock, head, "fromBlock");
  const to = Math.min(blockNumberParam(criteria.toBlock, head, "toBlock"), head);
  return { from, to };
}

export function matches(criteria: LogCriteria, log: ServedLog): boolean {
  if (criteria.addresses !== undefined && !criteria.addresses.has(log.address.toLowerCase())) return false;
  for (let i = 0; i < criteria.topics.length; i++) {
    const accepted = criteria.topics[i];
    if (accepted === undefined) continue;
    const topic = log.topics[i];
    if (topic === undefined || !accepted.has(topic.toLowerCase())) return false;
  }
  return true;
}

/**
 * Answers a logs query from the store's receipts, block by block, stopping (and refusing the query with
 * `TOO_MANY_LOGS`) as soon as the answer would exceed the limit rather than after building it. A range wider than
 * `maxLogBlockRange` is refused before anything is read (`BLOCK_RANGE_TOO_LARGE`).
 */
export async function queryLogs(store: ChainStore, reads: ChainReads, head: number, criteria: LogCriteria, limits: LogLimits, range = criteria.blockHash === undefined ? rangeOf(criteria, head) : undefined): Promise<ServedLog[]> {
  let from: number;
  let to: number;
  if (range === undefined) {
    const number = await reads.numberOfHash(criteria.blockHash);
    if (number === undefined) throw new RpcError(RPC.SERVER_ERROR, "unknown block", { code: "UNKNOWN_BLOCK" });
    from = to = number;
  } else {
    ({ from, to } = range);
    if (to - from + 1 > limits.maxLogBlockRange) {
      throw new RpcError(RPC.LIMIT_EXCEEDED, `the query spans ${to - from + 1} blocks, more than ${limits.maxLogBlockRange}; ask for a narrower block range`, { code: "BLOCK_RANGE_TOO_LARGE", limit: limits.maxLogBlockRange });
    }
  }
  const found: ServedLog[] = [];
  for await (const { receipts } of store.receiptsBetween(from, to)) {
    for (const receipt of receipts) {
      for (const log of receipt.logs) {
        if (!matches(criteria, log)) continue;
        if (found.length === limits.maxLogsPerAnswer) {
          throw new RpcError(RPC.LIMIT_EXCEEDED, `query returned more than ${limits.maxLogsPerAnswer} results; ask for a narrower block range`, { code: "TOO_MANY_LOGS", limit: limits.maxLogsPerAnswer });
        }
        found.push(log);
      }
    }
  }
  return found;
}

function addressOf(value: unknown): string {
  if (typeof value !== "string" || !ADDRESS.test(value)) throw invalid("address must be a 20-byte hex address or an array of them");
  return value.toLowerCase();
}

function topicOf(value: unknown): string {
  if (typeof value !== "string" || !TOPIC.test(value)) throw invalid("each topic must be a 32-byte hex value, null, or an array of them");
  return value.toLowerCase();
}

function invalid(message: string): RpcError {
  return new RpcError(RPC.INVALID_PARAMS, message, { code: "INVALID_REQUEST" });
}
