import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { useAction, useResource } from "../../api/use-resource";
import { newIdempotencyKey } from "../../api/idempotency";
import { REVERSAL_REASONS, reversalReasonKey, type LedgerEvent, type ReversalReason } from "../../format/events";
import { shownNumber } from "../../format/invoice-number";
import { fenOfYuan } from "../../format/money";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Field } from "../../ui/field";
import { FormRefusal, useFieldIssues } from "../../ui/field-issues";
import { Page, Panel } from "../../ui/page";
import { PdfButton } from "../../ui/pdf-button";
import { Timeline } from "../../ui/timeline";
import { Hex, Money, StateBadge, When } from "../../ui/values";
import { ResourceView, Success } from "../../ui/views";
import { documentOf, merchantPath, type CreditNote, type Invoice } from "./shared";
import { InvoiceItems } from "../../ui/invoice-items";

/** Everything the page shows of one invoice: the invoice with its document, its history, its credit notes. */
async function loadInvoice(client: EInvoiceClient, id: string) {
  const [invoice, trace] = await Promise.all([client.getInvoice({ params: { id } }), client.traceInvoice({ params: { id } })]);
  // The invoice names no credit notes itself: its history does (each reversal event carries the note's id).
  const noteIds = [...new Set(trace.events.flatMap((event) => (typeof event.creditNoteId === "string" ? [event.creditNoteId] : [])))];
  const creditNotes = await Promise.all(noteIds.map((noteId) => client.getCreditNote({ params: { id: noteId } })));
  return { invoice, events: trace.events, creditNotes };
}

/** One invoice the merchant issued: its document, PDF, credit notes and history; reversing it. */
export function InvoicePage({ id }: { id: string }) {
  const { t } = useI18n();
  const resource = useResource((client) => loadInvoice(client, id), [id]);
  const [reversing, setReversing] = useState(false);
  const [reversed, setReversed] = useState<CreditNote | undefined>(undefined);
  const invoice = resource.data?.invoice;
  const title = invoice === undefined ? t("merchant.invoice.title") : t("merchant.invoice.titleNumber", { number: shownNumber(invoice) });

  return (
    <Page
      title={title}
      actions={
        invoice === undefined ? undefined : (
          <>
            <PdfButton kind="invoice" small id={invoice.id} number={shownNumber(invoice)} />
            {invoice.state === "Reversed" ? null : (
              <button type="button" class="button button-danger button-small" data-testid="reverse-open" onClick={() => (setReversed(undefined), setReversing(true))}>
                {t("merchant.reverse.open")}
              </button>
            )}
          </>
        )
      }
    >
      <p>
        <a href={merchantPath("/invoices")}>{t("merchant.invoice.back")}</a>
      </p>
      {reversed === undefined ? null : (
        <div data-testid="reversed" data-credit-note-id={reversed.id}>
          <Success>
            {t("merchant.reverse.done", { number: shownNumber(reversed) })} <PdfButton kind="creditNote" small id={reversed.id} number={shownNumber(reversed)} label={t("merchant.creditNote.pdf")} />
          </Success>
        </div>
      )}
      <ResourceView resource={resource}>
        {({ invoice: loaded, events, creditNotes }) => (
          <>
            <InvoiceFacts invoice={loaded} />
            <Items invoice={loaded} />
            <CreditNotes notes={creditNotes} />
            <History events={events} />
            {reversing ? (
              <ReverseDialog
                invoice={loaded}
                onCancel={() => setReversing(false)}
                onDone={(note) => {
                  setReversing(false);
                  setReversed(note);
                  resource.reload();
                }}
              />
            ) : null}
          </>
        )}
      </ResourceView>
    </Page>
  );
}

