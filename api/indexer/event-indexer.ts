import { toQuantity } from "ethers";
import type { Logger } from "pino";

import { isConnectionLost } from "../chain/contract-errors";
import type { LedgerClient } from "../chain/ledger-client";
import type { Database, Db } from "../db/database";
import { databaseFault } from "../db/database-errors";
import { deferIndexes, restoreIndexes } from "../db/deferred-indexes";
import type { IndexedCreditNote } from "../db/credit-notes";
import { invoiceSummaries } from "../db/invoices";
import { analyseIndex, clearIndex, countMissingDocuments, INDEX_TABLES, indexMarks, setIndexFormat, writeIndexRange, type IndexChanges, type IndexReader } from "../db/event-index";
import { chainUnavailable } from "../errors";
import { indexAheadOfChain } from "../start-refusal";
import { periodOf } from "../domain/tax-period";
import { decodeEvent, invoiceOf, sealOf, type CreditNoteStatus, type LedgerEvent, type RawLog } from "./events";
import { applyToSummary, applyToTotals, emptyTotals, newSummary, type InvoiceSummary, type PeriodTotals } from "./invoice-summary";
import type { Outbox } from "../webhooks/outbox";

/**
 * Follows the chain and keeps the event index in the API's database (api/db/event-index.ts, invoices.ts): each
 * invoice's trace and summary, the relation of each account to its invoices, participants' statuses and
 * per-merchant totals per tax period. A range of blocks is applied in one transaction together with the cursor,
 * so after a crash the indexer resumes exactly where the last transaction ended. `rebuild()` clears it and reads
 * the chain again.
 *
 * It also holds the database to the chain: the cursor's block hash is kept with the cursor, and
 * `verifyAgainstChain()` (at start) refuses an index that names a block above the chain's head or a block the
 * chain does not have; every document seal the chain holds (InvoiceIssued, ReversalRequested) is checked against
 * the documents, and one without its document is recorded (`missing_documents`), logged with code
 * DOCUMENT_MISSING and reported by /health.
 *
 * API processes sharing one database each run an indexer: a range is written only if the cursor is still where
 * this indexer left it; otherwise another process wrote it, and this one takes up the cursor it finds.
 */
export interface IndexerStatus {
  indexedBlock: number;
  headBlock: number;
  /** The chain's head is below what was indexed: the chain lost blocks, or this is another chain. */
  aheadOfChain: boolean;
  /** Seals on chain whose document the database does not hold. */
  missingDocuments: number;
}

/**
 * The index's layout. The index is derived data: one written with another layout (an older API) is rebuilt
 * from the chain at start, so that what a new layout adds (2: participants' statuses, which authentication
 * follows; 3: a full reversal of a locked invoice clears its enterprise, as the ledger does, so that the
 * enterprise no longer lists it; 4: each invoice's seal and each credit note, which verification and the trace
 * read, migration 0012) is there for every participant, not only those whose events came after the upgrade.
 */
export const INDEX_FORMAT = 4;

const MAX_BLOCKS_PER_STEP = 2_000;
const EVENTS_PER_STEP = 50_000;
/** Seals without their document named in the log line of a range (all are counted, and recorded in the database). */
const MISSING_NAMED_PER_RANGE = 10;
/** Credit notes' seals read from the ledger at once (see `fetch`). */
const SEAL_READS_AT_ONCE = 16;

