import type { LedgerClient } from "../chain/ledger-client";
import { toApiError, unknownOnRevert } from "../chain/contract-errors";
import { commitmentOf, sealOf } from "../domain/commitment";
import type { LedgerDocument } from "../domain/invoice-document";
import { STATES, type InvoiceState } from "../indexer/events";

/**
 * Public verification, for anyone holding an invoice. Nothing secret is needed and nothing about the invoice
 * beyond authentic/state is revealed: by number + check code + total (all printed on the invoice), or by the
 * document file, whose seal is recomputed from the document, salt and claim key and compared with the chain.
 */
export interface Verdict {
  authentic: boolean;
  state: InvoiceState | null;
  /** Why a document does not verify, for a person: which part disagrees with the ledger. */
  mismatch?: "unknown" | "document" | "number" | "amount";
}

export function createVerification(client: LedgerClient) {
  return {
    async byCode(input: { number: bigint; checkCode: bigint; total: bigint }): Promise<Verdict> {
      try {
        const [authentic, state] = await client.ledger.verify(input.number, input.checkCode, input.total);
        return authentic ? { authentic, state: STATES[Number(state)] ?? null } : { authentic, state: null };
      } catch (error) {
        throw toApiError(error);
      }
    },

    async byDocument(file: { id: string; number: bigint; document: LedgerDocument; salt: string; claimKeyAddress: string }): Promise<Verdict> {
      const seal = sealOf(commitmentOf(file.salt, file.document), file.claimKeyAddress).toLowerCase();
      // Both records carry seal, number, total and tax; an invoice's state is its own, a credit note's is its invoice's.
      let record: { seal: string; number: bigint; total: bigint; tax: bigint } | undefined;
      let stateCode: bigint | undefined;
      if (file.document.kind === "invoice") {
        const invoice = await client.ledger.invoice(file.id).catch(unknownOnRevert);
        if (invoice !== undefined && invoice.state !== 0n) [record, stateCode] = [invoice, invoice.state];
      } else {
        const note = await client.ledger.creditNote(file.id).catch(unknownOnRevert);
        if (note !== undefined && note.status !== 0n) [record, stateCode] = [note, (await client.ledger.invoice(note.invoice)).state];
      }
      if (record === undefined) return { authentic: false, state: null, mismatch: "unknown" };
      if (record.seal.toLowerCase() !== seal) return { authentic: false, state: null, mismatch: "document" };
      if (record.number !== file.number) return { authentic: false, state: null, mismatch: "number" };
      if (record.total !== BigInt(file.document.totals.total) || record.tax !== BigInt(file.document.totals.tax)) return { authentic: false, state: null, mismatch: "amount" };
      const state = STATES[Number(stateCode)] ?? null;
      return { authentic: true, state };
    },
  };
}

export type Verification = ReturnType<typeof createVerification>;
