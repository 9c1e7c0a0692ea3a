import { useState } from "preact/hooks";

import { useSearchPages, type SearchQuery } from "../../api/search-pages";
import { useSignedIn } from "../../api/session";
import { shownNumber } from "../../format/invoice-number";
import { useI18n } from "../../i18n/i18n";
import { Field } from "../../ui/field";
import { Page } from "../../ui/page";
import { Hex, Money, StateBadge, When } from "../../ui/values";
import { MoreButton } from "../../ui/more-button";
import { ResourceView } from "../../ui/views";
import { invoiceHref } from "./common";
import { HolderName } from "./invoice-table";
import "./enterprise.css";

const STATES = ["Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"] as const;

/** 发票池: every invoice titled to the enterprise's taxpayer ID, whoever holds it, by state, page by page. */
export function Pool() {
  const { t } = useI18n();
  const { party } = useSignedIn();
  const [state, setState] = useState("");
  const query: SearchQuery = {
    ...(party.taxpayerId ? { buyerTaxId: party.taxpayerId } : {}),
    ...(state === "" ? {} : { state }),
    // With the document where the API shows it: only then is the enterprise party to the invoice and may open it
    // (the pool lists every invoice titled to it; one its employee has not submitted is listed, not opened).
    expand: "parties,document",
    sort: "-number",
    limit: "50",
  };
  const pages = useSearchPages(query);

  return (
    <Page title={t("enterprise.pool.title")}>
      <p class="ent-lead">{t("enterprise.pool.lead")}</p>
      <form class="panel filters" role="search" aria-label={t("enterprise.pool.filters")} onSubmit={(event) => event.preventDefault()}>
        <Field id="pool-state" label={t("invoice.state")}>
          {(aria) => (
            <select {...aria} value={state} onChange={(event) => setState(event.currentTarget.value)}>
              <option value="">{t("enterprise.pool.allStates")}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`state.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ResourceView resource={pages.resource} isEmpty={(data) => data.invoices.length === 0} empty={t("enterprise.pool.empty")}>
        {(data) => (
          <>
            <div class="table-wrap">
              <table class="ent-wide">
                <caption>{t("enterprise.pool.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("invoice.number")}</th>
                    <th scope="col">{t("invoice.seller")}</th>
                    <th scope="col">{t("invoice.holder")}</th>
                    <th scope="col">{t("invoice.state")}</th>
                    <th scope="col" class="num">
                      {t("invoice.total")}
                    </th>
                    <th scope="col">{t("invoice.date")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.invoices.map((invoice) => (
                    <tr key={invoice.id} data-testid="pool-row" data-invoice-id={invoice.id}>
                      <th scope="row">
                        {invoice.document === undefined ? shownNumber(invoice) : <a href={invoiceHref(invoice.id)}>{shownNumber(invoice)}</a>}
                      </th>
                      <td>{invoice.parties?.seller.name ?? <Hex value={invoice.seller} />}</td>
                      <td>
                        <HolderName invoice={invoice} />
                      </td>
                      <td>
                        <StateBadge state={invoice.state} />
                      </td>
                      <td class="num">
                        <Money fen={invoice.total} />
                      </td>
                      <td>
                        <When iso={invoice.issuedAt} withTime={false} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <MoreButton pages={pages} count={data.invoices.length} hasMore={data.hasMore} />
          </>
        )}
      </ResourceView>
    </Page>
  );
}
