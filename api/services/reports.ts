import { notFound } from "../errors";
import type { LedgerEvent } from "../indexer/events";
import type { PeriodTotals } from "../indexer/invoice-summary";
import type { ApiStore } from "../store/api-store";
import { keys } from "../store/keys";
import type { Invoices } from "./invoices";
import type { Party } from "./parties";

/** Trace of one invoice and the bureau's totals, served from the event index. */
export function createReports({ store, invoices }: { store: ApiStore; invoices: Invoices }) {
  return {
    /** Every event of the invoice in chain order, with actor, transaction, block and time. 404 unless party to it. */
    async trace(viewer: Party, id: string): Promise<{ invoice: Awaited<ReturnType<Invoices["view"]>>; events: LedgerEvent[] }> {
      const invoice = await invoices.view(viewer, id);
      const events = await store.range<LedgerEvent>(keys.index.tracePrefix(id));
      return { invoice, events: events.map((e) => e.value) };
    },

    /** Issued and reversed totals per merchant and tax period: any merchant for the bureau, its own for a merchant. */
    async totals(viewer: Party, filter: { merchant?: string | undefined; period?: number | undefined }): Promise<PeriodTotals[]> {
      let merchant = filter.merchant;
      if (viewer.role === "merchant") {
        if (merchant !== undefined && merchant.toLowerCase() !== viewer.account.toLowerCase()) throw notFound("merchant");
        merchant = viewer.account;
      }
      const entries = await store.range<PeriodTotals>(keys.index.totalsPrefix(merchant));
      return entries.map((e) => e.value).filter((t) => filter.period === undefined || t.period === filter.period);
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
