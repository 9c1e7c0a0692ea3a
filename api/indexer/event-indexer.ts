import { toQuantity } from "ethers";
import type { Logger } from "pino";

import { isConnectionLost } from "../chain/contract-errors";
import type { LedgerClient } from "../chain/ledger-client";
import { chainUnavailable } from "../errors";
import { indexAheadOfChain } from "../start-refusal";
import type { ApiStore, StoreOperation } from "../store/api-store";
import { keys } from "../store/keys";
import { StorageUnavailableError } from "../store/store-errors";
import { periodOf } from "../domain/tax-period";
import { decodeEvent, invoiceOf, type LedgerEvent, type RawLog } from "./events";
import { applyToSummary, applyToTotals, emptyTotals, newSummary, type InvoiceSummary, type PeriodTotals } from "./invoice-summary";

/**
 * Follows the chain and keeps the event index in the API's LevelDB: every decoded event in chain order, each
 * invoice's trace and summary, the relation of each account to its invoices, and per-merchant totals per tax
 * period. A range of blocks is applied as one atomic batch together with the cursor, so after a crash the
 * indexer resumes exactly where the last batch ended. `rebuild()` clears it and reads the chain again.
 *
 * It also holds the store to the chain: the cursor's block hash is kept with the cursor, and `verifyAgainstChain()`
 * (at start) refuses an index that names a block above the chain's head or a block the chain does not have;
 * every document seal the chain holds (InvoiceIssued, ReversalRequested) is checked against the store, and one
 * without its document is recorded (`ix:missing:<id>`), logged with code DOCUMENT_MISSING and reported by /health.
 */
export interface IndexerStatus {
  indexedBlock: number;
  headBlock: number;
  /** The chain's head is below what was indexed: the chain lost blocks, or this is another chain. */
  aheadOfChain: boolean;
  /** Seals on chain whose document the store does not hold. */
  missingDocuments: number;
}

/**
 * The index's layout. The index is derived data: one written with another layout (an older API) is rebuilt
 * from the chain at start, so that what a new layout adds (2: participants' statuses, which authentication
 * follows) is there for every participant, not only those whose events came after the upgrade.
 */
export const INDEX_FORMAT = 2;

const MAX_BLOCKS_PER_STEP = 2_000;
const EVENTS_PER_STEP = 50_000;

export class EventIndexer {
  private cursor = -1;
  private head = -1;
  private aheadOfChain = false;
  private missingDocuments = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private waiters: { block: number; resolve(): void; reject(error: unknown): void }[] = [];
  private stepping: Promise<void> | undefined;
  private blocksPerStep = 16;

  constructor(
    private readonly client: LedgerClient,
    private readonly store: ApiStore,
    private readonly logger: Logger,
    private readonly options: { pollIntervalMs: number; onEvents?: (count: number) => void },
  ) {}

  async start(): Promise<void> {
    const format = await this.store.get<number>(keys.index.format);
    if (format !== INDEX_FORMAT) {
      this.logger.info({ format: format ?? null, expected: INDEX_FORMAT }, "indexer: the index was written in another layout; rebuilding it from the chain");
      const rebuilt = await this.rebuild();
      this.logger.info(rebuilt, "indexer: index rebuilt");
    }
    this.cursor = (await this.store.get<number>(keys.index.cursor)) ?? this.client.deploymentBlock - 1;
    this.missingDocuments = (await this.store.range<unknown>(keys.index.missingDocumentPrefix)).length;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.stepping;
  }

  status(): IndexerStatus {
    return { indexedBlock: this.cursor, headBlock: this.head, aheadOfChain: this.aheadOfChain, missingDocuments: this.missingDocuments };
  }

