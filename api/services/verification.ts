import type { LedgerClient } from "../chain/ledger-client";
import { toApiError, unknownOnRevert } from "../chain/contract-errors";
import type { Database } from "../db/database";
import { recordAtNumber, recordOfDocument, type IndexedRead, type IndexedRecord } from "../db/verification-index";
import { checkCodeOf, commitmentOf, sealOf } from "../domain/commitment";
import type { LedgerDocument } from "../domain/invoice-document";
import { prefixMatches, type NumberForm, type NumberInput } from "../domain/printed-number";
import type { EventIndexer } from "../indexer/event-indexer";
import { CREDIT_NOTE_STATUSES, STATES, type CreditNoteStatus, type InvoiceState } from "../indexer/events";

/**
 * Public verification, for anyone holding an invoice or a red-letter credit note. Nothing secret is needed and
 * nothing beyond authentic/state is revealed: by number + check code + total (all printed on the document), or
 * by the document file, whose seal is recomputed from the document, salt and claim key and compared with the
 * ledger's. A refusal says no more than the caller proved: an unknown id and a wrong document read alike.
 *
 * Answered from the event index (api/db/verification-index.ts) when it has reached the chain's head as the API
 * knows it (the indexer's last look at the head), with the block the answer reflects; from the chain, at its
 * head, when the index is behind or does not hold what was asked (a number issued a moment ago through another
 * API instance, or straight to the chain). The index never answers "not authentic" for a number or an id it does
 * not hold: only the chain does. The verdicts are the chain's own: `InvoiceLedger.verify` for a number, the
 * invoice's or credit note's record for a document (test/api/api.index-answers.test.ts holds the two to it).
 */
export interface Verdict {
  authentic: boolean;
  /** The invoice's state; for a credit note, the state of the invoice it reverses. */
  state: InvoiceState | null;
  /** What the authentic document is. */
  kind?: "invoice" | "credit-note";
  /** For an authentic credit note: whether it took effect, waits for the buyer's confirmation, or was cancelled. */
  creditNoteStatus?: CreditNoteStatus;
  /** Why a document does not verify, for a person: which part disagrees with the ledger. "document" also stands
   * for an id the ledger does not know, so that the answer does not tell which ids exist. */
  mismatch?: "document" | "number" | "amount";
  /** The block the answer reflects: the last one the index had indexed, or the chain's head when the chain answered. */
  asOfBlock: number;
}

export interface VerificationDeps {
  /** The event index's reads (prepared statements: api/db/verification-index.ts). */
  database: Pick<Database, "prepared">;
  client: Pick<LedgerClient, "ledger" | "provider">;
  /** Whether an index read is at the chain's head as the API last saw it, and the wait for the index to reach a block. */
  indexer: Pick<EventIndexer, "isCurrent" | "waitFor">;
  numberForm: NumberForm;
}

const notAuthentic = (asOfBlock: number, mismatch?: Verdict["mismatch"]): Verdict => ({ authentic: false, state: null, ...(mismatch === undefined ? {} : { mismatch }), asOfBlock });

function authentic(state: InvoiceState | null, creditNoteStatus: CreditNoteStatus | null, asOfBlock: number): Verdict {
  return { authentic: true, state, kind: creditNoteStatus === null ? "invoice" : "credit-note", ...(creditNoteStatus === null ? {} : { creditNoteStatus }), asOfBlock };
}

/** The uploaded document file (api/http/schemas/verification.ts), parsed. */
export interface DocumentFileInput {
  id: string;
  number: NumberInput;
  document: LedgerDocument;
  salt: string;
  claimKeyAddress: string;
}

/**
 * The two sources of a verdict. Each gives the verdict it can stand behind, or undefined when it cannot answer
 * (the index only: behind the head, or not holding what was asked).
 */
