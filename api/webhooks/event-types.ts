import type { LedgerEvent } from "../indexer/events";
import type { InvoiceSummary } from "../indexer/invoice-summary";

/**
 * The webhook event types and, for each chain event, which one it is, who is concerned and what it says.
 *
 * Who is concerned: the parties that may read the invoice once the event happened, as GET /v1/invoices/{id}
 * decides (api/services/invoices.ts `isPartyTo`): its seller, its holder and its locking enterprise, each under
 * the account they act for (a successor registration reads its predecessor's; api/webhooks/outbox.ts maps them),
 * and the tax bureau, which reads every invoice. A party that stops being one with the event (the enterprise
 * that rejects, the holder that transfers, an enterprise whose lock a reversal cancels) is not told: it may no
 * longer read the invoice, and it acted itself or was acted on by the bureau. A buyer organisation is told once
 * it holds or locks the invoice, not before (it cannot read the invoice before either). A participant's status
 * change concerns that participant; a quota grant, that merchant.
 *
 * What it says: the invoice's id, number, printed number, state after the event, the actor, the block and the
 * transaction, and what the event itself carries (the reason of a rejection or a freeze, the enterprise, the
 * credit note); never anything of the document (names, items, remarks).
 */
export const WEBHOOK_EVENT_TYPES = [
  "invoice.issued",
  "invoice.claimed",
  "invoice.transferred",
  "invoice.submitted",
  "invoice.rejected",
  "invoice.reimbursed",
  "invoice.filed",
  "invoice.reversal_requested",
  "invoice.reversed",
  "credit_note.confirmed",
  "credit_note.cancelled",
  "invoice.frozen",
  "invoice.unfrozen",
  "invoice.released",
  "invoice.reassigned",
  "invoice.erased",
  "participant.status_changed",
  "quota.granted",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One event as the outbox fans it out: its type, the accounts concerned (lowercase; the bureau's are added) and its data. */
export interface WebhookEvent {
  type: WebhookEventType;
  /** Where it is: block:transaction:log, or erased:<invoice id>. Unique per event. */
  key: string;
  /** When it happened (the block's time; the erasure's). */
  timestamp: string;
  concerned: string[];
  /** The invoice (and credit note) whose printed numbers `data` needs, filled in by the outbox. */
  invoiceId?: string;
  creditNoteId?: string;
  data: Record<string, unknown>;
}

const lower = (account: string | null | undefined) => (account === null || account === undefined ? [] : [account.toLowerCase()]);
const partiesOf = (invoice: InvoiceSummary) => [...lower(invoice.seller), ...lower(invoice.holder), ...lower(invoice.enterprise)];

/** The webhook event of one chain event, given the invoice's summary before and after it; undefined for events nobody is told of. */
export function webhookEventOf(event: LedgerEvent, before: InvoiceSummary | undefined, after: InvoiceSummary | undefined): WebhookEvent | undefined {
  const key = `${event.blockNumber}:${event.transactionIndex}:${event.logIndex}`;
  const chain = { actor: event.actor, blockNumber: event.blockNumber, transactionHash: event.transactionHash };
  if (event.type === "ParticipantStatusChanged") {
    return { type: "participant.status_changed", key, timestamp: event.time, concerned: lower(event.account), data: { account: event.account, from: event.from, to: event.to, ...chain } };
  }
  if (event.type === "QuotaGranted") {
    return { type: "quota.granted", key, timestamp: event.time, concerned: lower(event.merchant), data: { merchant: event.merchant, period: event.period, granted: event.granted, ...chain } };
  }
  if (event.type === "ParticipantRegistered" || after === undefined) return undefined;
  const invoice = (extra: Record<string, unknown> = {}) => ({
    invoiceId: after.id,
    number: after.number,
    state: after.state,
    seller: after.seller,
    holder: after.holder,
    enterprise: after.enterprise,
    ...extra,
    ...chain,
  });
  const base = { key, timestamp: event.time, concerned: partiesOf(after), invoiceId: after.id };
  const creditNote = (e: { creditNoteId: string; number: string; total: string; tax: string; reason: string }) => ({ id: e.creditNoteId, number: e.number, total: e.total, tax: e.tax, reason: e.reason });
  switch (event.type) {
    case "InvoiceIssued":
      return { ...base, type: "invoice.issued", data: invoice({ total: event.total, tax: event.tax, buyerTaxId: event.buyerTaxId }) };
    case "InvoiceClaimed":
      return { ...base, type: "invoice.claimed", data: invoice() };
    case "InvoiceTransferred":
      return { ...base, type: "invoice.transferred", data: invoice() };
    case "InvoiceSubmitted":
      return { ...base, type: "invoice.submitted", data: invoice() };
    case "InvoiceRejected":
      return { ...base, type: "invoice.rejected", data: invoice({ rejectedBy: event.enterprise, reason: event.reason }) };
    case "InvoiceReimbursed":
      return { ...base, type: "invoice.reimbursed", data: invoice() };
    case "InvoiceFiled":
      return { ...base, type: "invoice.filed", data: invoice({ period: event.period }) };
    case "ReversalRequested":
      return { ...base, type: "invoice.reversal_requested", creditNoteId: event.creditNoteId, data: invoice({ creditNote: creditNote(event) }) };
    case "InvoiceReversed": {
      // A credit note that waited for the buyer's confirmation is confirmed by this event; otherwise it took effect at once.
      const confirmed = before?.pendingCreditNote === event.creditNoteId;
      return { ...base, type: confirmed ? "credit_note.confirmed" : "invoice.reversed", creditNoteId: event.creditNoteId, data: invoice({ creditNote: creditNote(event) }) };
    }
    case "ReversalCancelled":
      return { ...base, type: "credit_note.cancelled", creditNoteId: event.creditNoteId, data: invoice({ creditNote: { id: event.creditNoteId } }) };
    case "InvoiceFrozen":
      return { ...base, type: "invoice.frozen", data: invoice({ frozenFrom: event.from, reason: event.reason }) };
    case "InvoiceUnfrozen":
      return { ...base, type: "invoice.unfrozen", data: invoice() };
    case "InvoiceReleased":
      return { ...base, type: "invoice.released", data: invoice({ releasedFrom: event.enterprise }) };
    case "InvoiceReassigned":
      return { ...base, type: "invoice.reassigned", data: invoice() };
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${(unhandled as LedgerEvent).type}`);
    }
  }
}

/** The webhook event of an erasure (not on chain: api/services/erasure.ts records it). */
export function erasureEvent(invoice: InvoiceSummary, erasure: { erasedAt: string; erasedBy: string }): WebhookEvent {
  return {
    type: "invoice.erased",
    key: `erased:${invoice.id.toLowerCase()}`,
    timestamp: erasure.erasedAt,
    concerned: partiesOf(invoice),
    invoiceId: invoice.id,
    data: { invoiceId: invoice.id, number: invoice.number, state: invoice.state, seller: invoice.seller, holder: invoice.holder, enterprise: invoice.enterprise, actor: erasure.erasedBy, blockNumber: null, transactionHash: null },
  };
}
