import { z } from "zod";

import { address, creditNoteId, invoiceId, period, reasonCode } from "../schemas/common";
import { reversalBody } from "../schemas/credit-note";
import { issueBatchBody, issueInvoiceBody } from "../schemas/invoice-document";
import { invoiceExamples } from "../schemas/invoice-examples";
import { invoiceSearchQuery } from "../schemas/invoice-search";
import { creditNoteView, eventView, invoiceSearchResult, invoiceView, issueResult } from "../schemas/views";
import type { RouteExample } from "../openapi";
import { defineRoute, errorBody, type RouteKit } from "../route";

/** Invoices: issue (single, batch), read, list, and every step of the lifecycle; credit notes; trace. */
export function invoiceRoutes(kit: RouteKit): void {
  const { invoices, reports } = kit.ctx.services;
  const idParam = z.strictObject({ id: invoiceId });
  const everyone = ["bureau", "merchant", "enterprise", "individual"] as const;
  const holders = ["individual", "enterprise"] as const;

  defineRoute(kit, {
    method: "post",
    path: "/v1/invoices",
    operationId: "issueInvoice",
    summary: "Issue one invoice (merchant). Answers once it is in a block.",
    tag: "invoices",
    access: ["merchant"],
    idempotent: true,
    body: issueInvoiceBody,
    responses: {
      201: { description: "Issued", schema: issueResult },
      200: { description: "This reference was issued before: the first invoice", schema: issueResult },
      409: { description: "DUPLICATE_REFERENCE: the reference was used with other contents", schema: errorBody },
      422: { description: "QUOTA_EXCEEDED, IDEMPOTENCY_KEY_REUSED", schema: errorBody },
    },
    examples: invoiceExamples.issue,
    async handle({ party, body }) {
      const result = await invoices.issue(party!, body);
      return { status: result.replayed ? 200 : 201, body: result };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/invoices/batch",
    operationId: "issueInvoiceBatch",
    summary: "Issue up to 500 invoices (merchant); each reference is idempotent on its own",
    tag: "invoices",
    access: ["merchant"],
    idempotent: true,
    body: issueBatchBody,
    responses: {
      201: { description: "Issued (a reference issued before: its first invoice, `replayed: true`)", schema: z.object({ results: z.array(issueResult) }) },
      409: { description: "DUPLICATE_REFERENCE: a reference was used with other contents", schema: errorBody },
      422: { description: "QUOTA_EXCEEDED, IDEMPOTENCY_KEY_REUSED", schema: errorBody },
    },
    examples: invoiceExamples.issueBatch,
    async handle({ party, body }) {
      return { status: 201, body: { results: await invoices.issueBatch(party!, body.invoices) } };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/invoices",
    operationId: "searchInvoices",
    summary: "Search your invoices (issued, held, locked, reimbursed, filed by you; an enterprise also every invoice titled to its taxpayer ID; the bureau all): filters, order, cursor pages",
    tag: "invoices",
    access: [...everyone],
    query: invoiceSearchQuery,
    responses: {
      200: { description: "One page, from the event index; `nextCursor` continues it", schema: invoiceSearchResult },
      400: { description: "VALIDATION_FAILED (a parameter, named in details.issues), INVALID_CURSOR (malformed, altered, or from another search)", schema: errorBody },
    },
    examples: invoiceExamples.search,
    async handle({ party, query }) {
      return { status: 200, body: await invoices.search(party!, query) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/invoices/{id}",
    operationId: "getInvoice",
    summary: "One invoice as the chain holds it, with its document for parties to it",
    tag: "invoices",
    access: [...everyone],
    params: idParam,
    responses: { 200: { description: "The invoice", schema: invoiceView } },
    examples: invoiceExamples.view,
    async handle({ party, params }) {
      return { status: 200, body: await invoices.view(party!, params.id) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/invoices/{id}/trace",
    operationId: "traceInvoice",
    summary: "The invoice's whole history: each event with actor, transaction, block and time",
    tag: "invoices",
    access: [...everyone],
    params: idParam,
    responses: {
      200: {
        description: "History in chain order",
        schema: z.object({
          invoice: invoiceView,
          events: z.array(eventView),
          asOfBlock: z.number().int().meta({ description: "The last block the API's index had indexed: the events and the invoice reflect it (the invoice is the chain's, at its head, while the index does not hold it yet)" }),
        }),
      },
    },
    examples: invoiceExamples.trace,
    async handle({ party, params }) {
      return { status: 200, body: await reports.trace(party!, params.id) };
    },
  });

  /** A lifecycle step: its refusals beyond the standard ones (409 a wrong state, 422 a rule of the ledger), each shown by an example. */
  type Refusals = Partial<Record<409 | 422, string>>;
  const action = <B extends z.ZodType>(
    name: string,
    summary: string,
    access: readonly (typeof everyone)[number][],
    body: B | undefined,
    documented: { refusals: Refusals; examples: Record<string, RouteExample> },
    run: (party: Parameters<typeof invoices.view>[0] & object, id: string, body: z.output<B>) => Promise<unknown>,
  ) =>
    defineRoute(kit, {
      method: "post",
      path: `/v1/invoices/{id}/${name}`,
      operationId: `${name}Invoice`,
      summary,
      tag: "invoices",
      access: [...access],
      idempotent: true,
      params: idParam,
      ...(body === undefined ? {} : { body }),
      responses: {
        200: { description: "Done; the invoice now", schema: invoiceView },
        ...Object.fromEntries(Object.entries(documented.refusals).map(([status, description]) => [status, { description, schema: errorBody }])),
      },
      examples: documented.examples,
      async handle({ party, params, body: parsed }) {
        return { status: 200, body: await run(party!, params.id, parsed as z.output<B>) };
      },
    });

  const wrongState = "INVALID_STATE: the invoice is not in a state that allows this; REVERSAL_PENDING: a credit note awaits confirmation";
  action("claim", "Claim an invoice with the claim code printed on it (employee or enterprise)", holders, z.strictObject({ claimCode: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "64 hex digits") }), { refusals: { 409: "ALREADY_CLAIMED, INVALID_STATE (a wrong claim code reads as 404)" }, examples: invoiceExamples.claim }, (p, id, b) => invoices.claim(p, id, b.claimCode));
  action("transfer", "Hand the invoice to another employee or enterprise (holder)", holders, z.strictObject({ to: address }), { refusals: { 422: "INVALID_RECIPIENT: only an active employee or enterprise may hold invoices" }, examples: invoiceExamples.transfer }, (p, id, b) => invoices.transfer(p, id, b.to));
  action("submit", "Submit for reimbursement to an enterprise, which locks it (holder)", holders, z.strictObject({ enterprise: address }), { refusals: { 409: wrongState, 422: "BUYER_MISMATCH: the invoice is titled to another organisation; INVALID_RECIPIENT" }, examples: invoiceExamples.submit }, (p, id, b) => invoices.submit(p, id, b.enterprise));
  action("reject", "Reject the reimbursement claim (the locking enterprise)", ["enterprise"], z.strictObject({ reason: reasonCode }), { refusals: { 409: wrongState }, examples: invoiceExamples.reject }, (p, id, b) => invoices.reject(p, id, b.reason));
  action("reimburse", "Reimburse (the locking enterprise); final for reimbursement", ["enterprise"], undefined, { refusals: { 409: wrongState }, examples: invoiceExamples.reimburse }, (p, id) => invoices.reimburse(p, id));
  action("file", "File into the enterprise's books for a tax period (the reimbursing enterprise)", ["enterprise"], z.strictObject({ period }), { refusals: { 409: wrongState, 422: "FILING_PERIOD_OUT_OF_RANGE (before the issue period or after the current one, with both bounds), INVALID_PERIOD" }, examples: invoiceExamples.file }, (p, id, b) => invoices.file(p, id, b.period));
  action("freeze", "Freeze a suspicious invoice (bureau)", ["bureau"], z.strictObject({ reason: reasonCode }), { refusals: { 409: "INVALID_STATE: frozen already" }, examples: invoiceExamples.freeze }, (p, id, b) => invoices.freeze(p, id, b.reason));
  action("unfreeze", "Unfreeze (bureau)", ["bureau"], undefined, { refusals: { 409: "INVALID_STATE: not frozen" }, examples: invoiceExamples.unfreeze }, (p, id) => invoices.unfreeze(p, id));

  defineRoute(kit, {
    method: "post",
    path: "/v1/invoices/{id}/reversals",
    operationId: "reverseInvoice",
    summary: "Red-letter credit note against the invoice, full (amounts omitted) or partial (seller)",
    tag: "credit notes",
    access: ["merchant"],
    idempotent: true,
    params: idParam,
    body: reversalBody,
    responses: {
      201: { description: "Credit note issued (Effective, or Pending the enterprise's confirmation)", schema: z.object({ creditNote: creditNoteView, invoice: invoiceView }) },
      422: { description: "REVERSAL_EXCEEDS_REMAINING", schema: errorBody },
    },
    examples: invoiceExamples.reverse,
    async handle({ party, params, body }) {
      return { status: 201, body: await invoices.reverse(party!, params.id, body) };
    },
  });

  const noteParam = z.strictObject({ id: creditNoteId });
  defineRoute(kit, {
    method: "get",
    path: "/v1/credit-notes/{id}",
    operationId: "getCreditNote",
    summary: "One credit note (parties to its invoice)",
    tag: "credit notes",
    access: [...everyone],
    params: noteParam,
    responses: { 200: { description: "The credit note", schema: creditNoteView } },
    examples: invoiceExamples.creditNote,
    async handle({ party, params }) {
      return { status: 200, body: await invoices.creditNoteView(party!, params.id) };
    },
  });
  defineRoute(kit, {
    method: "post",
    path: "/v1/credit-notes/{id}/confirm",
    operationId: "confirmCreditNote",
    summary: "Confirm a pending credit note (the enterprise that reimbursed the invoice)",
    tag: "credit notes",
    access: ["enterprise"],
    idempotent: true,
    params: noteParam,
    responses: { 200: { description: "Effective", schema: creditNoteView } },
    examples: invoiceExamples.confirm,
    async handle({ party, params }) {
      return { status: 200, body: await invoices.confirmReversal(party!, params.id) };
    },
  });
  defineRoute(kit, {
    method: "post",
    path: "/v1/credit-notes/{id}/cancel",
    operationId: "cancelCreditNote",
    summary: "Withdraw (seller) or decline (enterprise) a pending credit note",
    tag: "credit notes",
    access: ["merchant", "enterprise"],
    idempotent: true,
    params: noteParam,
    responses: { 200: { description: "Cancelled", schema: creditNoteView } },
    examples: invoiceExamples.cancel,
    async handle({ party, params }) {
      return { status: 200, body: await invoices.cancelReversal(party!, params.id) };
    },
  });
}
