import type { NumberInput } from "../domain/printed-number";
import type { InvoiceNumbers } from "./invoice-numbers";
import type { StoredDocument } from "./documents";
import type { Verdict, Verification } from "./verification";

/**
 * What the public verification page shows (GET /verify, the address in an invoice's QR code): the ledger's
 * verdict on number + check code + total, and for an authentic document what is printed on it that is not
 * personal: what it is, its number, issue date, seller, amounts, and for a credit note the invoice it reverses.
 * Never the buyer: an individual's name is personal, and the page is open to anyone.
 */
export interface PublicFacts {
  kind: "invoice" | "credit-note";
  printedNumber: string;
  issuedAt: string;
  seller: { name: string; taxpayerId: string };
  totals: { amount: string; tax: string; total: string };
  /** A credit note's invoice, by its printed number. */
  original?: { printedNumber: string };
}

export interface PublicVerification {
  verdict: Verdict;
  facts?: PublicFacts;
}

export function createPublicVerification(deps: {
  verification: Pick<Verification, "byCode">;
  numbers: Pick<InvoiceNumbers, "named" | "printed">;
  documents: { get(id: string): Promise<StoredDocument | undefined> };
}) {
  const { verification, numbers, documents } = deps;
  return {
    async lookup(input: { number: NumberInput; checkCode: bigint; total: bigint }): Promise<PublicVerification> {
      // The verdict checks a printed number's prefix; the document is read only for an authentic one.
      const verdict = await verification.byCode(input);
      if (!verdict.authentic) return { verdict };
      const named = await numbers.named(input.number);
      if (named === undefined) return { verdict };
      const { document } = named.document;
      const facts: PublicFacts = {
        kind: named.kind,
        printedNumber: numbers.printed(named.sequence, document.issuedAt),
        issuedAt: document.issuedAt,
        seller: document.seller,
        totals: document.totals,
      };
      if (document.kind === "credit-note") {
        const original = await documents.get(document.original.id);
        if (original !== undefined) facts.original = { printedNumber: numbers.printed(document.original.number, original.document.issuedAt) };
      }
      return { verdict, facts };
    },
  };
}

export type PublicVerificationService = ReturnType<typeof createPublicVerification>;