export function createVerificationSources({ client, indexer, numberForm }: VerificationDeps) {
  /** The index answers if it holds the record, with its seal, and has reached the chain's head as the API knows it. */
  const sealed = (read: IndexedRead): read is IndexedRead & { indexedBlock: number; record: IndexedRecord & { seal: string } } =>
    indexer.isCurrent(read.indexedBlock) && read.record !== undefined && read.record.seal !== null;
  const printedMatches = (input: NumberInput, record: IndexedRecord | undefined) =>
    input.printed === undefined || (record !== undefined && record.issuedAt !== null && prefixMatches(input, record.issuedAt, numberForm));

  const index = {
    /** By number: the index's record of the number; undefined unless it holds one and is at the head. */
    byCode(input: { number: NumberInput; checkCode: bigint; total: bigint }, read: IndexedRead): Verdict | undefined {
      if (!sealed(read)) return undefined;
      const { record } = read;
      // A printed number must carry the prefix this ledger printed on that document (its issue year here).
      if (!printedMatches(input.number, record)) return notAuthentic(read.indexedBlock);
      if (BigInt(record.total) !== input.total || BigInt(checkCodeOf(record.seal)) !== input.checkCode) return notAuthentic(read.indexedBlock);
      return authentic(record.state, record.creditNoteStatus, read.indexedBlock);
    },

    /**
     * By document: only once the seal matches does the index answer. A wrong document of a known id goes to the
     * chain as an unknown id does, so that the two read alike (the same answer, the same block, the same cost).
     */
    byDocument(file: DocumentFileInput, seal: string, read: IndexedRead): Verdict | undefined {
      if (!sealed(read) || read.record.seal !== seal) return undefined;
      const { record, indexedBlock } = read;
      if (BigInt(record.number) !== file.number.sequence || !prefixMatches(file.number, file.document.issuedAt, numberForm)) return notAuthentic(indexedBlock, "number");
      if (BigInt(record.total) !== BigInt(file.document.totals.total) || BigInt(record.tax) !== BigInt(file.document.totals.tax)) return notAuthentic(indexedBlock, "amount");
      return authentic(record.state, record.creditNoteStatus, indexedBlock);
    },
  };

  const chain = {
    /** By number, at block `at`: `InvoiceLedger.verify`. A printed number's prefix is checked by the caller. */
    async byCode(input: { number: NumberInput; checkCode: bigint; total: bigint }, at: number): Promise<Verdict> {
      try {
        const [isAuthentic, state, noteStatus] = await client.ledger.verify(input.number.sequence, input.checkCode, input.total, { blockTag: at });
        if (!isAuthentic) return notAuthentic(at);
        return authentic(STATES[Number(state)] ?? null, CREDIT_NOTE_STATUSES[Number(noteStatus)] ?? null, at);
      } catch (error) {
        throw toApiError(error);
      }
    },

    /** By document, at block `at`: the invoice's or credit note's record. */
    async byDocument(file: DocumentFileInput, seal: string, at: number): Promise<Verdict> {
      const tag = { blockTag: at };
      // Both records carry seal, number, total and tax; an invoice's state is its own, a credit note's is its invoice's.
      let record: { seal: string; number: bigint; total: bigint; tax: bigint } | undefined;
      let stateCode: bigint | undefined;
      let noteStatus: bigint | undefined;
      let noteInvoice = "";
      if (file.document.kind === "invoice") {
        const invoice = await client.ledger.invoice(file.id, tag).catch(unknownOnRevert);
        if (invoice !== undefined && invoice.state !== 0n) [record, stateCode] = [invoice, invoice.state];
      } else {
        const note = await client.ledger.creditNote(file.id, tag).catch(unknownOnRevert);
        if (note !== undefined && note.status !== 0n) [record, noteStatus, noteInvoice] = [note, note.status, note.invoice];
      }
      // Until the seal matches, the caller has proved nothing: an unknown id reads exactly like a wrong document.
      if (record === undefined || record.seal.toLowerCase() !== seal) return notAuthentic(at, "document");
      if (record.number !== file.number.sequence || !prefixMatches(file.number, file.document.issuedAt, numberForm)) return notAuthentic(at, "number");
      if (record.total !== BigInt(file.document.totals.total) || record.tax !== BigInt(file.document.totals.tax)) return notAuthentic(at, "amount");
      stateCode ??= (await client.ledger.invoice(noteInvoice, tag)).state;
      return authentic(STATES[Number(stateCode)] ?? null, noteStatus === undefined ? null : (CREDIT_NOTE_STATUSES[Number(noteStatus)] ?? null), at);
    },

    /** The chain's head now: the block a chain answer is taken at. */
    async head(): Promise<number> {
      return client.provider.getBlockNumber().catch((error: unknown) => Promise.reject(toApiError(error)));
    },
  };

  return { index, chain, printedMatches };
}

export function createVerification(deps: VerificationDeps) {
  const { database, indexer } = deps;
  const { index, chain, printedMatches } = createVerificationSources(deps);
  return {
    async byCode(input: { number: NumberInput; checkCode: bigint; total: bigint }): Promise<Verdict> {
      const withIssueTime = input.number.printed !== undefined;
      const read = await recordAtNumber(database, input.number.sequence, { withIssueTime });
      const fromIndex = index.byCode(input, read);
      if (fromIndex !== undefined) return fromIndex;
      // A printed number the index holds names a document, whose issue year the prefix must carry: no need to ask the chain.
      if (read.record !== undefined && read.indexedBlock !== undefined && !printedMatches(input.number, read.record)) return notAuthentic(read.indexedBlock);
      const at = await chain.head();
      const verdict = await chain.byCode(input, at);
      if (!verdict.authentic || !withIssueTime || read.record !== undefined) return verdict;
      // Authentic on chain, printed, and not indexed yet: its prefix is checked against its document here, found
      // through the index's record of the number once the index has reached the block the chain answered at.
      await indexer.waitFor(at);
      return printedMatches(input.number, (await recordAtNumber(database, input.number.sequence, { withIssueTime })).record) ? verdict : notAuthentic(at);
    },

    async byDocument(file: DocumentFileInput): Promise<Verdict> {
      const seal = sealOf(commitmentOf(file.salt, file.document), file.claimKeyAddress).toLowerCase();
      const read = await recordOfDocument(database, file.document.kind, file.id);
      return index.byDocument(file, seal, read) ?? chain.byDocument(file, seal, await chain.head());
    },
  };
}

export type Verification = ReturnType<typeof createVerification>;