  /**
   * Refuses (INDEX_AHEAD_OF_CHAIN) an index built from blocks this chain does not have: its cursor above the
   * chain's head, or the cursor's block hash not the chain's. Rebuilding on our own would be wrong both ways:
   * pointed at the wrong chain it would erase a good index, and a chain that lost acknowledged blocks is an
   * incident the operator must see (its invoice numbers would be issued again). `npm run api:reindex` is the
   * operator's decision.
   */
  async verifyAgainstChain(): Promise<void> {
    const cursor = await this.store.get<number>(keys.index.cursor);
    if (cursor === undefined || cursor < this.client.deploymentBlock) return;
    const head = await this.client.provider.getBlockNumber();
    if (cursor > head) throw indexAheadOfChain({ indexedBlock: cursor, chainHead: head });
    const indexedHash = await this.store.get<string>(keys.index.cursorHash);
    if (indexedHash === undefined) return; // an index from before block hashes were kept: the height check is all there is
    const block = await this.client.rpc<{ hash: string } | null>("eth_getBlockByNumber", [toQuantity(cursor), false]);
    if (block === null || block.hash.toLowerCase() !== indexedHash.toLowerCase()) {
      throw indexAheadOfChain({ indexedBlock: cursor, indexedHash, chainHash: block?.hash ?? null });
    }
  }

