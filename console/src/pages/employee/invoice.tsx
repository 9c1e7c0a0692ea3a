import { useRoute } from "preact-iso";
import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { useSignedIn } from "../../api/session";
import { useResource } from "../../api/use-resource";
import { useI18n } from "../../i18n/i18n";
import { lastRejection } from "../../format/events";
import { Page, Panel } from "../../ui/page";
import { PdfButton } from "../../ui/pdf-button";
import { Timeline } from "../../ui/timeline";
import { Hex, Money, StateBadge, When } from "../../ui/values";
import { ResourceView, Success } from "../../ui/views";
import { SubmitButton } from "./actions";
import { useMe } from "./me";
import { employeePath } from "./paths";
import { RejectionNote } from "./rejection";
import "./employee.css";
import { InvoiceItems } from "../../ui/invoice-items";

type Invoice = Awaited<ReturnType<EInvoiceClient["getInvoice"]>>;
type Trace = Awaited<ReturnType<EInvoiceClient["traceInvoice"]>>;

/** The invoice document as the API stores it (api/domain/invoice-document.ts); read defensively, it is JSON. */
interface InvoiceDocument {
  issuedAt?: string;
  seller?: { name?: string; taxpayerId?: string };
  buyer?: { type?: string; name?: string | null; taxpayerId?: string; erased?: boolean };
  items?: { name?: string; specification?: string; unit?: string; quantity?: string; unitPrice?: string; amount?: string; taxRate?: number; tax?: string }[];
  totals?: { amount?: string; tax?: string; total?: string };
  remarks?: string;
}

/** One invoice the employee holds: the document, its PDF, submission, and its history on the ledger. */
export function InvoicePage() {
  const { t } = useI18n();
  const { params } = useRoute();
  const id = params.id ?? "";
  const invoice = useResource((client, signal) => client.getInvoice({ params: { id }, signal }), [id]);
  const trace = useResource((client, signal) => client.traceInvoice({ params: { id }, signal }), [id]);
  const [done, setDone] = useState<string | undefined>(undefined);
  const data = invoice.data;
  const shownNumber = data === undefined ? "" : (data.printedNumber ?? data.number);
  const rejection = data?.state === "Issued" && trace.data !== undefined ? lastRejection(trace.data.events) : undefined;
  const sellerName = data?.seller.name ?? data?.seller.account ?? "";

  return (
    <Page
      title={data === undefined ? t("employee.invoice.title") : t("employee.invoice.titleOf", { number: shownNumber })}
      actions={
        data === undefined ? undefined : (
          <>
            <PdfButton id={data.id} number={shownNumber} />
            {data.state === "Issued" ? (
              <SubmitButton
                primary
                invoice={{ id: data.id, total: data.total, shownNumber, seller: sellerName }}
                onSubmitted={(_, employer) => {
                  setDone(t("employee.submit.done", { employer }));
                  invoice.reload();
                  trace.reload();
                }}
              />
            ) : null}
          </>
        )
      }
    >
      <p>
        <a href={employeePath("/folder")}>{t("employee.invoice.back")}</a>
      </p>
      {done === undefined ? null : <Success>{done}</Success>}
      {rejection === undefined ? null : <RejectionNote event={rejection} />}
      <ResourceView resource={invoice}>{(data) => <InvoiceDetails invoice={data} />}</ResourceView>
      {invoice.status === "error" ? null : (
        <Panel title={t("employee.history.title")} id="history">
          <ResourceView resource={trace} isEmpty={(data) => data.events.length === 0}>
            {(data) => <History trace={data} />}
          </ResourceView>
        </Panel>
      )}
    </Page>
  );
}

