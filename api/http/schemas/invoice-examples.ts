import type { RouteExample } from "../openapi";
import {
  EXAMPLE_CAST,
  EXAMPLE_CREDIT_NOTE,
  EXAMPLE_DOCUMENT_FILE,
  EXAMPLE_INDEXED_BLOCK,
  EXAMPLE_INVOICE,
  EXAMPLE_ISSUE_BODY,
  EXAMPLE_PERIOD,
  EXAMPLE_TRANSACTION,
  exampleCreditNote,
  exampleError,
  exampleInvoice,
  exampleReimbursedInvoice,
} from "./example-cast";

/** The examples of the invoice and credit-note routes (routes/invoices.ts), in the story of example-cast.ts. */
const { merchant, enterprise, employee, colleague, otherEnterprise } = EXAMPLE_CAST;
const invoiceId = { id: EXAMPLE_INVOICE.id };
const noteId = { id: EXAMPLE_CREDIT_NOTE.id };
const issuedNow = { transactionHash: EXAMPLE_TRANSACTION.hash, blockNumber: EXAMPLE_TRANSACTION.blockNumber };
const claimed = { holder: employee.account };
const locked = { state: "Locked", holder: employee.account, enterprise: enterprise.account } as const;
const invalidState = (from: number, to: number) =>
  exampleError("INVALID_STATE", { reason: "InvoiceLedgerInvalidTransition", id: EXAMPLE_INVOICE.id, from: String(from), to: String(to) });

/** Two more orders of the restaurant, issued in one batch: one to the company, one to a guest (an individual). */
const batchBodies = [
  {
    reference: "ORDER-20261125-0002",
    buyer: EXAMPLE_ISSUE_BODY.buyer,
    items: [{ name: "餐饮服务", unit: "次", quantity: "1", unitPrice: "8800", amount: "8800", taxRate: 6, tax: "528" }],
  },
  {
    reference: "ORDER-20261125-0003",
    buyer: { type: "individual", name: "王五" },
    items: [{ name: "月饼礼盒", specification: "500g", unit: "盒", quantity: "3", unitPrice: "4500", amount: "13500", taxRate: 13, tax: "1755" }],
  },
] as const;
const batchInvoices = [
  exampleInvoice({ id: "0x752768345c4d3ffdd5d1e06a1f656e6016779bf42a035c83493a9f7fbd2b9962", number: "1025", checkCode: "11820457730964128835", total: "9328", tax: "528" }),
  exampleInvoice({ id: "0x69c9e1a80779df5720ff01844162731b3ff0f4c690133ae104bcd09ab3f9c2d9", number: "1026", checkCode: "04459130827716502397", total: "15255", tax: "1755", buyerTaxId: null }),
];

const traced = [
  { type: "InvoiceIssued", actor: merchant.account, seller: merchant.account, number: EXAMPLE_INVOICE.number, buyerTaxId: enterprise.taxpayerId, total: EXAMPLE_INVOICE.totals.total, tax: EXAMPLE_INVOICE.totals.tax },
  { type: "InvoiceClaimed", actor: employee.account, holder: employee.account },
  { type: "InvoiceSubmitted", actor: employee.account, holder: employee.account, enterprise: enterprise.account },
  { type: "InvoiceReimbursed", actor: enterprise.account, enterprise: enterprise.account },
].map((event, i) => ({
  ...event,
  invoiceId: EXAMPLE_INVOICE.id,
  blockNumber: EXAMPLE_TRANSACTION.blockNumber + i * 12,
  transactionIndex: 0,
  logIndex: 0,
  transactionHash: `0x${(i + 1).toString(16).padStart(2, "0")}${EXAMPLE_TRANSACTION.hash.slice(4)}`,
  time: `2026-11-25T0${4 + i}:12:10.000Z`,
}));