/** One range of blocks as read from the chain: its events, and the seals of the documents it issued. */
interface FetchedRange {
  from: number;
  to: number;
  toHash: string;
  events: LedgerEvent[];
  /** By lowercase document id: each invoice issued and each credit note created or made effective in the range. */
  seals: Map<string, string>;
}

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
    private readonly database: Pick<Database, "db" | "pinned">,
    private readonly logger: Logger,
    /**
     * `outbox`: the webhook outbox, written in each range's transaction (api/webhooks/outbox.ts).
     * `onRegistryChange`: participants' statuses may have changed in the index (a range with registry events, or
     * one another process wrote), called before anyone waiting for the range is told.
     */
    private readonly options: { pollIntervalMs: number; onEvents?: (count: number) => void; onRegistryChange?: () => void; outbox?: Pick<Outbox, "writeRange"> },
  ) {}

  private get db(): Db {
    return this.database.db;
  }

  async start(): Promise<void> {
    const { format } = await indexMarks(this.db);
    if (format !== INDEX_FORMAT) {
      this.logger.info({ format: format ?? null, expected: INDEX_FORMAT }, "indexer: the index was written in another layout; rebuilding it from the chain");
      const rebuilt = await this.rebuild();
      this.logger.info(rebuilt, "indexer: index rebuilt");
    }
    this.cursor = (await indexMarks(this.db)).cursor ?? this.client.deploymentBlock - 1;
    this.missingDocuments = await countMissingDocuments(this.db);
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
   * Whether what the index held when its cursor was `indexedBlock` (read with it: api/db/verification-index.ts,
   * event-index.ts) is the chain as of the head this process last saw: then an answer read from the index need not
   * ask the chain. Another process sharing the database may have taken the cursor further than this one knows.
   */
  isCurrent(indexedBlock: number | undefined): boolean {
    return indexedBlock !== undefined && this.head >= 0 && !this.aheadOfChain && indexedBlock >= this.head;
  }

  /**
   * Refuses (INDEX_AHEAD_OF_CHAIN) an index built from blocks this chain does not have: its cursor above the
   * chain's head, or the cursor's block hash not the chain's. Rebuilding on our own would be wrong both ways:
   * pointed at the wrong chain it would erase a good index, and a chain that lost acknowledged blocks is an
   * incident the operator must see (its invoice numbers would be issued again). `npm run api:reindex` is the
   * operator's decision.
   */
  async verifyAgainstChain(): Promise<void> {
    const { cursor, cursorHash: indexedHash } = await indexMarks(this.db);
    if (cursor === undefined || cursor < this.client.deploymentBlock) return;
    const head = await this.client.provider.getBlockNumber();
    if (cursor > head) throw indexAheadOfChain({ indexedBlock: cursor, chainHead: head });
    if (indexedHash === undefined) return; // the cursor is always written with its hash: this is only for safety
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

  /**
   * Clears the index and indexes the whole chain again; resolves with what it read. The index tables'
   * secondary indexes are set aside meanwhile and built once at the end (api/db/deferred-indexes.ts); the
   * layout mark is written last, so a rebuild that did not finish is done again at the next start.
   */
  async rebuild(): Promise<{ events: number; blocks: number; seconds: number }> {
    const started = Date.now();
    await clearIndex(this.db);
    // Every secondary index, and the primary key of the events (random keys, never looked up while rebuilding);
    // not the invoices' (a range updates earlier invoices by id) nor the missing documents' (looked up by id).
    await deferIndexes(this.db, { indexesOf: INDEX_TABLES, constraintsOf: ["invoice_events"] });
    this.cursor = this.client.deploymentBlock - 1;
    this.missingDocuments = 0;
    let events = 0;
    const head = await this.client.provider.getBlockNumber();
    // Three stages at once: the node reads range N+2, this process works out what range N+1 changes, and the
    // database writes range N. Range N+1's changes start from the summaries range N leaves (`writing.leaves`,
    // until its transaction commits) and from what the index has committed for the others.
    let next = this.cursor < head ? awaitedLater(this.fetch(this.cursor + 1, head)) : undefined;
    let writing: { applied: Promise<number | undefined>; leaves: Map<string, InvoiceSummary> } | undefined;
    const written = async (applied: Promise<number | undefined>) => {
      const count = await applied;
      // Another process wrote the index meanwhile: two writers would each rebuild half of it.
      if (count === undefined) throw new Error("indexer: another process writes the event index; stop the API before rebuilding it");
      return count;
    };
    while (next !== undefined) {
      const range = await next;
      next = range.to < head ? awaitedLater(this.fetch(range.to + 1, head)) : undefined;
      const changes = await this.changesFor(range.events, range.seals, readingThrough(writing?.leaves, (ids) => invoiceSummaries(this.db, ids)));
      if (writing !== undefined) events += await written(writing.applied);
      writing = { applied: awaitedLater(this.apply(range, changes)), leaves: new Map([...changes.issued, ...changes.updated].map((summary) => [summary.id.toLowerCase(), summary])) };
    }
    if (writing !== undefined) events += await written(writing.applied);
    await restoreIndexes(this.db);
    await analyseIndex(this.db);
    await setIndexFormat(this.db, INDEX_FORMAT);
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
      const fault = databaseFault(error);
      if (fault !== undefined) {
        // The index cannot be written (database down, disk full): the writes waiting for it are durable on chain, and a retry finds them.
        this.logger.warn({ code: fault.code }, "indexer: the API's database refuses the index's writes; retrying");
        const waiting = this.waiters;
        this.waiters = [];
        for (const waiter of waiting) waiter.reject(fault);
        return;
      }
      this.logger.warn({ err: error }, "indexer: the ledger node is not answering; retrying");
    }
  }

  /** Indexes the next range of blocks up to `head`; returns the number of events indexed. */
  private async step(head: number): Promise<number> {
    return (await this.apply(await this.fetch(this.cursor + 1, head))) ?? 0;
  }

  /** Reads and decodes the events of the blocks from `from` on, as many blocks as a step takes, up to `head`. */
  private async fetch(from: number, head: number): Promise<FetchedRange> {
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
    const seals = new Map<string, string>();
    for (const log of logs) {
      const event = decodeEvent(log, times.get(log.blockNumber)!);
      if (event === undefined) continue;
      events.push(event);
      const sealed = sealOf(log);
      if (sealed !== undefined) seals.set(sealed.id, sealed.seal);
    }
    await this.readCreditNoteSeals(events, seals);
    return { from, to, toHash: toHash!, events, seals };
  }

  /**
   * Adds to `seals` those of the credit notes made effective in the range that no event of the range sealed: a
   * note that took effect at once has only InvoiceReversed, which carries no seal, so the ledger is asked for it
   * (a seal never changes once written). A note confirmed after its ReversalRequested of an earlier range is read
   * too: what the index holds is known only in the range's transaction, and reversals are rare beside issuance.
   */
  private async readCreditNoteSeals(events: readonly LedgerEvent[], seals: Map<string, string>): Promise<void> {
    const unsealed = [...new Set(events.flatMap((event) => (event.type === "InvoiceReversed" && !seals.has(event.creditNoteId) ? [event.creditNoteId] : [])))];
    for (let i = 0; i < unsealed.length; i += SEAL_READS_AT_ONCE) {
      const read = await Promise.all(unsealed.slice(i, i + SEAL_READS_AT_ONCE).map(async (id) => ({ id, note: await this.client.ledger.creditNote(id) })));
      for (const { id, note } of read) seals.set(id, note.seal.toLowerCase());
    }
  }

  /**
   * Writes one fetched range and the cursor in one transaction; the range must start right after the cursor.
   * A rebuild gives its changes, worked out ahead (`ahead`); otherwise they are worked out in the transaction.
   * Returns the number of events indexed, or undefined when another process had moved the cursor (nothing was
   * written; this indexer then follows the cursor it found).
   */
  private async apply({ from, to, toHash, events, seals }: FetchedRange, ahead?: IndexChanges): Promise<number | undefined> {
    if (from !== this.cursor + 1) throw new Error(`indexer: range ${from}-${to} does not follow the cursor ${this.cursor}`);
    const after = this.cursor < this.client.deploymentBlock ? undefined : this.cursor;
    const outcome = await writeIndexRange(this.database, { after, to, toHash }, ahead === undefined ? { workOut: (index) => this.changesFor(events, seals, index) } : { rebuilt: ahead }, this.options.outbox);
    if (!outcome.written) {
      this.logger.info({ expected: this.cursor, found: outcome.cursor ?? null }, "indexer: another process moved the index's cursor; following it");
      this.cursor = outcome.cursor ?? this.client.deploymentBlock - 1;
      this.missingDocuments = await countMissingDocuments(this.db);
      this.options.onRegistryChange?.();
      this.resolveWaiters();
      return undefined;
    }
    this.cursor = to;
    this.missingDocuments += outcome.missingDocuments.length;
    this.reportMissingDocuments(events, outcome.missingDocuments);
    this.options.onEvents?.(events.length);
    if (events.some((event) => event.type === "ParticipantRegistered" || event.type === "ParticipantStatusChanged")) this.options.onRegistryChange?.();
    this.resolveWaiters();
    return events.length;
  }

  private resolveWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => (waiter.block <= this.cursor ? (waiter.resolve(), false) : true));
  }

  /**
   * Logs the documents of the range's seals that the database does not hold (`missing`, recorded with the range).
   * Documents are stored (committed) before their seal is sent, so a seal without its document means the database
   * lost it (or it was restored from an older backup): the invoice can no longer be claimed or verified by document.
   * One line per range, naming the first few: a restore from an old backup can leave thousands.
   */
  private reportMissingDocuments(events: readonly LedgerEvent[], missing: readonly string[]): void {
    if (missing.length === 0) return;
    const named = missing.slice(0, MISSING_NAMED_PER_RANGE).map((id) => {
      const event = events.find((candidate) => sealedDocumentOf(candidate)?.toLowerCase() === id)!;
      return { id, number: "number" in event ? event.number : undefined, type: event.type, blockNumber: event.blockNumber };
    });
    this.logger.error({ code: "DOCUMENT_MISSING", count: missing.length, first: named }, "indexer: seals on chain whose document the API's database does not hold");
  }

  /**
   * What `events` change in the index, from what the index holds (read through `index`, in the range's
   * transaction); `seals` are those `fetch` found for the range.
   */
  private async changesFor(events: LedgerEvent[], seals: ReadonlyMap<string, string>, index: IndexReader): Promise<IndexChanges> {
    const sealOfDocument = (id: string) => {
      const seal = seals.get(id);
      if (seal === undefined) throw new Error(`indexer: no seal was read for ${id}`);
      return seal;
    };
    // The summaries the range starts from, read at once: those of invoices issued before it.
    const issuedHere = new Set(events.flatMap((event) => (event.type === "InvoiceIssued" ? [event.invoiceId] : [])));
    const earlier = new Set<string>();
    for (const event of events) {
      const id = invoiceOf(event);
      if (id !== undefined && !issuedHere.has(id)) earlier.add(id);
    }
    const summaries = new Map<string, InvoiceSummary>((await index.summaries([...earlier])).map((summary) => [summary.id, summary]));
    const changed = new Set<string>();
    const traced: IndexChanges["events"] = [];
    const statuses = new Map<string, { account: string; status: string }>();
    const totals = new Map<string, PeriodTotals>();
    const steps: IndexChanges["steps"] = [];
    for (const event of events) {
      // Participants' statuses, which authentication follows (suspended: read-only, revoked: nothing).
      if (event.type === "ParticipantRegistered") statuses.set(event.account.toLowerCase(), { account: event.account, status: "Active" });
      if (event.type === "ParticipantStatusChanged") statuses.set(event.account.toLowerCase(), { account: event.account, status: event.to });
      const id = invoiceOf(event);
      if (id === undefined) {
        steps.push({ event, before: undefined, after: undefined });
        continue; // quotas: the ledger answers for them
      }
      traced.push({ invoiceId: id, event });
      const before = event.type === "InvoiceIssued" ? newSummary(event, sealOfDocument(id)) : summaries.get(id);
      if (before === undefined) {
        this.logger.error({ event }, "indexer: an event of an invoice that was never issued");
        continue;
      }
      const after = applyToSummary(before, event);
      steps.push({ event, before: event.type === "InvoiceIssued" ? undefined : before, after });
      summaries.set(id, after);
      changed.add(id);
      if (event.type === "InvoiceIssued" || event.type === "InvoiceReversed") {
        // What the range adds to the merchant's totals in the period (the database adds it to what it holds).
        const period = periodOf(new Date(event.time));
        const key = `${after.seller.toLowerCase()}:${period}`;
        totals.set(key, applyToTotals(totals.get(key) ?? emptyTotals(after.seller, period), event));
      }
    }
    return {
      issued: [...changed].filter((id) => issuedHere.has(id)).map((id) => summaries.get(id)!),
      updated: [...changed].filter((id) => !issuedHere.has(id)).map((id) => summaries.get(id)!),
      events: traced,
      statuses: [...statuses.values()],
      totals: [...totals.values()],
      // A credit note's seal arrives with ReversalRequested (pending) or, when it takes effect at once, only with
      // InvoiceReversed; a pending one confirmed later shows up twice, and is checked (and counted) once.
      sealed: [...new Set(events.flatMap((event) => sealedDocumentOf(event)?.toLowerCase() ?? []))],
      steps,
      ...creditNoteChanges(events, sealOfDocument),
    };
  }
}

