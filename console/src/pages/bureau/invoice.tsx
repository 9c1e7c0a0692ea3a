import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { useAction, useResource } from "../../api/use-resource";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Field } from "../../ui/field";
import { FREEZE_REASONS, freezeReasonKey } from "../../format/events";
import { shownNumber } from "../../format/invoice-number";
import { Page, Panel } from "../../ui/page";
import { PdfButton } from "../../ui/pdf-button";
import { Timeline } from "../../ui/timeline";
import { ErrorNotice, Loading, Success } from "../../ui/views";
import { Hex, Money, StateBadge, When } from "../../ui/values";
import { newIdempotencyKey } from "../../api/idempotency";
import { usePeriodText } from "../../ui/period";
import { AccountName, BUREAU_BASE, useNames } from "./common";
import { InvoiceItems } from "../../ui/invoice-items";

type Invoice = Awaited<ReturnType<EInvoiceClient["getInvoice"]>>;
type TraceEvent = Awaited<
  ReturnType<EInvoiceClient["traceInvoice"]>
>["events"][number] &
  Record<string, unknown>;
type CreditNote = Awaited<ReturnType<EInvoiceClient["getCreditNote"]>>;

/** The invoice document as the API serves it (a record of unknowns: read field by field). */
interface DocumentView {
  issuedAt?: string;
  seller?: { name?: string; taxpayerId?: string };
  buyer?: {
    type?: string;
    name?: string | null;
    taxpayerId?: string;
    erased?: boolean;
  };
  items?: {
    name?: string;
    specification?: string;
    unit?: string;
    quantity?: string;
    unitPrice?: string;
    amount?: string;
    taxRate?: number;
    tax?: string;
  }[];
  totals?: { amount?: string; tax?: string; total?: string };
  remarks?: string;
}

const OTHER = "OTHER";
const REASON_CODE = /^[A-Za-z0-9_-]{1,31}$/;

function Parties({
  invoice,
  doc,
}: {
  invoice: Invoice;
  doc: DocumentView | undefined;
}) {
  const { t } = useI18n();
  const names = useNames([invoice.holder, invoice.enterprise]);
  const buyer = doc?.buyer;
  return (
    <dl class="facts">
      <dt>{t("invoice.seller")}</dt>
      <dd>
        {invoice.seller.name ?? doc?.seller?.name ?? (
          <Hex value={invoice.seller.account} />
        )}
        {invoice.seller.taxpayerId === null ? null : (
          <span class="bureau-soft"> · {invoice.seller.taxpayerId}</span>
        )}
      </dd>
      <dt>{t("invoice.buyer")}</dt>
      <dd>
        {buyer?.erased === true
          ? t("bureau.invoice.buyerErased")
          : (buyer?.name ??
            (invoice.buyerTaxId === null ? t("bureau.buyer.individual") : ""))}
        {invoice.buyerTaxId === null ? null : (
          <span class="bureau-soft"> · {invoice.buyerTaxId}</span>
        )}
      </dd>
      <dt>{t("invoice.holder")}</dt>
      <dd>
        <AccountName
          account={invoice.holder}
          name={invoice.holder === null ? null : names[invoice.holder]}
        />
      </dd>
      <dt>{t("bureau.invoice.enterprise")}</dt>
      <dd>
        <AccountName
          account={invoice.enterprise}
          name={invoice.enterprise === null ? null : names[invoice.enterprise]}
        />
      </dd>
    </dl>
  );
}

function Items({ doc }: { doc: DocumentView }) {
  const totals = doc.totals?.amount !== undefined && doc.totals.tax !== undefined ? { amount: doc.totals.amount, tax: doc.totals.tax } : undefined;
  return <InvoiceItems items={doc.items ?? []} totals={totals} />;
}

/** The history with each account by its name (read once per page) and each step's block and transaction. */
function History({ events }: { events: readonly TraceEvent[] }) {
  const names = useNames(events.flatMap((e) => [e.actor, e["enterprise"], e["to"]].filter((a): a is string => typeof a === "string")));
  return <Timeline events={events} who={(account) => <AccountName account={account} name={names[account]} />} chain testId="timeline" />;
}

