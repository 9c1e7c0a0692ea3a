import { randomBytes } from "node:crypto";

import type { ChainStore, ServedLog } from "../store/chain-store";
import type { ChainReads } from "./chain-reads";
import { queryLogs, rangeOf, type LogCriteria, type LogLimits } from "./log-query";
import { RPC, RpcError } from "./rpc-error";

interface Filter {
  /** Logs matching `criteria`, or new block hashes. */
  kind: "logs" | "blocks";
  criteria?: LogCriteria;
  /** The newest block whose changes this filter has already answered. */
  seen: number;
  polled: number;
}

/**
 * The filters clients installed (eth_newFilter, eth_newBlockFilter), answered from the node's own store: a filter
 * is the block it has seen up to, and a poll answers what the blocks after it hold. A filter not polled for
 * `idleMs` is uninstalled, and at most `max` filters exist at once (a new one beyond that is refused with -32005
 * and `TOO_MANY_FILTERS`), as in geth. Changes since the last poll obey the logs limits of `eth_getLogs`.
 */
export class FilterTable {
  private readonly filters = new Map<string, Filter>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly store: ChainStore,
    private readonly reads: ChainReads,
    private readonly head: () => number,
    private readonly limits: LogLimits,
    private readonly max: number,
    private readonly idleMs: number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1_000, Math.floor(idleMs / 4)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.filters.size;
  }

  install(kind: "logs" | "blocks", criteria?: LogCriteria): string {
    if (this.filters.size >= this.max) this.sweep();
    if (this.filters.size >= this.max) {
      throw new RpcError(RPC.LIMIT_EXCEEDED, `${this.max} filters are installed; uninstall one, or poll less often than every ${this.idleMs / 1000} s so that idle ones expire`, { code: "TOO_MANY_FILTERS", limit: this.max });
    }
    const id = `0x${randomBytes(16).toString("hex")}`;
    this.filters.set(id, { kind, ...(criteria === undefined ? {} : { criteria }), seen: this.head(), polled: Date.now() });
    return id;
  }

  /** eth_getFilterChanges: what happened since the last poll (logs, or block hashes). */
  async changes(id: unknown): Promise<ServedLog[] | string[]> {
    const filter = this.filterOf(id);
    const head = this.head();
    const from = filter.seen + 1;
    let answer: ServedLog[] | string[];
    if (filter.kind === "blocks") {
      const hashes: string[] = [];
      for (let number = from; number <= head; number++) {
        const header = await this.reads.header(number);
        if (header !== undefined) hashes.push(header.hash);
      }
      answer = hashes;
    } else {
      const criteria = filter.criteria!;
      // A filter whose range ends at "latest" follows the chain: its changes are the logs of every block since
      // the last poll (its "latest" start is where it was installed), within an end it may have fixed.
      const wanted = rangeOf({ ...criteria, fromBlock: followsHead(criteria.fromBlock) ? "earliest" : criteria.fromBlock }, head);
      const range = { from: Math.max(from, wanted.from), to: Math.min(head, wanted.to) };
      answer = range.from > range.to ? [] : await queryLogs(this.store, this.reads, head, criteria, this.limits, range);
    }
    filter.seen = head;
    return answer;
  }

  /** eth_getFilterLogs: every log the filter's criteria select, as eth_getLogs would answer them. */
  async logs(id: unknown): Promise<ServedLog[]> {
    const filter = this.filterOf(id);
    if (filter.kind !== "logs") throw new RpcError(RPC.SERVER_ERROR, "filter not found", { code: "FILTER_NOT_FOUND" });
    return queryLogs(this.store, this.reads, this.head(), filter.criteria!, this.limits);
  }

  uninstall(id: unknown): boolean {
    return typeof id === "string" && this.filters.delete(id.toLowerCase());
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private filterOf(id: unknown): Filter {
    const filter = typeof id === "string" ? this.filters.get(id.toLowerCase()) : undefined;
    if (filter === undefined) throw new RpcError(RPC.SERVER_ERROR, "filter not found", { code: "FILTER_NOT_FOUND" });
    filter.polled = Date.now();
    return filter;
  }

  private sweep(): void {
    const idleSince = Date.now() - this.idleMs;
    for (const [id, filter] of this.filters) if (filter.polled <= idleSince) this.filters.delete(id);
  }
}

function followsHead(tag: unknown): boolean {
  return tag === undefined || tag === null || tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized";
}