export function InvoiceFacts({ invoice, showClaimCode = true }: { invoice: Invoice; showClaimCode?: boolean }) {
  const { t } = useI18n();
  const document = documentOf(invoice.document);
  const buyer = document?.buyer;
  const reversed = BigInt(invoice.reversedTotal) > 0n;
  return (
    <Panel title={t("merchant.invoice.facts")} id="merchant-facts">
      <dl class="facts" data-testid="invoice-facts">
        <dt>{t("invoice.number")}</dt>
        <dd data-testid="invoice-number">{shownNumber(invoice)}</dd>
        <dt>{t("merchant.invoice.ledgerNumber")}</dt>
        <dd>{invoice.number}</dd>
        <dt>{t("merchant.invoice.checkCode")}</dt>
        <dd>
          <code>{invoice.checkCode}</code>
        </dd>
        {document?.issuedAt === undefined ? null : (
          <>
            <dt>{t("invoice.date")}</dt>
            <dd>
              <When iso={document.issuedAt} />
            </dd>
          </>
        )}
        <dt>{t("invoice.state")}</dt>
        <dd data-testid="invoice-state" data-state={invoice.state}>
          <StateBadge state={invoice.state} />
          {invoice.reversalPending ? <span class="merchant-muted"> {t("merchant.invoice.reversalPending")}</span> : null}
          {invoice.frozenFrom === null ? null : (
            <span class="merchant-muted"> {t("merchant.invoice.frozenFrom", { state: t(`state.${invoice.frozenFrom}` as MessageKey) })}</span>
          )}
        </dd>
        <dt>{t("invoice.buyer")}</dt>
        <dd>{buyer === undefined ? "—" : buyer.erased ? t("merchant.buyer.erased") : (buyer.name ?? "—")}</dd>
        {invoice.buyerTaxId === null ? null : (
          <>
            <dt>{t("merchant.buyer.taxpayerId")}</dt>
            <dd>
              <code>{invoice.buyerTaxId}</code>
            </dd>
          </>
        )}
        {document?.reference === undefined ? null : (
          <>
            <dt>{t("merchant.reference")}</dt>
            <dd>{document.reference}</dd>
          </>
        )}
        <dt>{t("invoice.amount")}</dt>
        <dd>
          <Money fen={(BigInt(invoice.total) - BigInt(invoice.tax)).toString()} />
        </dd>
        <dt>{t("invoice.tax")}</dt>
        <dd>
          <Money fen={invoice.tax} />
        </dd>
        <dt>{t("invoice.total")}</dt>
        <dd data-testid="invoice-total" data-fen={invoice.total}>
          <strong>
            <Money fen={invoice.total} />
          </strong>
        </dd>
        {reversed ? (
          <>
            <dt>{t("merchant.invoice.reversed")}</dt>
            <dd>
              <Money fen={`-${invoice.reversedTotal}`} />{" "}
              <span class="merchant-muted">
                {t("merchant.invoice.ofWhichTax")} <Money fen={`-${invoice.reversedTax}`} />
              </span>
            </dd>
          </>
        ) : null}
        <dt>{t("invoice.holder")}</dt>
        <dd>{invoice.holder === null ? t("merchant.invoice.unclaimed") : <Hex value={invoice.holder} />}</dd>
        {document?.remarks === undefined ? null : (
          <>
            <dt>{t("invoice.remarks")}</dt>
            <dd>{document.remarks}</dd>
          </>
        )}
        {!showClaimCode || invoice.claimCode === undefined ? null : (
          <>
            <dt>{t("merchant.claimCode")}</dt>
            <dd>
              <code data-testid="claim-code">{invoice.claimCode}</code>
              <p class="field-hint">{t("merchant.claimCode.hint")}</p>
            </dd>
          </>
        )}
      </dl>
    </Panel>
  );
}

