import type { components } from "../../../sdk/src/generated/openapi";
import type { MessageKey } from "../i18n/catalogue";

/**
 * What the console knows of the ledger's events and of the reason codes they carry: the label of each (in
 * i18n/common.ts), and the rejection an invoice is back from. An event or a code it does not know keeps the
 * name the chain gives it.
 */
export type LedgerEvent = components["schemas"]["Event"];
export type ReversalReason = components["schemas"]["Reversal"]["reason"];

export const EVENT_TYPES = [
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

/** The label of an event type, or undefined for one this console does not know (shown by its chain name). */
export const eventKey = (type: string): MessageKey | undefined => ((EVENT_TYPES as readonly string[]).includes(type) ? (`event.${type}` as MessageKey) : undefined);

/** The reasons the enterprise's console offers for rejecting a claim: short ASCII codes, kept on chain and shown to the employee with their label. */
export const REJECT_REASONS = ["MISSING_RECEIPT", "OVER_BUDGET", "NOT_BUSINESS", "DUPLICATE", "WRONG_DETAILS"] as const;
/** Rejection codes with a label: those offered, and one an older console sent. */
const LABELLED_REJECTIONS: readonly string[] = [...REJECT_REASONS, "DUPLICATE_CLAIM"];

/** The label of a rejection's reason code, or undefined for a code without one (shown as the code). */
export const rejectionReasonKey = (code: string): MessageKey | undefined => (LABELLED_REJECTIONS.includes(code) ? (`rejection.${code}` as MessageKey) : undefined);

/** Reason codes a tax officer freezes an invoice for (short ASCII codes: they go on chain, public). */
export const FREEZE_REASONS = ["AUDIT", "SUSPECTED_FRAUD", "DUPLICATE_REIMBURSEMENT", "FAKE_TRANSACTION", "TAX_INVESTIGATION", "COURT_ORDER"] as const;

export const freezeReasonKey = (code: string): MessageKey | undefined => ((FREEZE_REASONS as readonly string[]).includes(code) ? (`freeze.${code}` as MessageKey) : undefined);

/**
 * The reasons the API takes for a credit note, in its order (api/domain/invoice-document.ts REVERSAL_REASONS).
 * The compiler checks the list against the SDK's type both ways: a reason added there fails here.
 */
export const REVERSAL_REASONS = ["issue-error", "sales-return", "service-stopped", "discount"] as const satisfies readonly ReversalReason[];
type MissingReason = Exclude<ReversalReason, (typeof REVERSAL_REASONS)[number]>;
const everyReason: [MissingReason] extends [never] ? true : MissingReason = true;
void everyReason;

export const reversalReasonKey = (reason: string): MessageKey => ((REVERSAL_REASONS as readonly string[]).includes(reason) ? (`reversal.${reason}` as MessageKey) : "reversal.other");

/**
 * The rejection an invoice is back from, read from its history: when the last word on its submission is the
 * enterprise's InvoiceRejected (not a later submission), that event, with the reason code the enterprise put
 * on chain. Undefined for an invoice that was never rejected or was submitted again since.
 */
export function lastRejection<E extends { type: string }>(events: readonly E[]): (E & { reason?: unknown }) | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type === "InvoiceRejected") return event;
    if (event.type === "InvoiceSubmitted" || event.type === "InvoiceReimbursed" || event.type === "InvoiceFiled") return undefined;
  }
  return undefined;
}
