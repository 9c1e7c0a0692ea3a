import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_INVOICE, exampleError, exampleInvoice } from "./example-cast";

/**
 * The examples of erasure (routes/erasure.ts), in the story of example-cast.ts: besides the company's invoice,
 * the restaurant issued one to 张三 as a private person (a dinner he paid himself, his phone number in the
 * remarks), which he claimed. He asks the bureau to delete his personal data; the company's invoice has none.
 */
const { bureau, merchant, employee } = EXAMPLE_CAST;

/** The invoice to 张三 as a private person, as the ledger numbered it. */
export const EXAMPLE_PRIVATE_INVOICE = {
  id: "0x579e01bd41c028a60e799256c0f4b4a0e59a61873c537c4e464eb3178fee65a6",
  number: "1027",
  checkCode: "11842093557610482733",
  reference: "ORDER-20261125-0007",
  claimKeyAddress: "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF",
  issuedAt: "2026-11-25T11:47:30.118Z",
  /** 1 x 88.00 yuan of meals at 6 %. */
  items: [{ name: "餐饮服务", unit: "次", quantity: "1", unitPrice: "8800", amount: "8800", taxRate: 6, tax: "528" }],
  totals: { amount: "8800", tax: "528", total: "9328" },
} as const;

/** Its document as it reads once erased: the buyer a person, not who; no remarks; no salt. */
const erasedFile = {
  id: EXAMPLE_PRIVATE_INVOICE.id,
  number: EXAMPLE_PRIVATE_INVOICE.number,
  checkCode: EXAMPLE_PRIVATE_INVOICE.checkCode,
  document: {
    kind: "invoice",
    version: 1,
    reference: EXAMPLE_PRIVATE_INVOICE.reference,
    issuedAt: EXAMPLE_PRIVATE_INVOICE.issuedAt,
    currency: "CNY",
    seller: { name: merchant.name, taxpayerId: merchant.taxpayerId },
    buyer: { type: "individual", name: null, erased: true },
    items: EXAMPLE_PRIVATE_INVOICE.items,
    totals: EXAMPLE_PRIVATE_INVOICE.totals,
  },
  salt: null,
  claimKeyAddress: EXAMPLE_PRIVATE_INVOICE.claimKeyAddress,
};

const request = { basis: "PIPL-47", requestReference: "DEL-2026-0042" };

export const erasureExamples = {
  erase: {
    "personal-data": {
      summary: "张三 asks for his personal data to be deleted (PIPL Art. 47): his name and the remarks are erased; number, amounts, state and history stay",
      as: "bureau",
      params: { id: EXAMPLE_PRIVATE_INVOICE.id },
      body: request,
      status: 200,
      response: exampleInvoice({
        id: EXAMPLE_PRIVATE_INVOICE.id,
        number: EXAMPLE_PRIVATE_INVOICE.number,
        checkCode: EXAMPLE_PRIVATE_INVOICE.checkCode,
        buyerTaxId: null,
        total: EXAMPLE_PRIVATE_INVOICE.totals.total,
        tax: EXAMPLE_PRIVATE_INVOICE.totals.tax,
        holder: employee.account,
        document: erasedFile,
      }),
    },
    "organisation-buyer": {
      summary: "The company's invoice names an organisation, whose name and taxpayer ID are public: nothing to erase",
      as: "bureau",
      params: { id: EXAMPLE_INVOICE.id },
      body: request,
      status: 409,
      response: exampleError("NOTHING_TO_ERASE", { id: EXAMPLE_INVOICE.id, buyer: "organisation" }),
    },
  },
  list: {
    erasures: {
      summary: "The bureau reads its record of erasures: which invoice, when, by whom, on what basis",
      as: "bureau",
      query: { limit: "50" },
      status: 200,
      response: {
        erasures: [
          {
            seq: "1",
            invoiceId: EXAMPLE_PRIVATE_INVOICE.id,
            invoiceNumber: EXAMPLE_PRIVATE_INVOICE.number,
            erasedAt: "2026-12-02T03:15:44.201Z",
            erasedBy: bureau.account,
            basis: request.basis,
            requestReference: request.requestReference,
          },
        ],
      },
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