function CreditNotes({ ids }: { ids: readonly string[] }) {
  const { t } = useI18n();
  const notes = useResource(
    (client, signal) =>
      Promise.all(
        ids.map((id) => client.getCreditNote({ params: { id }, signal })),
      ),
    [ids.join(",")],
  );
  if (notes.status === "error")
    return <ErrorNotice error={notes.error} onRetry={notes.reload} />;
  if (notes.data === undefined) return <Loading />;
  return (
    <div class="table-wrap">
      <table data-testid="credit-notes">
        <caption class="visually-hidden">
          {t("bureau.invoice.creditNotes")}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.number")}</th>
            <th scope="col">{t("bureau.creditNote.reason")}</th>
            <th scope="col" class="num">
              {t("invoice.total")}
            </th>
            <th scope="col" class="num">
              {t("invoice.tax")}
            </th>
            <th scope="col">{t("invoice.state")}</th>
          </tr>
        </thead>
        <tbody>
          {notes.data.map((note: CreditNote) => (
            <tr key={note.id}>
              <th scope="row">{note.printedNumber ?? note.number}</th>
              <td>
                <code>{note.reason}</code>
              </td>
              <td class="num">
                <Money fen={`-${note.total}`} />
              </td>
              <td class="num">
                <Money fen={`-${note.tax}`} />
              </td>
              <td>{t(`creditNote.${note.status}` as MessageKey)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Freeze (with a reason code) or unfreeze: asked first, the API's refusal shown in words. */
function FreezeControl({
  invoice,
  onChanged,
}: {
  invoice: Invoice;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const frozen = invoice.state === "Frozen";
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<string>(FREEZE_REASONS[0]);
  const [other, setOther] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const action = useAction(
    (client, reason: string | undefined, idempotencyKey: string) =>
      reason === undefined
        ? client.unfreezeInvoice({ params: { id: invoice.id }, idempotencyKey })
        : client.freezeInvoice({
            params: { id: invoice.id },
            body: { reason },
            idempotencyKey,
          }),
  );
  const confirm = async () => {
    let reason: string | undefined;
    if (!frozen) {
      reason = choice === OTHER ? other.trim() : choice;
      if (!REASON_CODE.test(reason)) {
        setReasonError(t("bureau.freeze.codeHint"));
        return;
      }
    }
    setReasonError(undefined);
    const answer = await action.run(reason, newIdempotencyKey());
    setOpen(false);
    if (answer !== undefined) {
      setDone(frozen ? t("bureau.freeze.unfrozen") : t("bureau.freeze.frozen"));
      onChanged();
    }
  };
  return (
    <>
      <button
        type="button"
        class={frozen ? "button" : "button button-danger"}
        data-testid={frozen ? "unfreeze" : "freeze"}
        onClick={() => {
          action.clear();
          setDone(undefined);
          setOpen(true);
        }}
      >
        {frozen ? t("bureau.freeze.unfreeze") : t("bureau.freeze.freeze")}
      </button>
      <ConfirmDialog
        open={open}
        title={
          frozen
            ? t("bureau.freeze.unfreezeTitle", { number: invoice.number })
            : t("bureau.freeze.freezeTitle", { number: invoice.number })
        }
        confirmLabel={
          frozen ? t("bureau.freeze.unfreeze") : t("bureau.freeze.freeze")
        }
        danger={!frozen}
        irreversible={false}
        busy={action.busy}
        onCancel={() => setOpen(false)}
        onConfirm={() => void confirm()}
      >
        {frozen ? (
          <p>
            {t("bureau.freeze.unfreezeLead", {
              state:
                invoice.frozenFrom === null
                  ? ""
                  : t(`state.${invoice.frozenFrom}` as MessageKey),
            })}
          </p>
        ) : (
          <>
            <p>{t("bureau.freeze.lead")}</p>
            <Field id="freeze-reason" label={t("bureau.freeze.reason")}>
              {(aria) => (
                <select
                  {...aria}
                  value={choice}
                  onChange={(e) =>
                    setChoice((e.currentTarget as HTMLSelectElement).value)
                  }
                >
                  {FREEZE_REASONS.map((code) => (
                    <option key={code} value={code}>
                      {t(freezeReasonKey(code)!)} ({code})
                    </option>
                  ))}
                  <option value={OTHER}>{t("bureau.reason.OTHER")}</option>
                </select>
              )}
            </Field>
            {choice === OTHER ? (
              <Field
                id="freeze-code"
                label={t("bureau.freeze.code")}
                hint={t("bureau.freeze.codeHint")}
                error={reasonError}
              >
                {(aria) => (
                  <input
                    {...aria}
                    value={other}
                    maxLength={31}
                    autoComplete="off"
                    spellcheck={false}
                    onInput={(e) =>
                      setOther((e.currentTarget as HTMLInputElement).value)
                    }
                  />
                )}
              </Field>
            ) : null}
          </>
        )}
      </ConfirmDialog>
      {action.error === undefined ? null : <ErrorNotice error={action.error} />}
      {done === undefined ? null : <Success>{done}</Success>}
    </>
  );
}

/** One invoice as the bureau sees it: the document, its credit notes, its history, freeze and unfreeze. */
export function InvoicePage({ params }: { params?: { id?: string } }) {
  const { t } = useI18n();
  const periodText = usePeriodText();
  const id = params?.id ?? "";
  // The invoice as the chain holds it (with its document) and its history, read together.
  const trace = useResource(
    async (client, signal) => {
      const [invoice, history] = await Promise.all([
        client.getInvoice({ params: { id }, signal }),
        client.traceInvoice({ params: { id }, signal }),
      ]);
      return { invoice, events: history.events };
    },
    [id],
  );
  const data = trace.data;
  const invoice = data?.invoice;
  const title =
    invoice === undefined
      ? t("bureau.invoice.title")
      : t("bureau.invoice.titleOf", {
          number: invoice.printedNumber ?? invoice.number,
        });
  const docFile = invoice?.document;
  const doc = docFile?.document as DocumentView | undefined;
  const events = (data?.events ?? []) as TraceEvent[];
  const creditNoteIds = [
    ...new Set(
      events
        .map((e) => e["creditNoteId"])
        .filter((x): x is string => typeof x === "string"),
    ),
  ];

  return (
    <Page
      title={title}
      actions={
        invoice === undefined ? undefined : (
          <>
            <PdfButton id={invoice.id} number={shownNumber(invoice)} />
            <FreezeControl invoice={invoice} onChanged={trace.reload} />
          </>
        )
      }
    >
      <p>
        <a href={`${BUREAU_BASE}/search`}>{t("bureau.invoice.back")}</a>
      </p>
      {trace.status === "error" ? (
        <ErrorNotice error={trace.error} onRetry={trace.reload} />
      ) : invoice === undefined ? (
        <Loading />
      ) : (
        <div aria-busy={trace.status === "loading"}>
          <div class="grid-2">
            <Panel title={t("bureau.invoice.facts")} id="invoice-facts">
              <dl class="facts" data-testid="invoice-facts">
                <dt>{t("invoice.state")}</dt>
                <dd data-testid="invoice-state" data-state={invoice.state}>
                  <StateBadge state={invoice.state} />
                  {invoice.frozenFrom === null ? null : (
                    <span class="bureau-soft">
                      {" "}
                      {t("bureau.invoice.frozenFrom", {
                        state: t(`state.${invoice.frozenFrom}` as MessageKey),
                      })}
                    </span>
                  )}
                  {invoice.reversalPending ? (
                    <span class="bureau-soft">
                      {" "}
                      {t("bureau.invoice.reversalPending")}
                    </span>
                  ) : null}
                </dd>
                <dt>{t("bureau.invoice.printedNumber")}</dt>
                <dd>
                  {invoice.printedNumber === null ? (
                    "—"
                  ) : (
                    <code>{invoice.printedNumber}</code>
                  )}
                </dd>
                <dt>{t("bureau.invoice.ledgerNumber")}</dt>
                <dd>{invoice.number}</dd>
                <dt>{t("bureau.invoice.checkCode")}</dt>
                <dd>
                  <code>{invoice.checkCode}</code>
                </dd>
                <dt>{t("invoice.date")}</dt>
                <dd>
                  {doc?.issuedAt === undefined ? (
                    "—"
                  ) : (
                    <When iso={doc.issuedAt} />
                  )}
                </dd>
                <dt>{t("invoice.total")}</dt>
                <dd>
                  <Money fen={invoice.total} />{" "}
                  <span class="bureau-soft">
                    ({t("invoice.tax")} <Money fen={invoice.tax} />)
                  </span>
                </dd>
                {invoice.reversedTotal === "0" ? null : (
                  <>
                    <dt>{t("bureau.invoice.reversed")}</dt>
                    <dd>
                      <Money fen={`-${invoice.reversedTotal}`} />
                    </dd>
                  </>
                )}
                {invoice.filedPeriod === null ? null : (
                  <>
                    <dt>{t("bureau.invoice.filedPeriod")}</dt>
                    <dd>{periodText(invoice.filedPeriod)}</dd>
                  </>
                )}
              </dl>
            </Panel>
            <Panel title={t("bureau.invoice.parties")} id="invoice-parties">
              <Parties invoice={invoice} doc={doc} />
            </Panel>
          </div>
          <Panel title={t("invoice.items")} id="invoice-items">
            {doc === undefined ? (
              <p class="bureau-soft">{t("bureau.invoice.noDocument")}</p>
            ) : (
              <Items doc={doc} />
            )}
            {doc?.remarks === undefined || doc.remarks === "" ? null : (
              <p>
                <strong>{t("invoice.remarks")}：</strong>
                {doc.remarks}
              </p>
            )}
          </Panel>
          {creditNoteIds.length === 0 ? null : (
            <Panel
              title={t("bureau.invoice.creditNotes")}
              id="invoice-credit-notes"
            >
              <CreditNotes ids={creditNoteIds} />
            </Panel>
          )}
          <Panel title={t("bureau.invoice.history")} id="invoice-history">
            <History events={events} />
          </Panel>
        </div>
      )}
    </Page>
  );
}
