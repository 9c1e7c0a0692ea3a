import type { Db } from "../db/database";
import { documentAtNumber } from "../db/document-numbers";
import { prefixMatches, printedNumber, type NumberForm, type NumberInput } from "../domain/printed-number";
import type { StoredDocument } from "./documents";

/**
 * The numbers people read (api/domain/printed-number.ts) against what the ledger numbered: the printed form of a
 * document's number, and what a number given back by a person names. A printed number names a document only when
 * its prefix is the one this ledger printed for it (region, channel, and the year of the document's issue date):
 * a changed year or region reads as no number at all, never as the invoice with the same sequence.
 */
export interface NamedDocument {
  kind: "invoice" | "credit-note";
  id: string;
  sequence: bigint;
  document: StoredDocument;
}

export function createInvoiceNumbers(deps: { db: Db; form: NumberForm; documents: { get(id: string): Promise<StoredDocument | undefined> } }) {
  const { db, form, documents } = deps;
  /** The invoice or credit note a number names, with its document; undefined for a number nobody was given. */
  async function named(input: NumberInput): Promise<NamedDocument | undefined> {
    const found = await documentAtNumber(db, input.sequence);
    if (found === undefined) return undefined;
    const document = await documents.get(found.id);
    if (document === undefined || !prefixMatches(input, document.document.issuedAt, form)) return undefined;
    return { ...found, sequence: input.sequence, document };
  }
  return {
    form,
    printed: (sequence: bigint | string, issuedAt: string): string => printedNumber(BigInt(sequence), issuedAt, form),
    named,

    /**
     * Whether a number as given can be the ledger's number `input.sequence`: the ledger's own number always can
     * (the chain decides), a printed one only with this ledger's prefix for that document.
     */
    async accepts(input: NumberInput): Promise<boolean> {
      return input.printed === undefined || (await named(input)) !== undefined;
    },
  };
}

export type InvoiceNumbers = ReturnType<typeof createInvoiceNumbers>;
