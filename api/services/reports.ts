import { notFound } from "../errors";
import type { LedgerEvent } from "../indexer/events";
import type { PeriodTotals } from "../indexer/invoice-summary";
import type { Db } from "../db/database";
import { invoiceTrace, periodTotals } from "../db/event-index";
import type { Invoices } from "./invoices";
import type { Party } from "./parties";

/** Trace of one invoice and the bureau's totals, served from the event index. */
export function createReports({ db, invoices }: { db: Db; invoices: Invoices }) {
  return {
    /** Every event of the invoice in chain order, with actor, transaction, block and time. 404 unless party to it. */
    async trace(viewer: Party, id: string): Promise<{ invoice: Awaited<ReturnType<Invoices["view"]>>; events: LedgerEvent[] }> {
      const invoice = await invoices.view(viewer, id);
      return { invoice, events: await invoiceTrace(db, id) };
    },

    /** Issued and reversed totals per merchant and tax period: any merchant for the bureau, its own for a merchant. */
    async totals(viewer: Party, filter: { merchant?: string | undefined; period?: number | undefined }): Promise<PeriodTotals[]> {
      let merchant = filter.merchant;
      if (viewer.role === "merchant") {
        if (merchant !== undefined && merchant.toLowerCase() !== viewer.account.toLowerCase()) throw notFound("merchant");
        merchant = viewer.account;
      }
      return periodTotals(db, { merchant, period: filter.period });
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