function InvoiceDetails({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  const me = useMe();
  const document = (invoice.document?.document ?? {}) as InvoiceDocument;
  const employer = me.data?.employer;
  const enterpriseName =
    invoice.enterprise === null
      ? undefined
      : employer !== undefined && employer.account.toLowerCase() === invoice.enterprise.toLowerCase()
        ? (employer.name ?? invoice.enterprise)
        : invoice.enterprise;
  const reversed = BigInt(invoice.reversedTotal) !== 0n;
  const buyer = document.buyer;
  return (
    <>
      <Panel title={t("employee.invoice.facts")} id="facts">
        <dl class="facts" data-testid="invoice-facts">
          <dt>{t("invoice.state")}</dt>
          <dd>
            <StateBadge state={invoice.state} />
            {invoice.reversalPending ? <span class="employee-aside"> {t("employee.invoice.reversalPending")}</span> : null}
          </dd>
          <dt>{t("invoice.number")}</dt>
          <dd>
            <code>{invoice.printedNumber ?? invoice.number}</code>
          </dd>
          <dt>{t("employee.invoice.checkCode")}</dt>
          <dd>
            <code>{invoice.checkCode}</code>
          </dd>
          {document.issuedAt === undefined ? null : (
            <>
              <dt>{t("invoice.date")}</dt>
              <dd>
                <When iso={document.issuedAt} />
              </dd>
            </>
          )}
          <dt>{t("invoice.seller")}</dt>
          <dd>
            {invoice.seller.name ?? <Hex value={invoice.seller.account} />}
            {invoice.seller.taxpayerId === null ? null : (
              <span class="employee-aside">
                {" "}
                {t("employee.invoice.taxpayerId")} <code>{invoice.seller.taxpayerId}</code>
              </span>
            )}
          </dd>
          {buyer === undefined ? null : (
            <>
              <dt>{t("invoice.buyer")}</dt>
              <dd>
                {buyer.erased === true ? t("employee.invoice.buyerErased") : (buyer.name ?? "")}
                {buyer.taxpayerId === undefined ? null : (
                  <span class="employee-aside">
                    {" "}
                    {t("employee.invoice.taxpayerId")} <code>{buyer.taxpayerId}</code>
                  </span>
                )}
              </dd>
            </>
          )}
          {document.totals?.amount === undefined ? null : (
            <>
              <dt>{t("invoice.amount")}</dt>
              <dd>
                <Money fen={document.totals.amount} />
              </dd>
            </>
          )}
          <dt>{t("invoice.tax")}</dt>
          <dd>
            <Money fen={invoice.tax} />
          </dd>
          <dt>{t("invoice.total")}</dt>
          <dd>
            <strong>
              <Money fen={invoice.total} />
            </strong>
          </dd>
          {reversed ? (
            <>
              <dt>{t("employee.invoice.reversed")}</dt>
              <dd>
                <Money fen={`-${invoice.reversedTotal}`} />
              </dd>
            </>
          ) : null}
          {enterpriseName === undefined ? null : (
            <>
              <dt>{t("employee.invoice.enterprise")}</dt>
              <dd>{enterpriseName}</dd>
            </>
          )}
          {invoice.filedPeriod === null ? null : (
            <>
              <dt>{t("invoice.period")}</dt>
              <dd>{String(invoice.filedPeriod)}</dd>
            </>
          )}
          {document.remarks === undefined || document.remarks === "" ? null : (
            <>
              <dt>{t("invoice.remarks")}</dt>
              <dd>{document.remarks}</dd>
            </>
          )}
          {invoice.state === "Frozen" && invoice.frozenFrom !== null ? (
            <>
              <dt>{t("employee.invoice.frozenFrom")}</dt>
              <dd>
                <StateBadge state={invoice.frozenFrom} />
              </dd>
            </>
          ) : null}
        </dl>
        {invoice.state === "Frozen" ? <p class="employee-note">{t("employee.invoice.frozenNote")}</p> : null}
      </Panel>
      {document.items === undefined || document.items.length === 0 ? null : (
        <Panel title={t("invoice.items")} id="items">
          {/* On a phone each item is a small card (the table would be wider than the screen); from a tablet up, the table. */}
          <ul class="employee-items">
            {document.items.map((item, index) => (
              <li key={index}>
                <p class="employee-item-name">
                  {item.name}
                  {item.specification === undefined ? null : <span class="employee-aside"> {item.specification}</span>}
                </p>
                <p class="employee-item-line">
                  <span>
                    {item.quantity}
                    {item.unit ?? ""} × {item.unitPrice === undefined ? null : <Money fen={item.unitPrice} />}
                  </span>
                  {item.amount === undefined ? null : <Money fen={item.amount} />}
                </p>
                <p class="employee-item-line employee-aside">
                  <span>{t("employee.item.taxOf", { rate: item.taxRate ?? "" })}</span>
                  {item.tax === undefined ? null : <Money fen={item.tax} />}
                </p>
              </li>
            ))}
          </ul>
          <InvoiceItems items={document.items} wrapClass="employee-items-table" labelledBy="items-title" />
        </Panel>
      )}
    </>
  );
}

/** The invoice's history on the ledger, oldest first: each step, who took it (the employee, the employer, the seller by name), when. */
function History({ trace }: { trace: Trace }) {
  const { t } = useI18n();
  const { party } = useSignedIn();
  const me = useMe();
  const employer = me.data?.employer;
  const seller = trace.invoice.seller;
  const who = (account: string) => {
    const lower = account.toLowerCase();
    if (lower === party.account.toLowerCase()) return t("employee.history.you");
    if (employer !== undefined && lower === employer.account.toLowerCase() && employer.name) return employer.name;
    if (lower === seller.account.toLowerCase() && seller.name) return seller.name;
    return <Hex value={account} />;
  };
  return <Timeline events={trace.events} who={who} />;
}
