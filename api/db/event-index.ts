import { sql, type Selectable } from "kysely";

import { checksummedAccount, type LedgerEvent } from "../indexer/events";
import type { InvoiceSummary, PeriodTotals } from "../indexer/invoice-summary";
import type { IndexStep, Outbox } from "../webhooks/outbox";
import type { CopyRows } from "./copy-rows";
import type { DocumentRow } from "./documents";
import type { Database, Db, PreparedStatement } from "./database";
import type { InvoicesTable } from "./schema";
import { insertRows } from "./bulk";
import { putCreditNotes, setCreditNoteStatuses, type IndexedCreditNote } from "./credit-notes";
import { addInvoiceSummaries, invoiceSummaries, putInvoiceSummaries, summaryOf } from "./invoices";
import { deleteSetting, getSetting, putSetting } from "./settings";

/**
 * The event index's own records and the tables derived from the chain besides the invoices (invoices.ts):
 * each invoice's events in chain order (`invoice_events`), credit notes (`credit_notes`), participants' registry statuses
 * (`participant_status`), merchants' totals per tax period (`period_totals`), seals without their document
 * (`missing_documents`), and the cursor, its block's hash and the layout mark (`settings`). A range of blocks
 * is written in one transaction with the cursor (`writeIndexRange`).
 */
const SETTING = {
  cursor: "index.cursor",
  /** The hash of the cursor's block: an index built from another chain, or from blocks the chain lost, is refused. */
  cursorHash: "index.cursor-hash",
  /** The layout the index was written in (INDEX_FORMAT in event-indexer.ts). */
  format: "index.format",
} as const;

/**
 * Held (for its transaction) by whoever writes the index: processes sharing the database write one range at
 * a time, each after checking that the cursor is where it expects it. (Any constant no other lock uses.)
 */
const INDEX_WRITER_LOCK = 0x45_49_58_49;

/** The index's tables, emptied by `clearIndex` (the settings rows go separately). */
export const INDEX_TABLES = ["invoices", "invoice_events", "credit_notes", "participant_status", "period_totals", "missing_documents"] as const;

export interface IndexMarks {
  /** The last block indexed; undefined for an index never written. */
  cursor: number | undefined;
  cursorHash: string | undefined;
  format: number | undefined;
}

export async function indexMarks(db: Db): Promise<IndexMarks> {
  return {
    cursor: await getSetting<number>(db, SETTING.cursor),
    cursorHash: await getSetting<string>(db, SETTING.cursorHash),
    format: await getSetting<number>(db, SETTING.format),
  };
}

export async function setIndexFormat(db: Db, format: number): Promise<void> {
  await putSetting(db, SETTING.format, format);
}

/**
 * Refreshes the planner's statistics of the index tables. After a rebuild they describe empty tables until
 * autovacuum comes round, and a search then picks the wrong index (one buyer's invoices by total, at a million
 * invoices: 1.2 s instead of milliseconds).
 */
export async function analyseIndex(db: Db): Promise<void> {
  await sql`ANALYZE ${sql.join(INDEX_TABLES.map((table) => sql.table(table)))}`.execute(db);
}

