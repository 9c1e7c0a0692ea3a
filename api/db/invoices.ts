import { sql, type Selectable } from "kysely";

import { checksummedAccount, type InvoiceState } from "../indexer/events";
import type { InvoiceSummary } from "../indexer/invoice-summary";
import { anyOf, insertRows, jsonRecords, type JsonRow } from "./bulk";
import type { Db } from "./database";
import type { InvoicesTable } from "./schema";

/**
 * The invoices of the event index: each invoice's summary as its events left it (`invoices`), and the
 * invoices each account is party to (`invoice_parties`), both by invoice number. Accounts are kept in
 * lowercase and answered checksummed, as the events carry them.
 */

const lowerOrNull = (account: string | null) => (account === null ? null : account.toLowerCase());
const accountOrNull = (account: string | null) => (account === null ? null : checksummedAccount(account));

function summaryOf(row: Selectable<InvoicesTable>): InvoiceSummary {
  return {
    id: row.id,
    number: row.number,
    seller: checksummedAccount(row.seller),
    buyerTaxId: row.buyer_tax_id,
    total: row.total,
    tax: row.tax,
    state: row.state as InvoiceState,
    frozenFrom: row.frozen_from as InvoiceState | null,
    holder: accountOrNull(row.holder),
    enterprise: accountOrNull(row.enterprise),
    filedPeriod: row.filed_period,
    reversedTotal: row.reversed_total,
    reversedTax: row.reversed_tax,
    pendingCreditNote: row.pending_credit_note,
    issuedAt: row.issued_at.toISOString(),
    issuedPeriod: row.issued_period,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The summaries of these invoices that the index holds, in no particular order. */
export async function invoiceSummaries(db: Db, ids: readonly string[]): Promise<InvoiceSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("invoices")
    .selectAll()
    .where("id", "=", anyOf(ids.map((id) => id.toLowerCase())))
    .execute();
  return rows.map(summaryOf);
}

export interface InvoiceListQuery {
  /** Only the invoices this account is party to; every invoice when absent (the bureau's list). */
  account?: string | undefined;
  state?: InvoiceState | undefined;
  /** Invoices numbered after this one (digits). */
  after?: string | undefined;
  limit: number;
}

/** Invoices by number, from `after` on, at most `limit`. */
export async function listInvoices(db: Db, query: InvoiceListQuery): Promise<InvoiceSummary[]> {
  const { account, state, after, limit } = query;
  const rows =
    account === undefined
      ? await db
          .selectFrom("invoices")
          .selectAll()
          .$if(state !== undefined, (q) => q.where("state", "=", state!))
          .$if(after !== undefined, (q) => q.where("number", ">", after!))
          .orderBy("number")
          .limit(limit)
          .execute()
      : await db
          .selectFrom("invoice_parties as p")
          .innerJoin("invoices as i", "i.id", "p.invoice_id")
          .selectAll("i")
          .where("p.account", "=", account.toLowerCase())
          .$if(state !== undefined, (q) => q.where("i.state", "=", state!))
          .$if(after !== undefined, (q) => q.where("p.number", ">", after!))
          .orderBy("p.number")
          .limit(limit)
          .execute();
  return rows.map(summaryOf);
}

function rowOf(summary: InvoiceSummary): JsonRow<"invoices"> {
  return {
    id: summary.id.toLowerCase(),
    number: summary.number,
    seller: summary.seller.toLowerCase(),
    buyer_tax_id: summary.buyerTaxId,
    total: summary.total,
    tax: summary.tax,
    state: summary.state,
    frozen_from: summary.frozenFrom,
    holder: lowerOrNull(summary.holder),
    enterprise: lowerOrNull(summary.enterprise),
    filed_period: summary.filedPeriod,
    reversed_total: summary.reversedTotal,
    reversed_tax: summary.reversedTax,
    pending_credit_note: summary.pendingCreditNote,
    issued_at: summary.issuedAt,
    issued_period: summary.issuedPeriod,
    updated_at: summary.updatedAt,
  };
}

/** Writes these summaries whole: new invoices are added, known ones replaced. */
export async function putInvoiceSummaries(db: Db, summaries: readonly InvoiceSummary[]): Promise<void> {
  if (summaries.length === 0) return;
  await insertRows(db, "invoices", summaries.map(rowOf))
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        number: eb.ref("excluded.number"),
        seller: eb.ref("excluded.seller"),
        buyer_tax_id: eb.ref("excluded.buyer_tax_id"),
        total: eb.ref("excluded.total"),
        tax: eb.ref("excluded.tax"),
        state: eb.ref("excluded.state"),
        frozen_from: eb.ref("excluded.frozen_from"),
        holder: eb.ref("excluded.holder"),
        enterprise: eb.ref("excluded.enterprise"),
        filed_period: eb.ref("excluded.filed_period"),
        reversed_total: eb.ref("excluded.reversed_total"),
        reversed_tax: eb.ref("excluded.reversed_tax"),
        pending_credit_note: eb.ref("excluded.pending_credit_note"),
        issued_at: eb.ref("excluded.issued_at"),
        issued_period: eb.ref("excluded.issued_period"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

/** An account's relation to an invoice: `invoiceId` null removes it. */
export interface InvoicePartyChange {
  account: string;
  number: string;
  invoiceId: string | null;
}

/** Applies these relations; each (account, number) at most once. */
export async function changeInvoiceParties(db: Db, changes: readonly InvoicePartyChange[]): Promise<void> {
  const rowOf = (change: InvoicePartyChange) => ({ account: change.account.toLowerCase(), number: change.number, invoice_id: change.invoiceId?.toLowerCase() ?? null });
  const added = changes.filter((change) => change.invoiceId !== null).map(rowOf);
  const removed = changes.filter((change) => change.invoiceId === null).map(rowOf);
  if (removed.length > 0) {
    await db
      .deleteFrom("invoice_parties")
      .where(sql<boolean>`(account, number) IN (SELECT account, number FROM ${jsonRecords("invoice_parties", removed)})`)
      .execute();
  }
  if (added.length > 0) {
    await insertRows(db, "invoice_parties", added)
      .onConflict((oc) => oc.columns(["account", "number"]).doUpdateSet((eb) => ({ invoice_id: eb.ref("excluded.invoice_id") })))
      .execute();
  }
}