/**
 * `work`, which is awaited later, after other awaits (or never, once an earlier step failed): a refusal meanwhile
 * is not reported as unhandled, which would end the process, but thrown where it is awaited.
 */
function awaitedLater<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

/**
 * Summaries read from `leaves` (by lowercase id: what a range being written leaves, not yet committed) where it
 * has them, and through `committed` for the others.
 */
function readingThrough(leaves: ReadonlyMap<string, InvoiceSummary> | undefined, committed: IndexReader["summaries"]): IndexReader {
  return {
    async summaries(ids) {
      if (leaves === undefined) return committed(ids);
      const found = ids.flatMap((id) => leaves.get(id.toLowerCase()) ?? []);
      return [...found, ...(await committed(ids.filter((id) => !leaves.has(id.toLowerCase()))))];
    },
  };
}

/** The document whose seal `event` puts on chain: an invoice issued, a credit note requested or made effective. */
function sealedDocumentOf(event: LedgerEvent): string | undefined {
  if (event.type === "InvoiceIssued") return event.invoiceId;
  if (event.type === "ReversalRequested" || event.type === "InvoiceReversed") return event.creditNoteId;
  return undefined;
}

/**
 * The credit notes a range creates or settles: notes it created (ReversalRequested, or InvoiceReversed of a note that
 * took effect at once), each as the range leaves it, and the status of notes created before it (cancelled; a note
 * confirmed later comes whole from its InvoiceReversed).
 */
function creditNoteChanges(events: readonly LedgerEvent[], sealOfNote: (id: string) => string): Pick<IndexChanges, "creditNotes" | "creditNoteStatuses"> {
  const notes = new Map<string, IndexedCreditNote>();
  const statuses = new Map<string, CreditNoteStatus>();
  for (const event of events) {
    switch (event.type) {
      case "ReversalRequested":
      case "InvoiceReversed": {
        const status = event.type === "ReversalRequested" ? "Pending" : "Effective";
        const { creditNoteId: id, invoiceId, number, total, tax } = event;
        notes.set(id, { ...(notes.get(id) ?? { id, invoiceId, number, total, tax, seal: sealOfNote(id) }), status });
        break;
      }
      case "ReversalCancelled": {
        const note = notes.get(event.creditNoteId);
        if (note !== undefined) note.status = "Cancelled";
        else statuses.set(event.creditNoteId, "Cancelled");
        break;
      }
      default:
        break;
    }
  }
  return { creditNotes: [...notes.values()], creditNoteStatuses: [...statuses].map(([id, status]) => ({ id, status })) };
}
