import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_CREDIT_NOTE, EXAMPLE_DOCUMENT_FILE, EXAMPLE_INVOICE } from "./example-cast";

/**
 * The files of the story's invoice and credit note (routes/holder-documents.ts). A document's example answer is
 * how it starts; the proof bundle's is shortened (its proofs hold a few trie nodes each).
 */
const node = `0x${"f8".padEnd(64, "5")}`;
const word = (byte: string) => `0x${byte.repeat(32)}`;
const exampleBundle = (kind: "invoice" | "credit-note", id: string) => ({
  format: "e-invoice-ledger/proof@1",
  kind,
  chainId: "20180810",
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  id,
  block: { hash: word("4c"), parentHash: word("9a"), number: "0x4a3", stateRoot: word("d1"), timestamp: "0x6925a1b9" },
  seal: { signer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", signature: `0x${"2b".repeat(65)}` },
  account: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", accountProof: [node], storageHash: word("77"), nonce: "0x1", balance: "0x0", codeHash: word("c5") },
  storage: [{ slot: word("3e"), value: "0x1b1a", proof: [node] }],
  record: kind === "invoice" ? { number: EXAMPLE_INVOICE.number, total: EXAMPLE_INVOICE.totals.total, tax: EXAMPLE_INVOICE.totals.tax, state: "Reimbursed" } : { number: EXAMPLE_CREDIT_NOTE.number, total: EXAMPLE_CREDIT_NOTE.totals.total, status: "Pending" },
  ...(kind === "invoice" ? { document: EXAMPLE_DOCUMENT_FILE } : {}),
});

const files = (kind: "invoice" | "credit-note", id: string, who: string) =>
  ({
    pdf: {
      copy: {
        summary: `The ${who} as a PDF (the seller's copy)`,
        as: "merchant",
        params: { id },
        status: 200,
        response: "%PDF-",
      },
    },
    ubl: {
      ubl: {
        summary: `The ${who} in UBL 2.1 / EN 16931, for the company's accounting system`,
        as: "enterprise",
        params: { id },
        status: 200,
        response: "<?xml",
      },
    },
    proof: {
      proof: {
        summary: `张三 keeps an offline proof of the ${who} (shortened here)`,
        description: `Checked offline with the authority's address (${EXAMPLE_CAST.bureau.account} in this story) by lib/proof's verifyProofBundle.`,
        as: "individual",
        params: { id },
        status: 200,
        response: exampleBundle(kind, id),
      },
    },
  }) satisfies Record<string, Record<string, RouteExample>>;

export const holderDocumentExamples = {
  invoice: files("invoice", EXAMPLE_INVOICE.id, "invoice"),
  "credit-note": files("credit-note", EXAMPLE_CREDIT_NOTE.id, "credit note"),
};