/** Empties the index, its cursor and its layout mark, at once. */
export async function clearIndex(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${INDEX_WRITER_LOCK})`.execute(trx);
    await sql`TRUNCATE ${sql.join(INDEX_TABLES.map((table) => sql.table(table)))}`.execute(trx);
    for (const name of Object.values(SETTING)) await deleteSetting(trx, name);
  });
}

export async function countMissingDocuments(db: Db): Promise<number> {
  const { count } = await db.selectFrom("missing_documents").select((eb) => eb.fn.countAll<string>().as("count")).executeTakeFirstOrThrow();
  return Number(count);
}

/** What the index reads while a range is being written, inside the range's transaction. */
export interface IndexReader {
  summaries(ids: readonly string[]): Promise<InvoiceSummary[]>;
}

/** Everything one range of blocks changes in the index. */
export interface IndexChanges {
  /** Invoices issued in the range: new rows. */
  issued: InvoiceSummary[];
  /** Invoices issued before the range that it changed: written whole over what the index holds. */
  updated: InvoiceSummary[];
  /** Each invoice's events, for its trace. */
  events: { invoiceId: string; event: LedgerEvent }[];
  /** Credit notes created or made effective in the range, each as the range leaves it. */
  creditNotes: IndexedCreditNote[];
  /** The new status of credit notes created before the range (cancelled). */
  creditNoteStatuses: { id: string; status: IndexedCreditNote["status"] }[];
  /** Each account at most once. */
  statuses: { account: string; status: string }[];
  /** Added to what the index holds for each (merchant, period), each at most once. */
  totals: PeriodTotals[];
  /**
   * The documents whose seal the range puts on chain (invoices issued, credit notes requested or made effective),
   * each once: those the database does not hold are recorded as missing.
   */
  sealed: string[];
  /** Every event in chain order with its invoice's summary before and after it: what the webhook outbox fans out. */
  steps: IndexStep[];
}

export type RangeOutcome =
  /** `missingDocuments`: of the documents sealed in the range, those the database does not hold and had not recorded. */
  | { written: true; missingDocuments: string[] }
  /** The cursor was not where the writer expected it (another process writes the index): nothing was written. */
  | { written: false; cursor: number | undefined };

/**
 * A range's changes as `writeIndexRange` gets them: worked out in its transaction (`workOut` reads through it, so
 * what it reads is what the changes apply to), or, in a rebuild, worked out ahead (`rebuilt`).
 */
export type RangeChanges = { workOut: (reader: IndexReader) => Promise<IndexChanges> } | { rebuilt: IndexChanges };

/**
 * Writes the changes of the blocks after `after` up to `to` and moves the cursor to `to`, in one transaction,
 * if the cursor is still at `after` (undefined: an index never written); `outbox` writes the range's webhook
 * deliveries in it. New rows (invoices issued in the range, every event) go in by COPY, on the transaction's own
 * connection.
 *
 * A rebuild gives the changes worked out ahead (`rebuilt`), from what the index holds once the range before is
 * written (the cursor check still refuses them if another process moved the cursor), and has the range's events
 * and missing documents written on two more connections, each in a transaction of its own, while this one writes
 * the invoices: three server processes instead of one, so the database works on both cores. They commit whatever
 * this transaction does. That is for a rebuild only, which marks the index as written in its layout once it has
 * ended (a rebuild cut short, or refused here, is done again from the start); never for the running index.
 */
export async function writeIndexRange(
  database: Pick<Database, "pinned">,
  range: { after: number | undefined; to: number; toHash: string },
  rangeChanges: RangeChanges,
  outbox?: Pick<Outbox, "writeRange">,
): Promise<RangeOutcome> {
  return database.pinned((db, copyRows) => db.transaction().execute(async (trx): Promise<RangeOutcome> => {
    // Derived data: committed without waiting for the disk (visible at once all the same). A crash loses at most the
    // last ranges, each whole, never part of one, and the indexer reads them again from the cursor that survived.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    await sql`SELECT pg_advisory_xact_lock(${INDEX_WRITER_LOCK})`.execute(trx);
    const cursor = await getSetting<number>(trx, SETTING.cursor);
    if (cursor !== range.after) return { written: false, cursor };
    const rebuild = "rebuilt" in rangeChanges;
    const changes = rebuild ? rangeChanges.rebuilt : await rangeChanges.workOut({ summaries: (ids) => invoiceSummaries(trx, ids) });
    const writeInvoices = async () => {
      await addInvoiceSummaries(copyRows, changes.issued);
      await putInvoiceSummaries(trx, changes.updated);
    };
    let missingDocuments: string[];
    if (!rebuild) {
      await writeInvoices();
      await addEvents(copyRows, changes.events);
      missingDocuments = await recordMissingDocuments(trx, changes.sealed);
    } else {
      [, , missingDocuments] = await Promise.all([
        writeInvoices(),
        aside(database, (_, copyAside) => addEvents(copyAside, changes.events)),
        aside(database, (trxAside) => recordMissingDocuments(trxAside, changes.sealed)),
      ]);
    }
    await putCreditNotes(trx, changes.creditNotes);
    await setCreditNoteStatuses(trx, changes.creditNoteStatuses);
    await putStatuses(trx, changes.statuses);
    await addTotals(trx, changes.totals);
    // The webhook outbox, in this transaction: a delivery exists exactly when its event is indexed (api/webhooks/outbox.ts).
    await outbox?.writeRange(trx, changes.steps, range);
    await putSetting(trx, SETTING.cursor, range.to);
    await putSetting(trx, SETTING.cursorHash, range.toHash);
    return { written: true, missingDocuments };
  }));
}

/** `work` in a transaction of its own, on a connection of its own (COPY on it too), committed without waiting for the disk. */
function aside<T>(database: Pick<Database, "pinned">, work: (trx: Db, copyRows: CopyRows) => Promise<T>): Promise<T> {
  return database.pinned((db, copyRows) =>
    db.transaction().execute(async (trx) => {
      await sql`SET LOCAL synchronous_commit = off`.execute(trx);
      return work(trx, copyRows);
    }),
  );
}

/**
 * An invoice as the index holds it, with what its view shows beside it: its summary (undefined if the index does not
 * hold it), its events in chain order, its document and key row (undefined without a document here: documents.ts
 * reads them), and its seller's name and taxpayer ID (undefined without a profile here).
 */
export interface IndexedTrace {
  /** The last block indexed; undefined for an index never written. */
  indexedBlock: number | undefined;
  invoice: InvoiceSummary | undefined;
  events: LedgerEvent[];
  document: DocumentRow | undefined;
  seller: { name: string; taxpayerId: string | null } | undefined;
}

/** All of it in one row: the cursor, the invoice, its events (json, not jsonb: see migration 0001), document and seller. */
const TRACE: PreparedStatement = {
  name: "event-index.trace",
  text: `select c.indexed_block, i.id, i.number, i.seller, i.buyer_tax_id, i.total, i.tax, i.state, i.frozen_from, i.holder, i.enterprise,
      i.filed_period, i.reversed_total, i.reversed_tax, i.pending_credit_note, i.issued_at, i.issued_period, i.updated_at, i.seal, e.events,
      d.id as document_id, d.kind as document_kind, d.seller as document_seller, d.request_id as document_request_id, d.record as document_record,
      k.salt as document_salt, k.sealed_key as document_sealed_key, p.name as seller_name, p.taxpayer_id as seller_taxpayer_id
    from (select (select value from settings where name = '${SETTING.cursor}') as indexed_block) c
    left join invoices i on i.id = $1
    left join lateral (
      select json_agg(event order by block_number, transaction_index, log_index) as events from invoice_events where invoice_id = $1
    ) e on true
    left join documents d on d.id = $1
    left join document_keys k on k.id = $1
    left join participants p on p.account = i.seller`,
};

type TraceRow = Selectable<InvoicesTable> & {
  indexed_block: number | null;
  events: LedgerEvent[] | null;
  document_id: string | null;
  document_kind: string;
  document_seller: string;
  document_request_id: string;
  document_record: unknown;
  document_salt: string | null;
  document_sealed_key: unknown;
  seller_name: string | null;
  seller_taxpayer_id: string | null;
};

/**
 * The invoice with the block the index had reached, what its view needs beside it, in one prepared statement
 * (database.ts: lookups by key): of one snapshot (a range and the cursor are written in one transaction), and one
 * round trip where the view read the document and the seller after the invoice.
 */
export async function invoiceTrace(database: Pick<Database, "prepared">, invoiceId: string): Promise<IndexedTrace> {
  const [row] = await database.prepared<TraceRow>(TRACE, [invoiceId.toLowerCase()]);
  const { indexed_block, events, document_id, document_kind, document_seller, document_request_id, document_record, document_salt, document_sealed_key, seller_name, seller_taxpayer_id } = row!;
  return {
    indexedBlock: indexed_block === null ? undefined : Number(indexed_block),
    invoice: row!.id === null ? undefined : summaryOf(row!),
    events: events ?? [],
    document: document_id === null ? undefined : { id: document_id, kind: document_kind, seller: document_seller, request_id: document_request_id, record: document_record, salt: document_salt, sealed_key: document_sealed_key },
    seller: seller_name === null ? undefined : { name: seller_name, taxpayerId: seller_taxpayer_id },
  };
}

/** Totals per merchant and tax period, by merchant then period. */
export async function periodTotals(db: Db, filter: { merchant?: string | undefined; period?: number | undefined }): Promise<PeriodTotals[]> {
  const { merchant, period } = filter;
  const rows = await db
    .selectFrom("period_totals")
    .selectAll()
    .$if(merchant !== undefined, (q) => q.where("merchant", "=", merchant!.toLowerCase()))
    .$if(period !== undefined, (q) => q.where("period", "=", period!))
    .orderBy("merchant")
    .orderBy("period")
    .execute();
  return rows.map((row) => ({
    merchant: checksummedAccount(row.merchant),
    period: row.period,
    invoices: Number(row.invoices),
    total: row.total,
    tax: row.tax,
    reversedTotal: row.reversed_total,
    reversedTax: row.reversed_tax,
  }));
}

/** New rows: the range's events are not in the index (the cursor says so), and a second copy of one is refused by the primary key. */
async function addEvents(copyRows: CopyRows, events: IndexChanges["events"]): Promise<void> {
  await copyRows(
    "invoice_events",
    events.map(({ invoiceId, event }) => ({ invoice_id: invoiceId.toLowerCase(), block_number: event.blockNumber, transaction_index: event.transactionIndex, log_index: event.logIndex, event })),
  );
}

async function putStatuses(db: Db, statuses: IndexChanges["statuses"]): Promise<void> {
  if (statuses.length === 0) return;
  await insertRows(db, "participant_status", statuses.map(({ account, status }) => ({ account: account.toLowerCase(), status })))
    .onConflict((oc) => oc.column("account").doUpdateSet((eb) => ({ status: eb.ref("excluded.status") })))
    .execute();
}

async function addTotals(db: Db, totals: IndexChanges["totals"]): Promise<void> {
  if (totals.length === 0) return;
  const rows = totals.map((t) => ({ merchant: t.merchant.toLowerCase(), period: t.period, invoices: t.invoices, total: t.total, tax: t.tax, reversed_total: t.reversedTotal, reversed_tax: t.reversedTax }));
  await insertRows(db, "period_totals", rows)
    .onConflict((oc) =>
      oc.columns(["merchant", "period"]).doUpdateSet({
        invoices: sql`period_totals.invoices + excluded.invoices`,
        total: sql`period_totals.total + excluded.total`,
        tax: sql`period_totals.tax + excluded.tax`,
        reversed_total: sql`period_totals.reversed_total + excluded.reversed_total`,
        reversed_tax: sql`period_totals.reversed_tax + excluded.reversed_tax`,
      }),
    )
    .execute();
}

/**
 * Records, of these documents, those the database does not hold as missing; returns the ones it had not recorded
 * before, in the order given. One statement: a rebuild's range seals 30,000 documents, and reading which are
 * present, to send the missing back, cost two round trips of them all.
 */
async function recordMissingDocuments(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    with sealed as (select id, position from unnest(${ids.map((id) => id.toLowerCase())}::text[]) with ordinality as t(id, position)),
    recorded as (
      insert into missing_documents (id)
      select s.id from sealed s where not exists (select 1 from documents d where d.id = s.id)
      on conflict do nothing
      returning id
    )
    select s.id from sealed s join recorded r on r.id = s.id order by s.position`.execute(db);
  return rows.map((row) => row.id);
}
