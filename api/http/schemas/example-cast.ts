import { errorMessage } from "../../i18n/localize";

/**
 * The cast of the OpenAPI document's examples: one tax bureau officer, a restaurant (the merchant), a technology
 * company (the enterprise) and two of its employees, and the invoice the restaurant issues to the company, which
 * 张三 claims, submits and is reimbursed for. Every example request and answer of the document names these, so
 * the examples read as one story (another merchant and another enterprise appear where a refusal needs them), and their amounts follow the invoice rules (line amount = quantity x unit
 * price, tax = amount x rate half-up, totals the sums, rates among 0, 1, 3, 5, 6, 9, 13 %).
 *
 * The accounts, ids and codes are made up, but well-formed (checksummed accounts, valid taxpayer IDs, GB
 * 32100-2015). test/api/api.openapi-examples.test.ts sends every example to a running API, with each of these
 * values replaced by the object the test made for it (its table says which), and holds each answer to the
 * documented one.
 */
export const EXAMPLE_PERIOD = 202611;

export const EXAMPLE_CAST = {
  bureau: { account: "0x6Faa78A334b7780153601E1EA1cd8571AC26055E", name: "Tax bureau" },
  merchant: { account: "0x550Ec6678D19315719ec7D10cc06F7E0BedF4F0C", name: "深圳市南山示范餐饮有限公司", taxpayerId: "91440300MA5DC8LQ03" },
  enterprise: { account: "0x96F55D47E88F2c8d263E6F20792f289B497CAe1a", name: "深圳市前海示范科技有限公司", taxpayerId: "91440300MA5G2K7R17" },
  employee: { account: "0x67A072081c5d1Cb842000B9300e2B8ec7685e1bc", name: "张三", employeeNumber: "A-001" },
  colleague: { account: "0x8D88f0E03dcBfdb75792507F36f0C49aE20BC6Bd", name: "李四", employeeNumber: "A-002" },
  otherMerchant: { account: "0x6415cA37794059156117E07Aa4AcBd50DfE90886", name: "深圳市福田示范酒店有限公司", taxpayerId: "91440300MA5E4TQ914" },
  otherEnterprise: { account: "0x6218eA60f9CD707136e40E35B7fa486F60a2abC6", name: "深圳市罗湖示范贸易有限公司", taxpayerId: "91440300MA5H8N2P6Y" },
} as const;

/** The invoice of the story, as the ledger numbered it, with what is printed on it. */
export const EXAMPLE_INVOICE = {
  id: "0xa3b9ff142b6c1dace3b2e8ed1f92de37708668bbd5195338611d1e6e64701f64",
  number: "1024",
  /** Year 26, region 44, channel 1, then the number in 15 digits (api/domain/printed-number.ts). */
  printedNumber: "26441000000000001024",
  checkCode: "07316485209175364821",
  reference: "ORDER-20261125-0001",
  /** The private key printed on the invoice for its buyer; the address of its key is on chain. */
  claimCode: "0x4050499f52c92e1008e807610c86925cecec80523874f038838d5cb90f297ddd",
  claimKeyAddress: "0x5c50cEF43AB0d93C93Eb8cC4E6eeFeaf6e99c269",
  salt: "0x0ccc6cd43178fb492fe88cff3ed06aa4f709a4da5b48e8eb53b316164b699e84",
  issuedAt: "2026-11-25T04:12:09.512Z",
  /** 2 x 88.00 yuan of meals at 6 %, 1.5 hours of parking at 10.00 yuan at 9 %. */
  items: [
    { name: "餐饮服务", unit: "次", quantity: "2", unitPrice: "8800", amount: "17600", taxRate: 6, tax: "1056" },
    { name: "停车服务", unit: "小时", quantity: "1.5", unitPrice: "1000", amount: "1500", taxRate: 9, tax: "135" },
  ],
  totals: { amount: "19100", tax: "1191", total: "20291" },
  remarks: "客户订单 ORDER-20261125-0001",
} as const;

/** The red-letter credit note of the story: a discount of 10.60 yuan (10.00 + 6 % tax) on the invoice. */
export const EXAMPLE_CREDIT_NOTE = {
  id: "0x896f1b34857e5cc2e3811dfaae353744956870065739c0e496b888b51386c4dd",
  number: "1031",
  printedNumber: "26441000000000001031",
  checkCode: "03579808465212361665",
  reference: "REFUND-20261125-0001",
  salt: "0x8e3a386c53d16e6d9b4222fb790b4eb8d12a1b93801f3f634be806d85a04c1c3",
  issuedAt: "2026-11-25T09:30:41.027Z",
  totals: { amount: "1000", tax: "60", total: "1060" },
} as const;

/** An API key as POST /v1/participants, /v1/employees and /v1/api-keys show it once: `eil_<keyId>_<secret>`. */
export const EXAMPLE_KEY = { keyId: "3e27cad5c762", apiKey: "eil_3e27cad5c762_BoxvApIyYF6kil7dcIz-V98ra1Kl91g2", label: "till 2" } as const;

