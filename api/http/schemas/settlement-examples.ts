import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_CREDIT_NOTE, EXAMPLE_INVOICE, exampleCreditNote, exampleError, exampleInvoice } from "./example-cast";

/**
 * The examples of the bureau's ways out for stranded invoices (routes/settlement.ts), in the story of
 * example-cast.ts: the company, or 张三, can no longer act (suspended or revoked).
 */
const { merchant, enterprise, employee, colleague } = EXAMPLE_CAST;
const invoiceId = { id: EXAMPLE_INVOICE.id };
const partyActive = (party: string) =>
  exampleError("PARTY_ACTIVE", { reason: "InvoiceLedgerPartyActive", id: EXAMPLE_INVOICE.id, party });

export const settlementExamples = {
  release: {
    "enterprise-suspended": {
      summary: "The invoice is locked by the company, which is suspended: Issued again, with 张三, who may submit it elsewhere",
      as: "bureau",
      params: invoiceId,
      status: 200,
      response: exampleInvoice({ holder: employee.account }),
    },
    "enterprise-active": {
      summary: "The company that locked it is active: it decides",
      as: "bureau",
      params: invoiceId,
      status: 409,
      response: partyActive(enterprise.account),
    },
  },
  reassign: {
    "holder-revoked": {
      summary: "张三 left and was revoked: his invoice goes to 李四",
      as: "bureau",
      params: invoiceId,
      body: { to: colleague.account },
      status: 200,
      response: exampleInvoice({ holder: colleague.account }),
    },
    "holder-active": {
      summary: "张三 is active: the invoice stays his",
      as: "bureau",
      params: invoiceId,
      body: { to: colleague.account },
      status: 409,
      response: partyActive(employee.account),
    },
    "to-a-merchant": {
      summary: "Only an active employee or enterprise may receive it",
      as: "bureau",
      params: invoiceId,
      body: { to: merchant.account },
      status: 422,
      response: exampleError("INVALID_RECIPIENT", { reason: "InvoiceLedgerInvalidRecipient", id: EXAMPLE_INVOICE.id, to: merchant.account }),
    },
  },
  settle: {
    "confirm-for-revoked-enterprise": {
      summary: "The company that must confirm the credit note was revoked: the bureau confirms it",
      as: "bureau",
      params: { id: EXAMPLE_CREDIT_NOTE.id },
      body: { outcome: "confirm" },
      status: 200,
      response: exampleCreditNote({ status: "Effective" }),
    },
    "enterprise-active": {
      summary: "The company is active: it confirms or declines",
      as: "bureau",
      params: { id: EXAMPLE_CREDIT_NOTE.id },
      body: { outcome: "confirm" },
      status: 409,
      response: exampleError("PARTY_ACTIVE", {
        reason: "InvoiceLedgerPartyActive",
        id: EXAMPLE_INVOICE.id,
        party: enterprise.account,
      }),
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
