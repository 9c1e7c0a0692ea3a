import type { LedgerClient } from "../chain/ledger-client";
import { toApiError, unknownOnRevert } from "../chain/contract-errors";
import { commitmentOf, sealOf } from "../domain/commitment";
import type { LedgerDocument } from "../domain/invoice-document";
import { prefixMatches, type NumberInput } from "../domain/printed-number";
import { STATES, type InvoiceState } from "../indexer/events";
import type { InvoiceNumbers } from "./invoice-numbers";

/**
 * Public verification, for anyone holding an invoice or a red-letter credit note. Nothing secret is needed and
 * nothing beyond authentic/state is revealed: by number + check code + total (all printed on the document), or
 * by the document file, whose seal is recomputed from the document, salt and claim key and compared with the
 * chain. A refusal says no more than the caller proved: an unknown id and a wrong document read alike.
 */
export const CREDIT_NOTE_STATUSES = [null, "Pending", "Effective", "Cancelled"] as const;
export type CreditNoteStatus = Exclude<(typeof CREDIT_NOTE_STATUSES)[number], null>;

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
}

const NOT_AUTHENTIC: Verdict = { authentic: false, state: null };

export function createVerification(client: LedgerClient, numbers: Pick<InvoiceNumbers, "accepts" | "form">) {
  return {
    async byCode(input: { number: NumberInput; checkCode: bigint; total: bigint }): Promise<Verdict> {
      try {
        // A printed number must carry the prefix this ledger printed on that document; the chain decides the rest.
        if (!(await numbers.accepts(input.number))) return { ...NOT_AUTHENTIC };
        const [authentic, state, noteStatus] = await client.ledger.verify(input.number.sequence, input.checkCode, input.total);
        if (!authentic) return { ...NOT_AUTHENTIC };
        const creditNoteStatus = CREDIT_NOTE_STATUSES[Number(noteStatus)] ?? null;
        const verdict: Verdict = { authentic, state: STATES[Number(state)] ?? null, kind: creditNoteStatus === null ? "invoice" : "credit-note" };
        if (creditNoteStatus !== null) verdict.creditNoteStatus = creditNoteStatus;
        return verdict;
      } catch (error) {
        throw toApiError(error);
      }
    },

    async byDocument(file: { id: string; number: NumberInput; document: LedgerDocument; salt: string; claimKeyAddress: string }): Promise<Verdict> {
      const seal = sealOf(commitmentOf(file.salt, file.document), file.claimKeyAddress).toLowerCase();
      // Both records carry seal, number, total and tax; an invoice's state is its own, a credit note's is its invoice's.
      let record: { seal: string; number: bigint; total: bigint; tax: bigint } | undefined;
      let stateCode: bigint | undefined;
      let noteStatus: bigint | undefined;
      let noteInvoice = "";
      if (file.document.kind === "invoice") {
        const invoice = await client.ledger.invoice(file.id).catch(unknownOnRevert);
        if (invoice !== undefined && invoice.state !== 0n) [record, stateCode] = [invoice, invoice.state];
      } else {
        const note = await client.ledger.creditNote(file.id).catch(unknownOnRevert);
        if (note !== undefined && note.status !== 0n) [record, noteStatus, noteInvoice] = [note, note.status, note.invoice];
      }
      // Until the seal matches, the caller has proved nothing: an unknown id reads exactly like a wrong document
      // (and costs the same one read).
      if (record === undefined || record.seal.toLowerCase() !== seal) return { ...NOT_AUTHENTIC, mismatch: "document" };
      if (record.number !== file.number.sequence || !prefixMatches(file.number, file.document.issuedAt, numbers.form)) return { ...NOT_AUTHENTIC, mismatch: "number" };
      if (record.total !== BigInt(file.document.totals.total) || record.tax !== BigInt(file.document.totals.tax)) return { ...NOT_AUTHENTIC, mismatch: "amount" };
      stateCode ??= (await client.ledger.invoice(noteInvoice)).state;
      const verdict: Verdict = { authentic: true, state: STATES[Number(stateCode)] ?? null, kind: noteStatus === undefined ? "invoice" : "credit-note" };
      const creditNoteStatus = noteStatus === undefined ? null : (CREDIT_NOTE_STATUSES[Number(noteStatus)] ?? null);
      if (creditNoteStatus !== null) verdict.creditNoteStatus = creditNoteStatus;
      return verdict;
    },
  };
}

export type Verification = ReturnType<typeof createVerification>;
