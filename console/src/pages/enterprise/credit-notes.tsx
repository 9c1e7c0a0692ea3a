import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { newIdempotencyKey } from "../../api/idempotency";
import type { ListedInvoice } from "../../api/search-pages";
import { useSignedIn } from "../../api/session";
import { useAction, useResource } from "../../api/use-resource";
import { reversalReasonKey } from "../../format/events";
import { shownNumber } from "../../format/invoice-number";
import { yuanText } from "../../format/money";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Page } from "../../ui/page";
import { Hex, Money } from "../../ui/values";
import { ErrorNotice, ResourceView, Success } from "../../ui/views";
import { invoiceHref, pendingCreditNoteOf, searchAll } from "./common";
import { HolderName } from "./invoice-table";
import "./enterprise.css";

type Note = Awaited<ReturnType<EInvoiceClient["getCreditNote"]>>;
type Asking = { kind: "confirm" | "cancel"; invoice: ListedInvoice; note: Note; key: string };

/**
 * 红字确认: credit notes a seller issued against invoices this enterprise reimbursed, waiting for its word. The
 * API has no filter for them; the index's summary names an invoice's pending credit note, so the page reads the
 * enterprise's reimbursed and filed invoices (the states whose reversal needs the buyer) and keeps those.
 */
export function CreditNotes() {
  const { t } = useI18n();
  const { party } = useSignedIn();
  const pending = useResource(async (client, signal) => {
    const { invoices, truncated } = await searchAll(client, { enterprise: party.account, state: "Reimbursed,Filed", expand: "parties" }, signal);
    const waiting = invoices.filter((invoice) => pendingCreditNoteOf(invoice) !== null);
    const rows = await Promise.all(waiting.map(async (invoice) => ({ invoice, note: await client.getCreditNote({ params: { id: pendingCreditNoteOf(invoice)! }, signal }) })));
    return { rows: rows.filter((row) => row.note.status === "Pending"), truncated };
  }, [party.account]);
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
    pending.reload();
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
      <ResourceView resource={pending} isEmpty={(data) => data.rows.length === 0} empty={t("enterprise.credit.empty")}>
        {(data) => (
          <div class="table-wrap">
            <table class="ent-wide">
              <caption>{t("enterprise.credit.caption", { count: data.rows.length })}</caption>
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
                {data.rows.map(({ invoice, note }) => (
                  <tr key={note.id} data-testid="credit-row" data-credit-note-id={note.id}>
                    <th scope="row">{shownNumber(note)}</th>
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
                    <td class="num">
                      <Money fen={`-${note.total}`} />
                    </td>
                    <td>{t(reversalReasonKey(note.reason))}</td>
                    <td>
                      <span class="ent-row-actions">
                        <button type="button" class="button button-small button-primary" data-testid="credit-confirm" aria-label={t("enterprise.credit.confirmOne", { number: shownNumber(note) })} onClick={() => ask("confirm", invoice, note)}>
                          {t("enterprise.credit.confirm")}
                        </button>
                        <button type="button" class="button button-small" data-testid="credit-cancel" aria-label={t("enterprise.credit.cancelOne", { number: shownNumber(note) })} onClick={() => ask("cancel", invoice, note)}>
                          {t("enterprise.credit.cancel")}
                        </button>
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.truncated ? <p class="notice notice-info">{t("enterprise.truncated")}</p> : null}
          </div>
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
