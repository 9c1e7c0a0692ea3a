import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";

import { useSearchPages, type ListedInvoice } from "../../api/search-pages";
import { useResource } from "../../api/use-resource";
import { lastRejection } from "../../format/events";
import { shownNumber } from "../../format/invoice-number";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { Page } from "../../ui/page";
import { Money, StateBadge, When } from "../../ui/values";
import { MoreButton } from "../../ui/more-button";
import { ResourceView, Success } from "../../ui/views";
import { SubmitButton } from "./actions";
import { employeePath, invoicePath } from "./paths";
import { RejectionNote } from "./rejection";
import "./employee.css";

type Item = ListedInvoice;

/** The folder's views: each asks the API for the states it names (a rejected invoice is back among the held). */
const VIEWS: readonly { show: string; state?: string; label: MessageKey }[] = [
  { show: "all", label: "employee.folder.show.all" },
  { show: "held", state: "Issued", label: "employee.folder.show.held" },
  { show: "submitted", state: "Locked", label: "employee.folder.show.submitted" },
  { show: "reimbursed", state: "Reimbursed", label: "employee.folder.show.reimbursed" },
  { show: "filed", state: "Filed", label: "employee.folder.show.filed" },
  { show: "other", state: "Reversed,Frozen", label: "employee.folder.show.other" },
];

const PAGE_SIZE = "20";

/**
 * 发票夹: the invoices the employee holds (searchInvoices as the API scopes it to the holder), newest first, one
 * card each (seller, what was bought, date, total, state); a held invoice that the employer sent back says so,
 * with the reason; held ones can be submitted from here.
 */
export function Folder() {
  const { t } = useI18n();
  const { query } = useLocation();
  const view = VIEWS.find((v) => v.show === query.show) ?? VIEWS[0]!;
  const [done, setDone] = useState<string | undefined>(undefined);
  const pages = useSearchPages({ expand: "parties,document", sort: "-issuedAt", limit: PAGE_SIZE, ...(view.state === undefined ? {} : { state: view.state }) });

  return (
    <Page
      title={t("employee.folder.title")}
      actions={
        <a class="button button-primary" href={employeePath("/claim")}>
          {t("employee.folder.claim")}
        </a>
      }
    >
      <nav class="employee-views" aria-label={t("employee.folder.views")}>
        <ul>
          {VIEWS.map((v) => (
            <li key={v.show}>
              <a href={v.show === "all" ? employeePath("/folder") : `${employeePath("/folder")}?show=${v.show}`} aria-current={v === view ? "page" : undefined}>
                {t(v.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {done === undefined ? null : <Success>{done}</Success>}
      <ResourceView
        resource={pages.resource}
        isEmpty={(data) => data.invoices.length === 0}
        empty={
          view.show === "all" ? (
            <>
              {t("employee.folder.empty")} <a href={employeePath("/claim")}>{t("employee.folder.claim")}</a>
            </>
          ) : (
            t("employee.folder.emptyView")
          )
        }
      >
        {(data) => (
          <>
            <ul class="employee-cards" data-testid="folder">
              {data.invoices.map((invoice) => (
                <InvoiceCard
                  key={invoice.id}
                  invoice={invoice}
                  onSubmitted={(employer) => {
                    setDone(t("employee.submit.done", { employer }));
                    pages.reload();
                  }}
                />
              ))}
            </ul>
            <MoreButton pages={pages} count={data.invoices.length} hasMore={data.hasMore} />
          </>
        )}
      </ResourceView>
    </Page>
  );
}

interface DocumentSketch {
  issuedAt?: string;
  items?: { name?: string }[];
}

function InvoiceCard({ invoice, onSubmitted }: { invoice: Item; onSubmitted(employer: string): void }) {
  const { t } = useI18n();
  const seller = invoice.parties?.seller.name ?? invoice.seller;
  const document = invoice.document?.document as DocumentSketch | undefined;
  const items = document?.items ?? [];
  const what = items[0]?.name === undefined ? undefined : items.length > 1 ? t("employee.card.items", { first: items[0].name, count: items.length }) : items[0].name;
  const headingId = `card-${invoice.id}`;
  return (
    <li class="employee-card" data-invoice-id={invoice.id} data-state={invoice.state}>
      <article aria-labelledby={headingId}>
        <div class="employee-card-top">
          <h2 id={headingId} class="employee-card-title">
            <a href={invoicePath(invoice.id)}>{seller}</a>
          </h2>
          <StateBadge state={invoice.state} />
        </div>
        {what === undefined ? null : <p class="employee-card-what">{what}</p>}
        <p class="employee-card-number" data-testid="invoice-number">
          {t("invoice.number")} <code>{shownNumber(invoice)}</code>
        </p>
        <p class="employee-card-line">
          <span class="employee-card-total">
            <Money fen={invoice.total} />
          </span>
          <When iso={invoice.issuedAt} withTime={false} />
        </p>
        {invoice.state === "Issued" ? <HeldExtras invoice={invoice} seller={seller} onSubmitted={onSubmitted} /> : null}
      </article>
    </li>
  );
}

/** A held invoice: whether it came back from the employer (its history says), and the way to submit it. */
function HeldExtras({ invoice, seller, onSubmitted }: { invoice: Item; seller: string; onSubmitted(employer: string): void }) {
  const trace = useResource((client, signal) => client.traceInvoice({ params: { id: invoice.id }, signal }), [invoice.id]);
  const rejection = trace.data === undefined ? undefined : lastRejection(trace.data.events);
  return (
    <>
      {rejection === undefined ? null : <RejectionNote event={rejection} />}
      <div class="employee-card-actions">
        <SubmitButton invoice={{ id: invoice.id, total: invoice.total, shownNumber: shownNumber(invoice), seller }} onSubmitted={(_, employer) => onSubmitted(employer)} />
      </div>
    </>
  );
}
