import type { CreditNoteStatus, InvoiceState } from "../indexer/events";
import type { Database, PreparedStatement } from "./database";

/**
 * What public verification checks a document against, read from the event index (api/services/verification.ts):
 * the invoice or credit note a number or an id names, with its seal, amounts, status and the state of the invoice,
 * and the block the index had reached when it was read. Each read is one statement, so the record and the block
 * are of one snapshot (the index writes a range and its cursor in one transaction, event-index.ts), and a
 * prepared one (database.ts): a verification is one lookup by a unique key, which PostgreSQL need not plan anew.
 */
export interface IndexedRecord {
  kind: "invoice" | "credit-note";
  id: string;
  number: string;
  /** Null only for an invoice indexed before migration 0012. */
  seal: string | null;
  total: string;
  tax: string;
  /** The invoice's state; for a credit note, the state of the invoice it reverses. */
  state: InvoiceState;
  /** A credit note's status; null for an invoice. */
  creditNoteStatus: CreditNoteStatus | null;
  /** The issue time its document carries (the year of its printed number), when asked for; null without a document here. */
  issuedAt: string | null;
}

export interface IndexedRead {
  /** The last block the index had indexed; undefined for an index never written. */
  indexedBlock: number | undefined;
  record: IndexedRecord | undefined;
}

interface Row {
  indexed_block: number | null;
  kind: IndexedRecord["kind"] | null;
  id: string;
  number: string;
  seal: string | null;
  total: string;
  tax: string;
  state: InvoiceState;
  credit_note_status: CreditNoteStatus | null;
  issued_at: string | null;
}

const INVOICES = `select 'invoice' as kind, i.id, i.number, i.seal, i.total, i.tax, i.state, null as credit_note_status from invoices i`;
const CREDIT_NOTES = `select 'credit-note' as kind, n.id, n.number, n.seal, n.total, n.tax, i.state, n.status as credit_note_status from credit_notes n join invoices i on i.id = n.invoice_id`;
/** The document's issue time, read out of its JSON: only when a printed number needs it. */
const ISSUED_AT = `(select d.record -> 'document' ->> 'issuedAt' from documents d where d.id = r.id)`;

/** The cursor (event-index.ts) beside at most one record ($1): one row whether or not the record exists. */
const statement = (name: string, records: string, issuedAt = "null"): PreparedStatement => ({
  name: `verification-index.${name}`,
  text: `select (select value from settings where name = 'index.cursor') as indexed_block, r.*, ${issuedAt} as issued_at
    from (values (1)) as one (x) left join lateral (${records}) r on true`,
});

const AT_NUMBER = `${INVOICES} where i.number = $1 union all ${CREDIT_NOTES} where n.number = $1`;
const STATEMENTS = {
  atNumber: statement("at-number", AT_NUMBER),
  atNumberWithIssueTime: statement("at-number-with-issue-time", AT_NUMBER, ISSUED_AT),
  invoice: statement("invoice", `${INVOICES} where i.id = $1`),
  creditNote: statement("credit-note", `${CREDIT_NOTES} where n.id = $1`),
};

async function read(database: Pick<Database, "prepared">, statement: PreparedStatement, key: string): Promise<IndexedRead> {
  const { indexed_block, kind, id, number, seal, total, tax, state, credit_note_status: creditNoteStatus, issued_at: issuedAt } = (await database.prepared<Row>(statement, [key]))[0]!;
  const indexedBlock = indexed_block === null ? undefined : Number(indexed_block);
  return { indexedBlock, record: kind === null ? undefined : { kind, id, number, seal, total, tax, state, creditNoteStatus, issuedAt } };
}

/** The invoice or credit note numbered `number` (they share one sequence: at most one of the two). */
export function recordAtNumber(database: Pick<Database, "prepared">, number: bigint, options: { withIssueTime: boolean }): Promise<IndexedRead> {
  return read(database, options.withIssueTime ? STATEMENTS.atNumberWithIssueTime : STATEMENTS.atNumber, number.toString());
}

/** The invoice or credit note (as `kind` says) with this id. */
export function recordOfDocument(database: Pick<Database, "prepared">, kind: IndexedRecord["kind"], id: string): Promise<IndexedRead> {
  return read(database, kind === "invoice" ? STATEMENTS.invoice : STATEMENTS.creditNote, id.toLowerCase());
}