  /**
   * Resolves once every block up to `block` is indexed (used so that an answer after a write sees the write).
   * If the ledger stops answering meanwhile, gives up after `timeoutMs` with a retryable 503: the write is
   * durable, and a retry with the same Idempotency-Key or reference finds it.
   */
  waitFor(block: number, timeoutMs = 10_000): Promise<void> {
    if (this.cursor >= block) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(chainUnavailable("the ledger stopped answering before the write could be read back; retry with the same Idempotency-Key", undefined));
      }, timeoutMs);
      const entry = {
        block,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(entry);
      this.schedule(0);
    });
  }

  /** Clears the index and indexes the whole chain again; resolves with what it read. */
  async rebuild(): Promise<{ events: number; blocks: number; seconds: number }> {
    const started = Date.now();
    await this.store.clear(keys.index.prefix);
    this.cursor = this.client.deploymentBlock - 1;
    this.missingDocuments = 0;
    let events = 0;
    const head = await this.client.provider.getBlockNumber();
    // The node reads the next range while this process writes the current one (two processes, two cores).
    let next = this.cursor < head ? this.fetch(this.cursor + 1, head) : undefined;
    while (next !== undefined) {
      const range = await next;
      next = range.to < head ? this.fetch(range.to + 1, head) : undefined;
      events += await this.apply(range);
    }
    await this.store.put(keys.index.format, INDEX_FORMAT);
    return { events, blocks: head - this.client.deploymentBlock + 1, seconds: (Date.now() - started) / 1000 };
  }

  /** One poll at a time: two concurrent steps would read the same cursor and apply a range twice. */
  private schedule(delay: number): void {
    if (!this.running || this.timer !== undefined || this.stepping !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.stepping = this.poll().finally(() => {
        this.stepping = undefined;
        this.schedule(this.cursor < this.head ? 0 : this.options.pollIntervalMs);
      });
    }, delay);
  }

  private async poll(): Promise<void> {
    try {
      this.head = await this.client.provider.getBlockNumber();
      if (this.head < this.cursor && !this.aheadOfChain) this.logger.error({ code: "INDEX_AHEAD_OF_CHAIN", indexedBlock: this.cursor, chainHead: this.head }, "indexer: the chain's head is below the indexed block; the chain lost blocks or is another chain");
      this.aheadOfChain = this.head < this.cursor;
      if (this.cursor < this.head) await this.step(this.head);
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        // The index cannot be written (disk full): the writes waiting for it are durable on chain, and a retry finds them.
        this.logger.warn({ code: error.code }, "indexer: the API's storage refuses writes; retrying");
        const waiting = this.waiters;
        this.waiters = [];
        for (const waiter of waiting) waiter.reject(error);
        return;
      }
      this.logger.warn({ err: error }, "indexer: the ledger node is not answering; retrying");
    }
  }

  /** Indexes the next range of blocks up to `head`; returns the number of events indexed. */
  private async step(head: number): Promise<number> {
    return this.apply(await this.fetch(this.cursor + 1, head));
  }

  /** Reads and decodes the events of the blocks from `from` on, as many blocks as a step takes, up to `head`. */
  private async fetch(from: number, head: number): Promise<{ from: number; to: number; toHash: string; events: LedgerEvent[] }> {
    // Keep each answer to a size that fits in memory comfortably, however dense the blocks are: the range grows
    // while answers are small and halves when one is large or refused (nodes cap the size of an answer).
    let to: number;
    let logs: RawLog[];
    for (;;) {
      to = Math.min(head, from + this.blocksPerStep - 1);
      try {
        // Plain JSON-RPC: ethers' Log objects and its JavaScript UTF-8 decoding of large answers cost more than the decoding itself.
        logs = await this.client.rpc<RawLog[]>("eth_getLogs", [{ address: [this.client.addresses.ledger, this.client.addresses.registry], fromBlock: toQuantity(from), toBlock: toQuantity(to) }]);
        break;
      } catch (error) {
        if (to === from || isConnectionLost(error)) throw error; // a smaller range helps only a refused one
        this.blocksPerStep = Math.max(1, this.blocksPerStep >> 1);
      }
    }
    if (logs.length > EVENTS_PER_STEP && this.blocksPerStep > 1) this.blocksPerStep = Math.max(1, this.blocksPerStep >> 1);
    else if (logs.length < EVENTS_PER_STEP / 4) this.blocksPerStep = Math.min(MAX_BLOCKS_PER_STEP, this.blocksPerStep * 2);
    const times = new Map<string, string>();
    let toHash: string | undefined;
    for (const blockNumber of new Set([...logs.map((log) => log.blockNumber), toQuantity(to)])) {
      const block = await this.client.rpc<{ timestamp: string; hash: string } | null>("eth_getBlockByNumber", [blockNumber, false]);
      if (block === null) throw new Error(`block ${Number(blockNumber)} vanished while indexing`);
      times.set(blockNumber, new Date(Number(block.timestamp) * 1000).toISOString());
      if (Number(blockNumber) === to) toHash = block.hash;
    }
    const events: LedgerEvent[] = [];
    for (const log of logs) {
      const event = decodeEvent(log, times.get(log.blockNumber)!);
      if (event !== undefined) events.push(event);
    }
    return { from, to, toHash: toHash!, events };
  }

  /** Writes one fetched range and the cursor in one atomic batch; the range must start right after the cursor. */
  private async apply({ from, to, toHash, events }: { from: number; to: number; toHash: string; events: LedgerEvent[] }): Promise<number> {
    if (from !== this.cursor + 1) throw new Error(`indexer: range ${from}-${to} does not follow the cursor ${this.cursor}`);
    const missing = await this.missingDocumentOperations(events);
    await this.store.batch(
      [...(await this.operationsFor(events)), ...missing, { type: "put", key: keys.index.cursor, value: to }, { type: "put", key: keys.index.cursorHash, value: toHash }],
      { sync: false },
    );
    this.cursor = to;
    this.missingDocuments += missing.length;
    this.options.onEvents?.(events.length);
    this.waiters = this.waiters.filter((waiter) => (waiter.block <= to ? (waiter.resolve(), false) : true));
    return events.length;
  }

  /**
   * The documents of the seals in `events` that the store does not hold. Documents are stored (synced) before
   * their seal is sent, so a seal without its document means the store lost it (or it was restored from an
   * older backup): the invoice can no longer be claimed or verified by document.
   */
  private async missingDocumentOperations(events: LedgerEvent[]): Promise<StoreOperation[]> {
    // A credit note's seal arrives with ReversalRequested (pending) or, when it takes effect at once, only with
    // InvoiceReversed; a pending one confirmed later shows up twice, and is checked (and counted) once.
    const byId = new Map<string, { id: string; number: string; type: LedgerEvent["type"]; blockNumber: number }>();
    for (const event of events) {
      const seal = event.type === "InvoiceIssued" ? { id: event.invoiceId, number: event.number } : event.type === "ReversalRequested" || event.type === "InvoiceReversed" ? { id: event.creditNoteId, number: event.number } : undefined;
      if (seal !== undefined && !byId.has(seal.id)) byId.set(seal.id, { ...seal, type: event.type, blockNumber: event.blockNumber });
    }
    const sealed = [...byId.values()];
    if (sealed.length === 0) return [];
    const [present, recorded] = await Promise.all([this.store.hasMany(sealed.map((seal) => keys.document(seal.id))), this.store.hasMany(sealed.map((seal) => keys.index.missingDocument(seal.id)))]);
    const missing = sealed.filter((_, i) => !present[i] && !recorded[i]);
    for (const seal of missing) this.logger.error({ code: "DOCUMENT_MISSING", ...seal }, "indexer: a seal on chain whose document the API's store does not hold");
    return missing.map((seal) => ({ type: "put", key: keys.index.missingDocument(seal.id), value: seal }));
  }

  private async operationsFor(events: LedgerEvent[]): Promise<StoreOperation[]> {
    const ops: StoreOperation[] = [];
    const summaries = new Map<string, InvoiceSummary>();
    const totals = new Map<string, PeriodTotals>();
    const summaryOf = async (id: string) => summaries.get(id) ?? (await this.store.get<InvoiceSummary>(keys.index.invoice(id)));
    const totalsOf = async (merchant: string, period: number) => {
      const key = keys.index.totals(merchant, period);
      return totals.get(key) ?? (await this.store.get<PeriodTotals>(key)) ?? emptyTotals(merchant, period);
    };
    for (const event of events) {
      // Participants' statuses, which authentication follows (suspended: read-only, revoked: nothing).
      if (event.type === "ParticipantRegistered") ops.push({ type: "put", key: keys.index.participantStatus(event.account), value: "Active" });
      if (event.type === "ParticipantStatusChanged") ops.push({ type: "put", key: keys.index.participantStatus(event.account), value: event.to });
      const id = invoiceOf(event);
      if (id === undefined) continue; // quotas: the ledger answers for them
      ops.push({ type: "put", key: keys.index.trace(id, event), value: event });
      const before = event.type === "InvoiceIssued" ? newSummary(event) : await summaryOf(id);
      if (before === undefined) {
        this.logger.error({ event }, "indexer: an event of an invoice that was never issued");
        continue;
      }
      const after = applyToSummary(before, event);
      summaries.set(id, after);
      const number = BigInt(after.number);
      if (event.type === "InvoiceIssued") {
        ops.push({ type: "put", key: keys.index.byNumber(number), value: id });
        ops.push({ type: "put", key: keys.index.relation(after.seller, number), value: id });
      }
      if (after.holder !== before.holder && after.holder !== null) ops.push({ type: "put", key: keys.index.relation(after.holder, number), value: id });
      if (before.holder !== null && after.holder !== before.holder && before.holder !== after.enterprise) ops.push({ type: "del", key: keys.index.relation(before.holder, number) });
      if (after.enterprise !== null && after.enterprise !== before.enterprise) ops.push({ type: "put", key: keys.index.relation(after.enterprise, number), value: id });
      if (before.enterprise !== null && after.enterprise !== before.enterprise && before.enterprise !== after.holder) ops.push({ type: "del", key: keys.index.relation(before.enterprise, number) });
      if (event.type === "InvoiceIssued" || event.type === "InvoiceReversed") {
        const period = periodOf(new Date(event.time));
        const updated = applyToTotals(await totalsOf(after.seller, period), event);
        totals.set(keys.index.totals(after.seller, period), updated);
      }
    }
    for (const [id, summary] of summaries) ops.push({ type: "put", key: keys.index.invoice(id), value: summary });
    for (const [key, value] of totals) ops.push({ type: "put", key, value });
    return ops;
  }
}

