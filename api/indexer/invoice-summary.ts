import { periodOf } from "../domain/tax-period";
import type { InvoiceState, LedgerEvent } from "./events";

/**
 * An invoice as its events leave it: what lists, reports, verification and the trace serve without asking the
 * chain. `seal` is the one field lists leave out (api/services/invoice-search.ts).
 */
export interface InvoiceSummary {
  id: string;
  number: string;
  seller: string;
  buyerTaxId: string | null;
  total: string;
  tax: string;
  state: InvoiceState;
  frozenFrom: InvoiceState | null;
  holder: string | null;
  enterprise: string | null;
  filedPeriod: number | null;
  reversedTotal: string;
  reversedTax: string;
  pendingCreditNote: string | null;
  issuedAt: string;
  issuedPeriod: number;
  updatedAt: string;
  /** The seal it was issued with (InvoiceIssued); null only in a row indexed before migration 0012. */
  seal: string | null;
}

/** A merchant's running totals in one tax period (fen as digit strings). */
export interface PeriodTotals {
  merchant: string;
  period: number;
  invoices: number;
  total: string;
  tax: string;
  reversedTotal: string;
  reversedTax: string;
}

const add = (a: string, b: string) => (BigInt(a) + BigInt(b)).toString();

export function newSummary(event: Extract<LedgerEvent, { type: "InvoiceIssued" }>, seal: string): InvoiceSummary {
  return {
    id: event.invoiceId,
    number: event.number,
    seller: event.seller,
    buyerTaxId: event.buyerTaxId,
    total: event.total,
    tax: event.tax,
    state: "Issued",
    frozenFrom: null,
    holder: null,
    enterprise: null,
    filedPeriod: null,
    reversedTotal: "0",
    reversedTax: "0",
    pendingCreditNote: null,
    issuedAt: event.time,
    issuedPeriod: periodOf(new Date(event.time)),
    updatedAt: event.time,
    seal,
  };
}

/** The summary after one event of its invoice (pure: the indexer decides what to store). */
export function applyToSummary(summary: InvoiceSummary, event: LedgerEvent): InvoiceSummary {
  const next: InvoiceSummary = { ...summary, updatedAt: event.time };
  switch (event.type) {
    case "InvoiceClaimed":
      next.holder = event.holder;
      break;
    case "InvoiceTransferred":
      next.holder = event.to;
      break;
    case "InvoiceSubmitted":
      next.state = "Locked";
      next.enterprise = event.enterprise;
      break;
    case "InvoiceRejected":
      next.state = "Issued";
      next.enterprise = null;
      break;
    case "InvoiceReimbursed":
      next.state = "Reimbursed";
      break;
    case "InvoiceFiled":
      next.state = "Filed";
      next.filedPeriod = event.period;
      break;
    case "ReversalRequested":
      next.pendingCreditNote = event.creditNoteId;
      break;
    case "InvoiceReversed":
      next.reversedTotal = add(next.reversedTotal, event.total);
      next.reversedTax = add(next.reversedTax, event.tax);
      next.pendingCreditNote = null;
      next.state = event.state;
      // A pending lock is cancelled (InvoiceLedger._applyReversal), whether the invoice is then Issued or Reversed.
      if (summary.state === "Locked") next.enterprise = null;
      break;
    case "ReversalCancelled":
      next.pendingCreditNote = null;
      break;
    case "InvoiceFrozen":
      next.frozenFrom = event.from;
      next.state = "Frozen";
      break;
    case "InvoiceUnfrozen":
      next.frozenFrom = null;
      next.state = event.to;
      break;
    case "InvoiceReleased":
      next.state = "Issued";
      next.enterprise = null;
      break;
    case "InvoiceReassigned":
      next.holder = event.to;
      break;
    case "InvoiceIssued":
    case "QuotaGranted":
    case "ParticipantRegistered":
    case "ParticipantStatusChanged":
      break;
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${(unhandled as LedgerEvent).type}`);
    }
  }
  return next;
}

export function emptyTotals(merchant: string, period: number): PeriodTotals {
  return { merchant, period, invoices: 0, total: "0", tax: "0", reversedTotal: "0", reversedTax: "0" };
}

export function applyToTotals(totals: PeriodTotals, event: LedgerEvent): PeriodTotals {
  if (event.type === "InvoiceIssued") return { ...totals, invoices: totals.invoices + 1, total: add(totals.total, event.total), tax: add(totals.tax, event.tax) };
  if (event.type === "InvoiceReversed") return { ...totals, reversedTotal: add(totals.reversedTotal, event.total), reversedTax: add(totals.reversedTax, event.tax) };
  return totals;
}
