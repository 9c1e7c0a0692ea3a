import type { EInvoiceClient } from "../../api/client";
import type { MessageKey } from "../../i18n/catalogue";

export type Trace = Awaited<ReturnType<EInvoiceClient["traceInvoice"]>>;
export type TraceEvent = Trace["events"][number];

/**
 * The rejection an invoice is back from, read from its history: when the last word on its submission is the
 * enterprise's InvoiceRejected (not a later submission), that event, with the reason code the enterprise put
 * on chain. Undefined for an invoice that was never rejected or was submitted again since.
 */
export function lastRejection(events: readonly TraceEvent[]): (TraceEvent & { reason?: unknown }) | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type === "InvoiceRejected") return event;
    if (event.type === "InvoiceSubmitted" || event.type === "InvoiceReimbursed" || event.type === "InvoiceFiled") return undefined;
  }
  return undefined;
}

/** Reason codes the enterprise console offers (the enterprise may send any short code; others show as the code). */
const REJECTION_REASONS = ["MISSING_RECEIPT", "OVER_BUDGET", "NOT_BUSINESS", "DUPLICATE"] as const;

/** The label of a rejection's reason code, or undefined for a code without one here (shown as the code). */
export function rejectionReasonKey(code: string): MessageKey | undefined {
  return (REJECTION_REASONS as readonly string[]).includes(code) ? (`employee.reject.${code}` as MessageKey) : undefined;
}

const EVENT_TYPES = [
  "InvoiceIssued",
  "InvoiceClaimed",
  "InvoiceTransferred",
  "InvoiceSubmitted",
  "InvoiceRejected",
  "InvoiceReimbursed",
  "InvoiceFiled",
  "ReversalRequested",
  "InvoiceReversed",
  "ReversalCancelled",
  "InvoiceFrozen",
  "InvoiceUnfrozen",
  "InvoiceReleased",
  "InvoiceReassigned",
] as const;

/** What a step of the history is called; an event this console does not know yet keeps its chain name. */
export function eventKey(type: string): MessageKey | undefined {
  return (EVENT_TYPES as readonly string[]).includes(type) ? (`employee.event.${type}` as MessageKey) : undefined;
}
