import type { RouteExample } from "../openapi";
import { EXAMPLE_CREDIT_NOTE, EXAMPLE_DOCUMENT_FILE, EXAMPLE_INDEXED_BLOCK, EXAMPLE_INVOICE } from "./example-cast";

/** The examples of public verification (routes/verify.ts), in the story of example-cast.ts: anyone holding the invoice checks it. */
export const verifyExamples = {
  byCode: {
    authentic: {
      summary: "What is printed on the invoice: its 20-digit number, check code and total (fen)",
      query: { number: EXAMPLE_INVOICE.printedNumber, checkCode: EXAMPLE_INVOICE.checkCode, total: EXAMPLE_INVOICE.totals.total },
      status: 200,
      response: { authentic: true, state: "Reimbursed", kind: "invoice", asOfBlock: EXAMPLE_INDEXED_BLOCK },
    },
    "ledger-number": {
      summary: "The same invoice by the ledger's own number (the last digits of the printed one)",
      query: { number: EXAMPLE_INVOICE.number, checkCode: EXAMPLE_INVOICE.checkCode, total: EXAMPLE_INVOICE.totals.total },
      status: 200,
      response: { authentic: true, state: "Reimbursed", kind: "invoice", asOfBlock: EXAMPLE_INDEXED_BLOCK },
    },
    "altered-year": {
      summary: "The printed number with its year altered (25 for 26): no invoice was printed with it, so not authentic",
      query: { number: `25${EXAMPLE_INVOICE.printedNumber.slice(2)}`, checkCode: EXAMPLE_INVOICE.checkCode, total: EXAMPLE_INVOICE.totals.total },
      status: 200,
      response: { authentic: false, state: null, asOfBlock: EXAMPLE_INDEXED_BLOCK },
    },
    "altered-total": {
      summary: "The same invoice with its total altered by one fen: not authentic, and nothing more is said",
      query: { number: EXAMPLE_INVOICE.number, checkCode: EXAMPLE_INVOICE.checkCode, total: "20290" },
      status: 200,
      response: { authentic: false, state: null, asOfBlock: EXAMPLE_INDEXED_BLOCK },
    },
    "credit-note": {
      summary: "A red-letter credit note, by what is printed on it: its status, and the state of the invoice it reverses",
      query: { number: EXAMPLE_CREDIT_NOTE.printedNumber, checkCode: EXAMPLE_CREDIT_NOTE.checkCode, total: EXAMPLE_CREDIT_NOTE.totals.total },
      status: 200,
      response: { authentic: true, state: "Reimbursed", kind: "credit-note", creditNoteStatus: "Pending", asOfBlock: EXAMPLE_INDEXED_BLOCK },
    },
  },
  byDocument: {
    "as-served": {
      summary: "The document file as GET /v1/invoices/{id} serves it: its seal is recomputed and compared with the chain",
      body: EXAMPLE_DOCUMENT_FILE,
      status: 200,
      response: { authentic: true, state: "Reimbursed", kind: "invoice", asOfBlock: EXAMPLE_INDEXED_BLOCK },
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