export const invoiceExamples = {
  issue: {
    "to-enterprise": {
      summary: "The restaurant issues an invoice to the company (an organisation buyer, by its taxpayer ID)",
      description: "The answer carries the claim code to print on the invoice for the buyer, and the document file.",
      as: "merchant",
      body: EXAMPLE_ISSUE_BODY,
      status: 201,
      response: { invoice: { ...exampleInvoice(), document: EXAMPLE_DOCUMENT_FILE, claimCode: EXAMPLE_INVOICE.claimCode }, replayed: false, ...issuedNow },
    },
    "to-individual": {
      summary: "The restaurant issues an invoice to a guest (an individual buyer: no taxpayer ID, the name stays off chain)",
      as: "merchant",
      body: batchBodies[1],
      status: 201,
      response: { invoice: { ...batchInvoices[1], claimCode: "0x55724624a7821436f8ea70d8cd9af8d1baff2c622485611a0faba380a749226d" }, replayed: false, ...issuedNow },
    },
    replayed: {
      summary: "The same request again (a retry after a time-out): the first invoice, not a second one",
      as: "merchant",
      body: EXAMPLE_ISSUE_BODY,
      status: 200,
      response: { invoice: { ...exampleInvoice(), claimCode: EXAMPLE_INVOICE.claimCode }, replayed: true, transactionHash: null, blockNumber: null },
    },
    "duplicate-reference": {
      summary: "The reference of an issued invoice, with other contents",
      as: "merchant",
      body: { ...EXAMPLE_ISSUE_BODY, items: [EXAMPLE_INVOICE.items[0]] },
      status: 409,
      response: exampleError("DUPLICATE_REFERENCE", { reference: EXAMPLE_INVOICE.reference, id: EXAMPLE_INVOICE.id }),
    },
    "quota-exceeded": {
      summary: "More than what is left of the period's quota",
      as: "merchant",
      body: EXAMPLE_ISSUE_BODY,
      status: 422,
      response: exampleError("QUOTA_EXCEEDED", {
        reason: "InvoiceLedgerQuotaExceeded",
        merchant: merchant.account,
        period: String(EXAMPLE_PERIOD),
        requested: EXAMPLE_INVOICE.totals.total,
        available: "10000",
      }),
    },
  },
  issueBatch: {
    "two-orders": {
      summary: "Two invoices in one transaction, all or nothing",
      as: "merchant",
      body: { invoices: batchBodies },
      status: 201,
      response: { results: batchInvoices.map((invoice) => ({ invoice, replayed: false, ...issuedNow })) },
    },
    "duplicate-reference": {
      summary: "One reference of the batch was issued before with other contents: nothing is issued",
      as: "merchant",
      body: { invoices: batchBodies },
      status: 409,
      response: exampleError("DUPLICATE_REFERENCE", { reference: batchBodies[0].reference, id: batchInvoices[0]!.id }),
    },
    "quota-exceeded": {
      summary: "A batch whose total is more than what is left of the quota: nothing is issued",
      as: "merchant",
      body: { invoices: batchBodies },
      status: 422,
      response: exampleError("QUOTA_EXCEEDED", {
        reason: "InvoiceLedgerQuotaExceeded",
        merchant: merchant.account,
        period: String(EXAMPLE_PERIOD),
        requested: "24583",
        available: "10000",
      }),
    },
  },
  search: {
    "reimbursed-by-enterprise": {
      summary: "The company lists the invoices it reimbursed, with the parties' names",
      as: "enterprise",
      query: { state: "Reimbursed", expand: "parties", limit: "20" },
      status: 200,
      response: {
        invoices: [
          {
            id: EXAMPLE_INVOICE.id,
            number: EXAMPLE_INVOICE.number,
            printedNumber: EXAMPLE_INVOICE.printedNumber,
            seller: merchant.account,
            buyerTaxId: enterprise.taxpayerId,
            total: EXAMPLE_INVOICE.totals.total,
            tax: EXAMPLE_INVOICE.totals.tax,
            state: "Reimbursed",
            frozenFrom: null,
            holder: employee.account,
            enterprise: enterprise.account,
            filedPeriod: null,
            reversedTotal: "0",
            reversedTax: "0",
            issuedAt: "2026-11-25T04:12:09.000Z",
            issuedPeriod: EXAMPLE_PERIOD,
            parties: {
              seller: { account: merchant.account, name: merchant.name, taxpayerId: merchant.taxpayerId },
              holder: { account: employee.account, name: employee.name },
              enterprise: { account: enterprise.account, name: enterprise.name },
            },
          },
        ],
        hasMore: false,
        nextCursor: null,
      },
    },
    "by-number": {
      summary: "The bureau finds an invoice by its number",
      as: "bureau",
      query: { number: EXAMPLE_INVOICE.number },
      status: 200,
      response: {
        invoices: [
          {
            id: EXAMPLE_INVOICE.id,
            number: EXAMPLE_INVOICE.number,
            printedNumber: EXAMPLE_INVOICE.printedNumber,
            seller: merchant.account,
            state: "Reimbursed",
            total: EXAMPLE_INVOICE.totals.total,
            tax: EXAMPLE_INVOICE.totals.tax,
            holder: employee.account,
            enterprise: enterprise.account,
            issuedAt: "2026-11-25T04:12:09.000Z",
          },
        ],
        hasMore: false,
        nextCursor: null,
      },
    },
    "largest-this-period": {
      summary: "The restaurant's invoices of a tax period, largest first, one page of 2",
      as: "merchant",
      query: { periodFrom: String(EXAMPLE_PERIOD), periodTo: String(EXAMPLE_PERIOD), sort: "-total", limit: "2" },
      status: 200,
      response: {
        invoices: [
          { id: EXAMPLE_INVOICE.id, number: EXAMPLE_INVOICE.number, printedNumber: EXAMPLE_INVOICE.printedNumber, seller: merchant.account, state: "Reimbursed", total: "20291", tax: "1191", holder: employee.account, enterprise: enterprise.account, issuedAt: "2026-11-25T04:12:09.000Z" },
          { id: batchInvoices[1]!.id, number: "1026", printedNumber: "26441000000000001026", seller: merchant.account, state: "Issued", total: "15255", tax: "1755", holder: null, enterprise: null, issuedAt: "2026-11-25T05:40:31.000Z" },
        ],
        hasMore: true,
        nextCursor: "eyJ2IjoxLCJrIjpbIjE1MjU1IiwiMTAyNiJdfQ.Xk2c9Qw",
      },
    },
    "by-seller-taxpayer-id": {
      summary: "The bureau lists a merchant's invoices by its taxpayer ID (every account registered under it)",
      as: "bureau",
      query: { sellerTaxId: merchant.taxpayerId, state: "Reimbursed", limit: "20" },
      status: 200,
      response: {
        invoices: [
          { id: EXAMPLE_INVOICE.id, number: EXAMPLE_INVOICE.number, printedNumber: EXAMPLE_INVOICE.printedNumber, seller: merchant.account, state: "Reimbursed", total: EXAMPLE_INVOICE.totals.total, tax: EXAMPLE_INVOICE.totals.tax, holder: employee.account, enterprise: enterprise.account, issuedAt: "2026-11-25T04:12:09.000Z" },
        ],
        hasMore: false,
        nextCursor: null,
      },
    },
    "reversal-pending": {
      summary: "The company lists the invoices with a credit note awaiting its confirmation",
      as: "enterprise",
      query: { reversalPending: "true" },
      status: 200,
      response: {
        invoices: [
          {
            id: EXAMPLE_INVOICE.id,
            number: EXAMPLE_INVOICE.number,
            printedNumber: EXAMPLE_INVOICE.printedNumber,
            seller: merchant.account,
            state: "Reimbursed",
            total: EXAMPLE_INVOICE.totals.total,
            tax: EXAMPLE_INVOICE.totals.tax,
            holder: employee.account,
            enterprise: enterprise.account,
            pendingCreditNote: EXAMPLE_CREDIT_NOTE.id,
            issuedAt: "2026-11-25T04:12:09.000Z",
          },
        ],
        hasMore: false,
        nextCursor: null,
      },
    },
    "invalid-cursor": {
      summary: "A cursor that is not the previous page's nextCursor",
      as: "merchant",
      query: { cursor: "bm90LWEtY3Vyc29y" },
      status: 400,
      response: exampleError("INVALID_CURSOR", { issues: [{ in: "query", path: "cursor", message: "not a cursor of this API" }] }),
    },
  },
  view: {
    seller: {
      summary: "The restaurant reads its invoice: the chain's record and the document",
      as: "merchant",
      params: invoiceId,
      status: 200,
      response: { ...exampleReimbursedInvoice(), document: EXAMPLE_DOCUMENT_FILE },
    },
  },
  trace: {
    bureau: {
      summary: "The bureau traces the invoice: every step, who took it, in which transaction and block",
      as: "bureau",
      params: invoiceId,
      status: 200,
      response: { invoice: exampleReimbursedInvoice(), events: traced, asOfBlock: EXAMPLE_INDEXED_BLOCK },
    },
  },
  claim: {
    claim: {
      summary: "张三 claims the invoice with the claim code printed on it",
      as: "individual",
      params: invoiceId,
      body: { claimCode: EXAMPLE_INVOICE.claimCode },
      status: 200,
      response: exampleInvoice(claimed),
    },
    "already-claimed": {
      summary: "The claim code of an invoice someone else has claimed",
      as: "individual",
      params: invoiceId,
      body: { claimCode: EXAMPLE_INVOICE.claimCode },
      status: 409,
      response: exampleError("ALREADY_CLAIMED", { reason: "InvoiceLedgerAlreadyClaimed", id: EXAMPLE_INVOICE.id, holder: colleague.account }),
    },
  },
  transfer: {
    "to-colleague": {
      summary: "张三 hands the invoice to his colleague 李四",
      as: "individual",
      params: invoiceId,
      body: { to: colleague.account },
      status: 200,
      response: exampleInvoice({ holder: colleague.account }),
    },
    "to-a-merchant": {
      summary: "A merchant may not hold invoices",
      as: "individual",
      params: invoiceId,
      body: { to: merchant.account },
      status: 422,
      response: exampleError("INVALID_RECIPIENT", { reason: "InvoiceLedgerInvalidRecipient", id: EXAMPLE_INVOICE.id, to: merchant.account }),
    },
  },
  submit: {
    "to-employer": {
      summary: "张三 submits the invoice to his employer, which locks it",
      as: "individual",
      params: invoiceId,
      body: { enterprise: enterprise.account },
      status: 200,
      response: exampleInvoice(locked),
    },
    "buyer-mismatch": {
      summary: "An invoice titled to the company, submitted to another enterprise",
      as: "individual",
      params: invoiceId,
      body: { enterprise: otherEnterprise.account },
      status: 422,
      response: exampleError("BUYER_MISMATCH", {
        reason: "InvoiceLedgerBuyerMismatch",
        id: EXAMPLE_INVOICE.id,
        buyerTaxId: `0x${Buffer.from(enterprise.taxpayerId).toString("hex")}`,
        enterpriseTaxId: `0x${Buffer.from(otherEnterprise.taxpayerId).toString("hex")}`,
      }),
    },
    "already-submitted": {
      summary: "Submitting an invoice that is locked already",
      as: "individual",
      params: invoiceId,
      body: { enterprise: enterprise.account },
      status: 409,
      response: invalidState(2, 2),
    },
  },
  reject: {
    "missing-receipt": {
      summary: "The company rejects the claim: the invoice is Issued again, with 张三",
      as: "enterprise",
      params: invoiceId,
      body: { reason: "MISSING_RECEIPT" },
      status: 200,
      response: exampleInvoice(claimed),
    },
    "already-reimbursed": {
      summary: "Rejecting an invoice the company has reimbursed",
      as: "enterprise",
      params: invoiceId,
      body: { reason: "MISSING_RECEIPT" },
      status: 409,
      response: invalidState(3, 1),
    },
  },
  reimburse: {
    reimburse: { summary: "The company reimburses 张三: final for reimbursement", as: "enterprise", params: invoiceId, status: 200, response: exampleReimbursedInvoice() },
    "not-locked": { summary: "Reimbursing an invoice twice", as: "enterprise", params: invoiceId, status: 409, response: invalidState(3, 3) },
  },
  file: {
    file: {
      summary: "The company files the invoice into its books for the period",
      as: "enterprise",
      params: invoiceId,
      body: { period: EXAMPLE_PERIOD },
      status: 200,
      response: exampleReimbursedInvoice({ state: "Filed", filedPeriod: EXAMPLE_PERIOD }),
    },
    "before-issue": {
      summary: "A period before the invoice was issued",
      as: "enterprise",
      params: invoiceId,
      body: { period: 202610 },
      status: 422,
      response: exampleError("FILING_PERIOD_OUT_OF_RANGE", {
        reason: "InvoiceLedgerFilingPeriodOutOfRange",
        id: EXAMPLE_INVOICE.id,
        period: "202610",
        earliest: String(EXAMPLE_PERIOD),
        latest: String(EXAMPLE_PERIOD),
      }),
    },
    "not-reimbursed": { summary: "Filing an invoice that is not reimbursed", as: "enterprise", params: invoiceId, body: { period: EXAMPLE_PERIOD }, status: 409, response: invalidState(2, 4) },
  },
  freeze: {
    audit: {
      summary: "The bureau freezes the invoice for an audit",
      as: "bureau",
      params: invoiceId,
      body: { reason: "AUDIT" },
      status: 200,
      response: exampleReimbursedInvoice({ state: "Frozen", frozenFrom: "Reimbursed" }),
    },
    "already-frozen": { summary: "Freezing a frozen invoice", as: "bureau", params: invoiceId, body: { reason: "AUDIT" }, status: 409, response: invalidState(6, 6) },
  },
  unfreeze: {
    unfreeze: { summary: "The bureau unfreezes it: back to the state it was frozen in", as: "bureau", params: invoiceId, status: 200, response: exampleReimbursedInvoice() },
    "not-frozen": { summary: "Unfreezing an invoice that is not frozen", as: "bureau", params: invoiceId, status: 409, response: invalidState(3, 0) },
  },
  reverse: {
    discount: {
      summary: "A partial credit note (a discount) on a reimbursed invoice: Pending until the company confirms it",
      as: "merchant",
      params: invoiceId,
      body: { reference: EXAMPLE_CREDIT_NOTE.reference, reason: "discount", total: EXAMPLE_CREDIT_NOTE.totals.total, tax: EXAMPLE_CREDIT_NOTE.totals.tax },
      status: 201,
      response: { creditNote: exampleCreditNote(), invoice: exampleReimbursedInvoice({ reversalPending: true }) },
    },
    "full-refund": {
      summary: "The whole invoice, before anyone claimed it (amounts omitted): Effective at once",
      as: "merchant",
      params: invoiceId,
      body: { reference: EXAMPLE_CREDIT_NOTE.reference, reason: "sales-return" },
      status: 201,
      response: {
        creditNote: exampleCreditNote({ status: "Effective", reason: "sales-return", total: EXAMPLE_INVOICE.totals.total, tax: EXAMPLE_INVOICE.totals.tax }),
        invoice: exampleInvoice({ state: "Reversed", reversedTotal: EXAMPLE_INVOICE.totals.total, reversedTax: EXAMPLE_INVOICE.totals.tax }),
      },
    },
    "exceeds-remaining": {
      summary: "More than the invoice's total",
      as: "merchant",
      params: invoiceId,
      body: { reference: EXAMPLE_CREDIT_NOTE.reference, reason: "discount", total: "30000", tax: "1700" },
      status: 422,
      response: exampleError("REVERSAL_EXCEEDS_REMAINING", {
        reason: "InvoiceLedgerReversalExceedsRemaining",
        id: EXAMPLE_INVOICE.id,
        total: "30000",
        tax: "1700",
        remainingTotal: EXAMPLE_INVOICE.totals.total,
        remainingTax: EXAMPLE_INVOICE.totals.tax,
      }),
    },
  },
  creditNote: {
    seller: { summary: "The restaurant reads its credit note", as: "merchant", params: noteId, status: 200, response: exampleCreditNote() },
  },
  confirm: {
    confirm: { summary: "The company confirms the discount: Effective", as: "enterprise", params: noteId, status: 200, response: exampleCreditNote({ status: "Effective" }) },
  },
  cancel: {
    withdraw: { summary: "The restaurant withdraws its pending credit note", as: "merchant", params: noteId, status: 200, response: exampleCreditNote({ status: "Cancelled" }) },
  },
} satisfies Record<string, Record<string, RouteExample>>;
