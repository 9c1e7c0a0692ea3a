import { useState } from "preact/hooks";

import { useSearchPages, type ListedInvoice } from "../../api/search-pages";
import { useSignedIn } from "../../api/session";
import { shownNumber } from "../../format/invoice-number";
import { yuanText } from "../../format/money";
import { currentPeriod, monthOfPeriod, periodOfMonth } from "../../format/period";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Page } from "../../ui/page";
import { PeriodPicker, usePeriodText } from "../../ui/period";
import { MoreButton } from "../../ui/more-button";
import { ResourceView } from "../../ui/views";
import { useBulk } from "./common";
import { BulkProgress, BulkResults, SelectableInvoices, selectedTotal } from "./invoice-table";
import "./enterprise.css";

/** 入账: reimbursed invoices filed into the enterprise's books for a tax period, one by one or together. */
export function Filing() {
  const { t } = useI18n();
  const { party } = useSignedIn();
  const periodText = usePeriodText();
  const pages = useSearchPages({ state: "Reimbursed", enterprise: party.account, expand: "parties,document", limit: "100" });
  const bulk = useBulk();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [month, setMonth] = useState(monthOfPeriod(currentPeriod()));
  const [asking, setAsking] = useState<string[] | undefined>(undefined);
  const [processed, setProcessed] = useState<{ invoices: ListedInvoice[]; period: number } | undefined>(undefined);
  const period = periodOfMonth(month);

  const invoices = pages.resource.data?.invoices ?? [];
  const askedInvoices = asking === undefined ? [] : invoices.filter((i) => asking.includes(i.id));
  const selectedInvoices = invoices.filter((i) => selected.has(i.id));
  const refused = [...bulk.outcomes.values()].filter((o) => o.status === "refused").length;

  async function go() {
    if (asking === undefined || period === undefined) return;
    const chosen = askedInvoices;
    setAsking(undefined);
    setProcessed({ invoices: chosen, period });
    const results = await bulk.run(
      chosen.map((i) => i.id),
      { name: `file:${period}`, call: (client, id, idempotencyKey) => client.fileInvoice({ params: { id }, body: { period }, idempotencyKey }) },
    );
    setSelected((previous) => new Set([...previous].filter((id) => results.get(id)?.status !== "done")));
    pages.reload();
  }

  const ask = (ids: string[]) => period !== undefined && setAsking(ids);

  return (
    <Page title={t("enterprise.filing.title")}>
      <p class="ent-lead">{t("enterprise.filing.lead")}</p>
      <BulkProgress progress={bulk.progress} refused={refused} />
      {processed === undefined || bulk.running ? null : (
        <BulkResults title={t("enterprise.filing.results", { period: periodText(processed.period) })} invoices={processed.invoices} outcomes={bulk.outcomes} doneLabel={t("state.Filed")} />
      )}
      <ResourceView resource={pages.resource} isEmpty={(data) => data.invoices.length === 0} empty={t("enterprise.filing.empty")}>
        {(data) => (
          <>
            <div class="ent-toolbar" role="group" aria-label={t("enterprise.select.toolbar")}>
              <PeriodPicker id="filing-period" value={month} onChange={setMonth} />
              <p class="ent-selection" aria-live="polite">
                {t("enterprise.select.summary", { count: selectedInvoices.length, total: yuanText(selectedTotal(selectedInvoices, selected)) })}
              </p>
              <button type="button" class="button button-primary" data-testid="file-selected" disabled={selectedInvoices.length === 0 || bulk.running || period === undefined} onClick={() => ask(selectedInvoices.map((i) => i.id))}>
                {t("enterprise.filing.fileSelected")}
              </button>
            </div>
            <SelectableInvoices
              caption={t("enterprise.filing.caption", { count: data.invoices.length })}
              invoices={data.invoices}
              selected={selected}
              onSelect={setSelected}
              outcomes={bulk.running ? bulk.outcomes : new Map()}
              doneLabel={t("state.Filed")}
              disabled={bulk.running}
              actions={(invoice) => (
                <button type="button" class="button button-small" data-testid="file-one" disabled={bulk.running || period === undefined} aria-label={t("enterprise.filing.fileOne", { number: shownNumber(invoice) })} onClick={() => ask([invoice.id])}>
                  {t("enterprise.filing.file")}
                </button>
              )}
            />
            <MoreButton pages={pages} count={data.invoices.length} hasMore={data.hasMore} />
          </>
        )}
      </ResourceView>
      <ConfirmDialog
        open={asking !== undefined}
        title={t("enterprise.filing.confirm.title")}
        confirmLabel={t("enterprise.filing.confirm.action", { count: askedInvoices.length })}
        onConfirm={() => void go()}
        onCancel={() => setAsking(undefined)}
      >
        <p data-testid="confirm-summary">
          {t("enterprise.filing.confirm.body", { count: askedInvoices.length, total: yuanText(selectedTotal(askedInvoices, new Set(asking ?? []))), period: period === undefined ? "" : periodText(period) })}
        </p>
      </ConfirmDialog>
    </Page>
  );
}
