import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { newIdempotencyKey } from "../../api/idempotency";
import { useSearchPages, type ListedInvoice } from "../../api/search-pages";
import { useSignedIn } from "../../api/session";
import { useAction, useResource } from "../../api/use-resource";
import { reversalReasonKey } from "../../format/events";
import { shownNumber } from "../../format/invoice-number";
import { yuanText } from "../../format/money";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { MoreButton } from "../../ui/more-button";
import { Page } from "../../ui/page";
import { Hex, Money } from "../../ui/values";
import { ErrorNotice, Loading, ResourceView, Success } from "../../ui/views";
import { invoiceHref, pendingCreditNoteOf } from "./common";
import { HolderName } from "./invoice-table";
import "./enterprise.css";

type Note = Awaited<ReturnType<EInvoiceClient["getCreditNote"]>>;
type Asking = { kind: "confirm" | "cancel"; invoice: ListedInvoice; note: Note; key: string };

/** One invoice whose credit note awaits the enterprise: the note itself (amount, reason) is read by its id. */
function CreditRow({ invoice, onAsk }: { invoice: ListedInvoice; onAsk(kind: Asking["kind"], invoice: ListedInvoice, note: Note): void }) {
  const { t } = useI18n();
  const id = pendingCreditNoteOf(invoice) ?? "";
  const note = useResource((client, signal) => client.getCreditNote({ params: { id }, signal }), [id]);
  const ready = note.status === "ready" ? note.data : undefined;
  return (
    <tr data-testid="credit-row" data-credit-note-id={id}>
      <th scope="row">{ready === undefined ? <Hex value={id} /> : shownNumber(ready)}</th>
      <td>
        <a href={invoiceHref(invoice.id)}>{shownNumber(invoice)}</a>
      </td>
      <td>{invoice.parties?.seller.name ?? <Hex value={invoice.seller} />}</td>
      <td>
        <HolderName invoice={invoice} />
      </td>
      <td class="num">
        <Money fen={invoice.total} />
      </td>
      {note.status === "error" ? (
        <td colSpan={3}>
          <ErrorNotice error={note.error} onRetry={note.reload} />
        </td>
      ) : ready === undefined ? (
        <td colSpan={3}>
          <Loading />
        </td>
      ) : (
        <>
          <td class="num">
            <Money fen={`-${ready.total}`} />
          </td>
          <td>{t(reversalReasonKey(ready.reason))}</td>
          <td>
            <span class="ent-row-actions">
              <button type="button" class="button button-small button-primary" data-testid="credit-confirm" aria-label={t("enterprise.credit.confirmOne", { number: shownNumber(ready) })} onClick={() => onAsk("confirm", invoice, ready)}>
                {t("enterprise.credit.confirm")}
              </button>
              <button type="button" class="button button-small" data-testid="credit-cancel" aria-label={t("enterprise.credit.cancelOne", { number: shownNumber(ready) })} onClick={() => onAsk("cancel", invoice, ready)}>
                {t("enterprise.credit.cancel")}
              </button>
            </span>
          </td>
        </>
      )}
    </tr>
  );
}

/**
 * 红字确认: credit notes a seller issued against invoices this enterprise reimbursed, waiting for its word: the
 * API's search for invoices with a credit note awaiting the buyer's confirmation, paged by its cursor.
 */
export function CreditNotes() {
  const { t } = useI18n();
  const { party } = useSignedIn();
  const pages = useSearchPages({ enterprise: party.account, reversalPending: "true", expand: "parties", sort: "-issuedAt", limit: "50" });
  const [asking, setAsking] = useState<Asking | undefined>(undefined);
  const [done, setDone] = useState<{ kind: "confirm" | "cancel"; number: string } | undefined>(undefined);
  const act = useAction((client, ask: Asking) =>
    ask.kind === "confirm" ? client.confirmCreditNote({ params: { id: ask.note.id }, idempotencyKey: ask.key }) : client.cancelCreditNote({ params: { id: ask.note.id }, idempotencyKey: ask.key }),
  );

  async function go() {
    if (asking === undefined) return;
    const answer = await act.run(asking);
    if (answer === undefined) return;
    setDone({ kind: asking.kind, number: shownNumber(answer) });
    setAsking(undefined);
    pages.reload();
  }
  // One key per question asked: confirming again after a lost answer is the same step, not a second one.
  const ask = (kind: Asking["kind"], invoice: ListedInvoice, note: Note) => {
    act.clear();
    setDone(undefined);
    setAsking({ kind, invoice, note, key: newIdempotencyKey(`credit-${kind}`) });
  };

  return (
    <Page title={t("enterprise.credit.title")}>
      <p class="ent-lead">{t("enterprise.credit.lead")}</p>
      {done === undefined ? null : <Success>{t(done.kind === "confirm" ? "enterprise.credit.confirmed" : "enterprise.credit.cancelled", { number: done.number })}</Success>}
      <ResourceView resource={pages.resource} isEmpty={(data) => data.invoices.length === 0} empty={t("enterprise.credit.empty")}>
        {(data) => (
          <>
            <div class="table-wrap">
              <table class="ent-wide">
                <caption>{t(data.hasMore ? "enterprise.credit.captionMore" : "enterprise.credit.caption", { count: data.invoices.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("enterprise.credit.note")}</th>
                    <th scope="col">{t("enterprise.credit.invoice")}</th>
                    <th scope="col">{t("invoice.seller")}</th>
                    <th scope="col">{t("enterprise.employee")}</th>
                    <th scope="col" class="num">
                      {t("enterprise.credit.invoiceTotal")}
                    </th>
                    <th scope="col" class="num">
                      {t("enterprise.credit.amount")}
                    </th>
                    <th scope="col">{t("enterprise.credit.reason")}</th>
                    <th scope="col">{t("enterprise.column.actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.invoices.map((invoice) => (
                    <CreditRow key={invoice.id} invoice={invoice} onAsk={ask} />
                  ))}
                </tbody>
              </table>
            </div>
            <MoreButton pages={pages} count={data.invoices.length} hasMore={data.hasMore} />
          </>
        )}
      </ResourceView>
      <ConfirmDialog
        open={asking !== undefined}
        danger={asking?.kind === "cancel"}
        busy={act.busy}
        title={asking?.kind === "cancel" ? t("enterprise.credit.cancelTitle") : t("enterprise.credit.confirmTitle")}
        confirmLabel={asking?.kind === "cancel" ? t("enterprise.credit.cancel") : t("enterprise.credit.confirm")}
        onConfirm={() => void go()}
        onCancel={() => (setAsking(undefined), act.clear())}
      >
        {asking === undefined ? null : (
          <p data-testid="confirm-summary">
            {t(asking.kind === "cancel" ? "enterprise.credit.cancelBody" : "enterprise.credit.confirmBody", {
              note: asking.note.printedNumber ?? asking.note.number,
              invoice: shownNumber(asking.invoice),
              amount: t("money.yuan", { amount: yuanText(asking.note.total) }),
            })}
          </p>
        )}
        {act.error === undefined ? null : <ErrorNotice error={act.error} />}
      </ConfirmDialog>
    </Page>
  );
}