export function Items({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  const document = documentOf(invoice.document);
  const items = document?.items;
  if (items === undefined) return null;
  return (
    <Panel title={t("invoice.items")} id="merchant-items">
      <InvoiceItems items={items} totals={document?.totals} />
    </Panel>
  );
}

function CreditNotes({ notes }: { notes: CreditNote[] }) {
  const { t } = useI18n();
  return (
    <Panel title={t("merchant.creditNotes.title")} id="merchant-credit-notes">
      {notes.length === 0 ? (
        <p class="merchant-muted">{t("merchant.creditNotes.none")}</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="credit-notes">
            <thead>
              <tr>
                <th scope="col">{t("invoice.number")}</th>
                <th scope="col">{t("merchant.reverse.reason")}</th>
                <th scope="col" class="num">
                  {t("invoice.total")}
                </th>
                <th scope="col" class="num">
                  {t("invoice.tax")}
                </th>
                <th scope="col">{t("merchant.creditNote.status")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("action.downloadPdf")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {notes.map((note) => (
                <tr key={note.id} data-status={note.status}>
                  <th scope="row">{shownNumber(note)}</th>
                  <td>{t(reversalReasonKey(note.reason))}</td>
                  <td class="num">
                    <Money fen={`-${note.total}`} />
                  </td>
                  <td class="num">
                    <Money fen={`-${note.tax}`} />
                  </td>
                  <td>{t(`creditNote.${note.status}` as MessageKey)}</td>
                  <td>
                    <PdfButton kind="creditNote" small id={note.id} number={shownNumber(note)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function History({ events }: { events: LedgerEvent[] }) {
  const { t } = useI18n();
  return (
    <Panel title={t("merchant.history.title")} id="merchant-history">
      {events.length === 0 ? <p class="merchant-muted">{t("view.empty")}</p> : <Timeline events={events} who={(account) => <Hex value={account} />} chain />}
    </Panel>
  );
}

/**
 * 红冲: a red credit note against the invoice, full or partial. The merchant's own refund number is the
 * reference (the API makes it idempotent on it); the key is drawn once per opening of the dialog, so a double
 * click sends one request. Amounts are typed in yuan and sent as fen; whether they fit what is left of the
 * invoice is the API's to say.
 */
function ReverseDialog({ invoice, onCancel, onDone }: { invoice: Invoice; onCancel(): void; onDone(note: CreditNote): void }) {
  const { t } = useI18n();
  const [idempotencyKey] = useState(() => newIdempotencyKey("reverse"));
  const [reference, setReference] = useState("");
  const [reason, setReason] = useState<ReversalReason>("sales-return");
  const [partial, setPartial] = useState(false);
  const [total, setTotal] = useState("");
  const [tax, setTax] = useState("");
  const [local, setLocal] = useState<{ total?: string; tax?: string }>({});
  const reverse = useAction((client, body: Parameters<EInvoiceClient["reverseInvoice"]>[0]["body"]) => client.reverseInvoice({ params: { id: invoice.id }, body, idempotencyKey }));
  const issues = useFieldIssues(reverse.error);
  const known = (path: string) => ["reference", "reason", "total", "tax"].includes(path);

  const confirm = async () => {
    let body: Parameters<EInvoiceClient["reverseInvoice"]>[0]["body"] = { reference: reference.trim(), reason };
    if (partial) {
      const totalFen = fenOfYuan(total);
      const taxFen = fenOfYuan(tax);
      const problems = { ...(totalFen === undefined ? { total: t("field.yuan") } : {}), ...(taxFen === undefined ? { tax: t("field.yuan") } : {}) };
      setLocal(problems);
      if (totalFen === undefined || taxFen === undefined) return;
      body = { ...body, total: totalFen, tax: taxFen };
    } else setLocal({});
    const answer = await reverse.run(body);
    if (answer !== undefined) onDone(answer.creditNote);
  };

  return (
    <ConfirmDialog open title={t("merchant.reverse.title", { number: shownNumber(invoice) })} confirmLabel={reverse.busy ? t("merchant.reverse.working") : t("merchant.reverse.confirm")} busy={reverse.busy} danger onConfirm={() => void confirm()} onCancel={onCancel}>
      <p>{t("merchant.reverse.lead")}</p>
      <Field id="reverse-reference" label={t("merchant.reverse.reference")} hint={t("merchant.reverse.reference.hint")} error={issues.byPath.get("reference")}>
        {(aria) => <input {...aria} name="reference" autocomplete="off" value={reference} onInput={(event) => setReference(event.currentTarget.value)} />}
      </Field>
      <Field id="reverse-reason" label={t("merchant.reverse.reason")} error={issues.byPath.get("reason")}>
        {(aria) => (
          <select {...aria} name="reason" value={reason} onChange={(event) => setReason(event.currentTarget.value as ReversalReason)}>
            {REVERSAL_REASONS.map((value) => (
              <option key={value} value={value}>
                {t(reversalReasonKey(value))}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset class="merchant-choice">
        <legend>{t("merchant.reverse.scope")}</legend>
        <label>
          <input type="radio" name="scope" value="full" checked={!partial} onChange={() => setPartial(false)} /> {t("merchant.reverse.full")} <Money fen={(BigInt(invoice.total) - BigInt(invoice.reversedTotal)).toString()} />
        </label>
        <label>
          <input type="radio" name="scope" value="partial" checked={partial} onChange={() => setPartial(true)} /> {t("merchant.reverse.partial")}
        </label>
      </fieldset>
      {partial ? (
        <div class="grid-2 merchant-dialog-grid">
          <Field id="reverse-total" label={t("merchant.reverse.total")} hint={t("field.yuan")} error={local.total ?? issues.byPath.get("total")}>
            {(aria) => <input {...aria} name="total" inputMode="decimal" value={total} onInput={(event) => setTotal(event.currentTarget.value)} />}
          </Field>
          <Field id="reverse-tax" label={t("merchant.reverse.tax")} hint={t("field.yuan")} error={local.tax ?? issues.byPath.get("tax")}>
            {(aria) => <input {...aria} name="tax" inputMode="decimal" value={tax} onInput={(event) => setTax(event.currentTarget.value)} />}
          </Field>
        </div>
      ) : null}
      <FormRefusal error={reverse.error} unplaced={issues.unplaced(known)} />
    </ConfirmDialog>
  );
}
