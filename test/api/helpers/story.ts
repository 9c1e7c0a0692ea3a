import { expect } from "chai";

import { ApiClient } from "../../../scripts/lib/api-client";
import { invoiceBody } from "../../../scripts/lib/demo-data";
import { registerCast, type Cast } from "./system";
import { verdictOf } from "./verdict";

/**
 * The fault-free part of the end-to-end story over HTTP, shared by the tests that run it against a chain
 * (api.e2e.test.ts on our ledger node, api.second-engine.test.ts on anvil): the cast registered, one invoice
 * and a batch issued, each retried with its Idempotency-Key, an invoice for a private person whose document
 * holds personal data, a claim, a submission, a reimbursement refused at another enterprise and then made once,
 * a filing, a red-letter reversal, verification by anyone and the bureau's trace. `answers()` reads what a
 * restart must leave unchanged.
 */
export interface Story {
  cast: Cast;
  /** Issued, claimed, submitted, reimbursed and filed. */
  invoice: StoryInvoice;
  /** The first of the batch, reversed by a credit note. */
  other: StoryInvoice;
  /** The rest of the batch, still issued: [order-1003, order-1004]. */
  untouched: StoryInvoice[];
  /** The single issue request, as sent (and retried) with Idempotency-Key `order-1001-try`. */
  single: ReturnType<typeof invoiceBody>;
  verifyPath: string;
  /** The filed invoice's document, as its holder reads it. */
  document: unknown;
  /** Names, a phone number and an ID number that the documents and participants hold and the chain must not. */
  personalData: string[];
  answers(): Promise<StoryAnswers>;
}

export interface StoryInvoice {
  id: string;
  number: string;
  checkCode: string;
  total: string;
  claimCode: string;
}

export type StoryAnswers = Record<"invoice" | "other" | "trace" | "reversedTrace" | "employees" | "totals" | "verify" | "document" | "retried", unknown> & { all: { invoices: unknown[] } };

/** Events the story puts on chain: registrations, quotas, issues, claim..file, reversal (what a rebuilt index holds). */
export const STORY_EVENTS = 7 + 2 + 5 + 4 + 1;

export async function runStory(apiUrl: string, bureau: ApiClient): Promise<Story> {
  const cast = await registerCast(bureau);
  const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };

  // The merchant issues one invoice and a batch, each retried with its Idempotency-Key (as after a time-out).
  const single = invoiceBody("order-1001", buyer, { quantity: 3, unitPrice: 5_800 });
  const first = await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "order-1001-try" });
  expect(first.status, JSON.stringify(first.body)).to.equal(201);
  const retried = await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "order-1001-try" });
  expect(retried.body).to.deep.equal(first.body);
  const batchBody = { invoices: ["order-1002", "order-1003", "order-1004"].map((ref) => invoiceBody(ref, buyer)) };
  const batch = await cast.merchant.client.post("/v1/invoices/batch", batchBody, { "idempotency-key": "batch-7" });
  expect(batch.status).to.equal(201);
  expect((await cast.merchant.client.post("/v1/invoices/batch", batchBody, { "idempotency-key": "batch-7" })).body).to.deep.equal(batch.body);
  const invoice = first.body.invoice as StoryInvoice;
  const [other, ...untouched] = (batch.body.results as { invoice: StoryInvoice }[]).map((result) => result.invoice);
  // A taxi ride for a private person: the document carries a name, a phone number and an ID number.
  const privateBuyer = { type: "individual" as const, name: "陈小明" };
  const ride = { ...invoiceBody("ride-88", privateBuyer), remarks: "联系电话 13912345678 身份证 440301199003077654" };
  expect((await cast.merchant.client.post("/v1/invoices", ride)).status).to.equal(201);
  const personalData = ["陈小明", "13912345678", "440301199003077654", "张三", "李四", "王五"];

  // The employee claims it with the printed claim code and submits it to the employer.
  expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
  expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).body.state).to.equal("Locked");
  // A second enterprise tries to reimburse the same invoice: refused.
  const stranger = await cast.otherEnterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`);
  expect(stranger.status).to.equal(404);
  // The right enterprise reimburses and files; nobody can reimburse it again, here or elsewhere.
  expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).body.state).to.equal("Reimbursed");
  expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).status).to.equal(409);
  expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.otherEnterprise.account })).status).to.be.oneOf([404, 409, 422]);
  expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: cast.period })).body.state).to.equal("Filed");

  // The merchant reverses another invoice with a red-letter credit note.
  const reversal = await cast.merchant.client.post(`/v1/invoices/${other!.id}/reversals`, { reference: "refund-1003", reason: "sales-return" });
  expect(reversal.status).to.equal(201);
  expect(reversal.body.invoice.state).to.equal("Reversed");

  // Anyone verifies; the bureau traces.
  const anyone = new ApiClient(apiUrl);
  const verifyPath = `/v1/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${invoice.total}`;
  expect(verdictOf((await anyone.get(verifyPath)).body)).to.deep.equal({ authentic: true, state: "Filed", kind: "invoice" });
  const document: unknown = (await cast.employee.client.get(`/v1/invoices/${invoice.id}`)).body.document;
  expect(verdictOf((await anyone.post("/v1/verify/document", document)).body)).to.deep.equal({ authentic: true, state: "Filed", kind: "invoice" });
  const trace = await bureau.get(`/v1/invoices/${invoice.id}/trace`);
  expect(trace.body.events.map((e: { type: string }) => e.type)).to.deep.equal(["InvoiceIssued", "InvoiceClaimed", "InvoiceSubmitted", "InvoiceReimbursed", "InvoiceFiled"]);
  expect(trace.body.events.map((e: { actor: string }) => e.actor)).to.deep.equal([cast.merchant.account, cast.employee.account, cast.employee.account, cast.enterprise.account, cast.enterprise.account]);

  return {
    cast,
    invoice,
    other: other!,
    untouched,
    single,
    verifyPath,
    document,
    personalData,
    // Without the block each verification and trace reflects (asOfBlock): the chain goes on making blocks.
    answers: async () => ({
      invoice: (await bureau.get(`/v1/invoices/${invoice.id}`)).body,
      other: (await cast.merchant.client.get(`/v1/invoices/${other!.id}`)).body,
      trace: verdictOf((await bureau.get(`/v1/invoices/${invoice.id}/trace`)).body),
      reversedTrace: verdictOf((await bureau.get(`/v1/invoices/${other!.id}/trace`)).body),
      all: (await bureau.get("/v1/invoices?limit=500")).body,
      employees: (await cast.enterprise.client.get("/v1/participants")).body,
      totals: (await bureau.get("/v1/reports/totals")).body,
      verify: verdictOf((await anyone.get(verifyPath)).body),
      document: verdictOf((await anyone.post("/v1/verify/document", document)).body),
      retried: (await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "order-1001-try" })).body,
    }),
  };
}