export const EXAMPLE_TRANSACTION = { hash: "0x465673bb5892bcb3f8f12994d55d3380170b878e9731168e6a9fc008122ec234", blockNumber: 1187 } as const;
/** The block the API's index had reached when the story's reads and verifications were answered (asOfBlock). */
export const EXAMPLE_INDEXED_BLOCK = 1242;

const { merchant, enterprise, employee, bureau } = EXAMPLE_CAST;

/** The body that issues the story's invoice (POST /v1/invoices). */
export const EXAMPLE_ISSUE_BODY = {
  reference: EXAMPLE_INVOICE.reference,
  buyer: { type: "organisation", name: enterprise.name, taxpayerId: enterprise.taxpayerId },
  items: EXAMPLE_INVOICE.items,
  remarks: EXAMPLE_INVOICE.remarks,
} as const;

/** The invoice document as GET /v1/invoices/{id} serves it to parties to it, and POST /v1/verify/document takes it. */
export const EXAMPLE_DOCUMENT_FILE = {
  id: EXAMPLE_INVOICE.id,
  number: EXAMPLE_INVOICE.number,
  checkCode: EXAMPLE_INVOICE.checkCode,
  document: {
    kind: "invoice",
    version: 1,
    reference: EXAMPLE_INVOICE.reference,
    issuedAt: EXAMPLE_INVOICE.issuedAt,
    currency: "CNY",
    seller: { name: merchant.name, taxpayerId: merchant.taxpayerId },
    buyer: EXAMPLE_ISSUE_BODY.buyer,
    items: EXAMPLE_INVOICE.items,
    totals: EXAMPLE_INVOICE.totals,
    remarks: EXAMPLE_INVOICE.remarks,
  },
  salt: EXAMPLE_INVOICE.salt,
  claimKeyAddress: EXAMPLE_INVOICE.claimKeyAddress,
} as const;

type InvoiceState = "Issued" | "Locked" | "Reimbursed" | "Filed" | "Reversed" | "Frozen";

/** The story's invoice as the API answers it (the Invoice schema), in the state `changes` say. */
export function exampleInvoice(changes: { state?: InvoiceState; [field: string]: unknown } = {}) {
  return {
    id: EXAMPLE_INVOICE.id,
    number: EXAMPLE_INVOICE.number,
    printedNumber: EXAMPLE_INVOICE.printedNumber,
    state: "Issued",
    frozenFrom: null,
    seller: { account: merchant.account, name: merchant.name, taxpayerId: merchant.taxpayerId },
    buyerTaxId: enterprise.taxpayerId,
    total: EXAMPLE_INVOICE.totals.total,
    tax: EXAMPLE_INVOICE.totals.tax,
    checkCode: EXAMPLE_INVOICE.checkCode,
    holder: null,
    enterprise: null,
    filedPeriod: null,
    reversedTotal: "0",
    reversedTax: "0",
    reversalPending: false,
    ...changes,
  };
}

/** Claimed by 张三, submitted to and reimbursed by the company: the invoice at the end of the story. */
export const exampleReimbursedInvoice = (changes: Record<string, unknown> = {}) =>
  exampleInvoice({ state: "Reimbursed", holder: employee.account, enterprise: enterprise.account, ...changes });

/** The story's credit note as the API answers it (the CreditNote schema). */
export function exampleCreditNote(changes: { status?: "Pending" | "Effective" | "Cancelled"; [field: string]: unknown } = {}) {
  return {
    id: EXAMPLE_CREDIT_NOTE.id,
    invoiceId: EXAMPLE_INVOICE.id,
    number: EXAMPLE_CREDIT_NOTE.number,
    printedNumber: EXAMPLE_CREDIT_NOTE.printedNumber,
    total: EXAMPLE_CREDIT_NOTE.totals.total,
    tax: EXAMPLE_CREDIT_NOTE.totals.tax,
    reason: "discount",
    status: "Pending",
    checkCode: EXAMPLE_CREDIT_NOTE.checkCode,
    ...changes,
  };
}

/** A participant as the API answers it (the Participant schema). */
export function exampleParticipant(who: "merchant" | "enterprise" | "employee" | "colleague", changes: Record<string, unknown> = {}) {
  const createdAt = "2026-11-25T02:00:00.000Z";
  if (who === "merchant" || who === "enterprise") {
    const org = EXAMPLE_CAST[who];
    return { account: org.account, role: who, name: org.name, taxpayerId: org.taxpayerId, registeredBy: bureau.account, createdAt, ...changes };
  }
  const person = EXAMPLE_CAST[who];
  return { account: person.account, role: "individual", name: person.name, employeeNumber: person.employeeNumber, employer: enterprise.account, registeredBy: enterprise.account, createdAt, ...changes };
}

/** An error answer: `{ error: { code, message, details } }`; clients match the code, the message is for a person. A 404 has no details. */
/** An error answer as the API words it in English (the error handler's own catalogue), so examples never drift from it. */
export const exampleError = (code: string, details?: Record<string, unknown>) => ({ error: { code, message: errorMessage("en", code, details ?? {}), ...(details === undefined ? {} : { details }) } });
