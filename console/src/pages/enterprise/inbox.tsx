import { useState } from "preact/hooks";

import { useSearchPages, type ListedInvoice } from "../../api/search-pages";
import { useSignedIn } from "../../api/session";
import { shownNumber } from "../../format/invoice-number";
import { REJECT_REASONS, rejectionReasonKey } from "../../format/events";
import { yuanText } from "../../format/money";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Field } from "../../ui/field";
import { Page } from "../../ui/page";
import { MoreButton } from "../../ui/more-button";
import { ResourceView } from "../../ui/views";
import { useBulk, type BulkStep } from "./common";
import { BulkProgress, BulkResults, SelectableInvoices, selectedTotal } from "./invoice-table";
import "./enterprise.css";

type Asking = { kind: "reimburse" | "reject"; ids: string[] } | undefined;

/** 报销审核: the claims employees submitted to this enterprise, reimbursed or rejected one by one or together. */
export function Inbox() {
  const { t } = useI18n();
  const { party } = useSignedIn();
  // A reason code in words, with the code itself (what the chain keeps and the employee sees).
  const reasonText = (code: string) => {
    const key = rejectionReasonKey(code);
    return key === undefined ? code : `${t(key)} (${code})`;
  };
  const pages = useSearchPages({ state: "Locked", enterprise: party.account, expand: "parties,document", limit: "100" });
  const bulk = useBulk();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [asking, setAsking] = useState<Asking>(undefined);
  const [reason, setReason] = useState<string>(REJECT_REASONS[0]);
  const [processed, setProcessed] = useState<{ kind: "reimburse" | "reject"; invoices: ListedInvoice[] } | undefined>(undefined);

  const invoices = pages.resource.data?.invoices ?? [];
  const askedInvoices = asking === undefined ? [] : invoices.filter((i) => asking.ids.includes(i.id));
  const rejecting = asking?.kind === "reject";
  const askedTotal = yuanText(selectedTotal(askedInvoices, new Set(asking?.ids ?? [])));

  async function go() {
    if (asking === undefined) return;
    const { kind } = asking;
    const chosen = askedInvoices;
    setAsking(undefined);
    setProcessed({ kind, invoices: chosen });
    const step: BulkStep =
      kind === "reimburse"
        ? { name: "reimburse", call: (client, id, idempotencyKey) => client.reimburseInvoice({ params: { id }, idempotencyKey }) }
        : { name: `reject:${reason}`, call: (client, id, idempotencyKey) => client.rejectInvoice({ params: { id }, body: { reason }, idempotencyKey }) };
    const results = await bulk.run(
      chosen.map((i) => i.id),
      step,
    );
    setSelected((previous) => new Set([...previous].filter((id) => results.get(id)?.status !== "done")));
    pages.reload();
  }

  const refused = [...bulk.outcomes.values()].filter((o) => o.status === "refused").length;
  const doneLabel = processed?.kind === "reject" ? t("enterprise.inbox.rejected") : t("state.Reimbursed");
  const selectedInvoices = invoices.filter((i) => selected.has(i.id));

  return (
    <Page title={t("enterprise.inbox.title")}>
      <p class="ent-lead">{t("enterprise.inbox.lead")}</p>
      <BulkProgress progress={bulk.progress} refused={refused} />
      {processed === undefined || bulk.running ? null : (
        <BulkResults title={processed.kind === "reject" ? t("enterprise.inbox.rejectResults") : t("enterprise.inbox.reimburseResults")} invoices={processed.invoices} outcomes={bulk.outcomes} doneLabel={doneLabel} />
      )}
      <ResourceView resource={pages.resource} isEmpty={(data) => data.invoices.length === 0} empty={t("enterprise.inbox.empty")}>
        {(data) => (
          <>
            <div class="ent-toolbar" role="group" aria-label={t("enterprise.select.toolbar")}>
              <p class="ent-selection" aria-live="polite">
                {t("enterprise.select.summary", { count: selectedInvoices.length, total: yuanText(selectedTotal(selectedInvoices, selected)) })}
              </p>
              <button type="button" class="button button-primary" data-testid="reimburse-selected" disabled={selectedInvoices.length === 0 || bulk.running} onClick={() => setAsking({ kind: "reimburse", ids: selectedInvoices.map((i) => i.id) })}>
                {t("enterprise.inbox.reimburseSelected")}
              </button>
              <button type="button" class="button button-danger" data-testid="reject-selected" disabled={selectedInvoices.length === 0 || bulk.running} onClick={() => setAsking({ kind: "reject", ids: selectedInvoices.map((i) => i.id) })}>
                {t("enterprise.inbox.rejectSelected")}
              </button>
            </div>
            <SelectableInvoices
              caption={t("enterprise.inbox.caption", { count: data.invoices.length })}
              invoices={data.invoices}
              selected={selected}
              onSelect={setSelected}
              outcomes={bulk.running ? bulk.outcomes : new Map()}
              doneLabel={doneLabel}
              disabled={bulk.running}
              actions={(invoice) => (
                <span class="ent-row-actions">
                  <button type="button" class="button button-small" data-testid="reimburse-one" disabled={bulk.running} aria-label={t("enterprise.inbox.reimburseOne", { number: shownNumber(invoice) })} onClick={() => setAsking({ kind: "reimburse", ids: [invoice.id] })}>
                    {t("enterprise.inbox.reimburse")}
                  </button>
                  <button type="button" class="button button-small" data-testid="reject-one" disabled={bulk.running} aria-label={t("enterprise.inbox.rejectOne", { number: shownNumber(invoice) })} onClick={() => setAsking({ kind: "reject", ids: [invoice.id] })}>
                    {t("enterprise.inbox.reject")}
                  </button>
                </span>
              )}
            />
            <MoreButton pages={pages} count={data.invoices.length} hasMore={data.hasMore} />
          </>
        )}
      </ResourceView>
      {/* One dialog for both steps: its title is the page's only "confirm-title". */}
      <ConfirmDialog
        open={asking !== undefined}
        danger={rejecting}
        title={rejecting ? t("enterprise.inbox.confirmReject.title") : t("enterprise.inbox.confirmReimburse.title")}
        confirmLabel={rejecting ? t("enterprise.inbox.confirmReject.action", { count: askedInvoices.length }) : t("enterprise.inbox.confirmReimburse.action", { count: askedInvoices.length })}
        onConfirm={() => void go()}
        onCancel={() => setAsking(undefined)}
      >
        <p data-testid="confirm-summary">{t(rejecting ? "enterprise.inbox.confirmReject.body" : "enterprise.inbox.confirmReimburse.body", { count: askedInvoices.length, total: askedTotal })}</p>
        {rejecting ? (
          <Field id="reject-reason" label={t("enterprise.reason.label")} hint={t("enterprise.reason.hint")}>
            {(aria) => (
              <select {...aria} value={reason} onChange={(event) => setReason(event.currentTarget.value)}>
                {REJECT_REASONS.map((code) => (
                  <option key={code} value={code}>
                    {reasonText(code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
      </ConfirmDialog>
    </Page>
  );
}
