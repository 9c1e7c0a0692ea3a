import { z } from "zod";

/** Response shapes, for the OpenAPI document. Amounts are fen as digit strings. */
const state = z.enum(["Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"]);

export const partyView = z
  .object({
    account: z.string(),
    role: z.enum(["bureau", "merchant", "enterprise", "individual"]),
    name: z.string(),
    taxpayerId: z.string().optional(),
    employer: z.string().optional(),
    employeeNumber: z.string().optional(),
    registeredBy: z.string().nullable(),
    createdAt: z.string(),
    predecessor: z.string().optional().meta({ description: "The revoked account this organisation succeeds (registered again under its taxpayer ID)" }),
    status: z.enum(["Active", "Suspended", "Revoked"]).nullable().optional().meta({ description: "The registry status, on reads (not in a registration's answer)" }),
  })
  .meta({ id: "Participant" });

export const registeredView = z.object({ participant: partyView, apiKey: z.string().meta({ description: "Shown once; only its hash is stored" }) }).meta({ id: "Registered" });

export const apiKeyInfo = z
  .object({
    keyId: z.string(),
    label: z.string(),
    scope: z.enum(["read", "full"]).meta({ description: "read: no writes; full: whatever the role may do" }),
    createdAt: z.string(),
    expiresAt: z.string().nullable().meta({ description: "null: does not expire" }),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiKeyInfo" });

export const documentFileView = z
  .object({
    id: z.string(),
    number: z.string(),
    checkCode: z.string(),
    document: z.record(z.string(), z.unknown()).meta({ description: "An invoice to an individual whose personal data was erased has the buyer `{ type: individual, name: null, erased: true }` and no remarks" }),
    salt: z.string().nullable().meta({ description: "null once the buyer's personal data was erased: the seal can no longer be recomputed from the document" }),
    claimKeyAddress: z.string(),
  })
  .meta({ id: "DocumentFile", description: "The invoice document with what recomputes its seal; POST it to /v1/verify/document" });

export const invoiceView = z
  .object({
    id: z.string(),
    number: z.string(),
    printedNumber: z.string().nullable().meta({ description: "The 20 digits printed on the invoice: year, region, channel, and the ledger's number in 15 digits" }),
    state,
    frozenFrom: state.nullable(),
    seller: z.object({ account: z.string(), name: z.string().nullable(), taxpayerId: z.string().nullable() }),
    buyerTaxId: z.string().nullable(),
    total: z.string(),
    tax: z.string(),
    checkCode: z.string().meta({ description: "20 digits, printed on the invoice" }),
    holder: z.string().nullable(),
    enterprise: z.string().nullable(),
    filedPeriod: z.number().nullable(),
    reversedTotal: z.string(),
    reversedTax: z.string(),
    reversalPending: z.boolean(),
    document: documentFileView.optional(),
    claimCode: z.string().optional().meta({ description: "Seller only, until claimed: print it for the buyer" }),
  })
  .meta({ id: "Invoice" });

export const issueResult = z
  .object({ invoice: invoiceView, replayed: z.boolean(), transactionHash: z.string().nullable(), blockNumber: z.number().nullable() })
  .meta({ id: "IssueResult" });

export const summaryView = z
  .object({ id: z.string(), number: z.string(), seller: z.string(), state, total: z.string(), tax: z.string(), holder: z.string().nullable(), enterprise: z.string().nullable(), issuedAt: z.string() })
  .loose()
  .meta({ id: "InvoiceSummary" });

const namedAccount = z.object({ account: z.string(), name: z.string().nullable().meta({ description: "null where you may not read this participant" }) });

/** One invoice of a search: its summary, and what `expand` asked for. */
export const invoiceListItem = summaryView
  .extend({
    printedNumber: z.string().nullable().meta({ description: "The 20 digits printed on the invoice (null where the API holds no document for it)" }),
    parties: z
      .object({
        seller: namedAccount.extend({ taxpayerId: z.string().nullable() }),
        holder: namedAccount.nullable(),
        enterprise: namedAccount.nullable(),
      })
      .optional()
      .meta({ description: "expand=parties" }),
    document: documentFileView.optional().meta({ description: "expand=document: for parties to the invoice and the bureau" }),
  })
  .meta({ id: "InvoiceListItem" });

export const invoiceSearchResult = z
  .object({
    invoices: z.array(invoiceListItem),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable().meta({ description: "Send as `cursor` (with the same filters and sort) for the next page; null at the end" }),
  })
  .meta({ id: "InvoiceSearchResult" });

export const creditNoteView = z
  .object({ id: z.string(), invoiceId: z.string(), number: z.string(), printedNumber: z.string().nullable(), total: z.string(), tax: z.string(), reason: z.string(), status: z.enum(["Pending", "Effective", "Cancelled"]), checkCode: z.string(), document: documentFileView.optional() })
  .meta({ id: "CreditNote" });

export const verdictView = z
  .object({ authentic: z.boolean(), state: state.nullable(), mismatch: z.enum(["unknown", "document", "number", "amount"]).optional() })
  .meta({ id: "Verdict" });

export const eventView = z
  .object({ type: z.string(), actor: z.string(), transactionHash: z.string(), blockNumber: z.number(), transactionIndex: z.number(), logIndex: z.number(), time: z.string() })
  .loose()
  .meta({ id: "Event" });

export const totalsView = z
  .object({ merchant: z.string(), period: z.number(), invoices: z.number(), total: z.string(), tax: z.string(), reversedTotal: z.string(), reversedTax: z.string() })
  .meta({ id: "PeriodTotals" });

export const quotaView = z.object({ granted: z.string(), used: z.string() }).meta({ id: "Quota" });
