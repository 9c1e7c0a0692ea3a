import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";

import { useSearchPages } from "../../api/search-pages";
import { shownNumber } from "../../format/invoice-number";
import { useI18n } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/catalogue";
import { Field } from "../../ui/field";
import { useFieldIssues } from "../../ui/field-issues";
import { MoreButton } from "../../ui/more-button";
import { Page, Panel } from "../../ui/page";
import { Money, StateBadge, When } from "../../ui/values";
import { ResourceView } from "../../ui/views";
import { documentOf, merchantPath, type InvoiceListItem } from "./shared";

/** The filters of the list, as the address's query holds them (a reload or the back button keeps them). */
const FILTERS = ["number", "buyerTaxId", "reference", "state", "issuedFrom", "issuedTo"] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Partial<Record<Filter, string>>;

const STATES = ["Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"] as const;
const PAGE_SIZE = "20";

const filtersOf = (query: Record<string, string>): Filters => Object.fromEntries(FILTERS.flatMap((name) => (query[name] ? [[name, query[name]]] : []))) as Filters;

/** 已开发票: the merchant's invoices, filtered as the API's search filters, a page at a time (nextCursor). */
export function InvoicesPage() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const applied = filtersOf(query);
  const key = JSON.stringify(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  useEffect(() => setDraft(applied), [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const pages = useSearchPages({ ...applied, sort: "-number", expand: "document", limit: PAGE_SIZE });
  const issues = useFieldIssues(pages.resource.status === "error" ? pages.resource.error : undefined);

  const apply = (filters: Filters) => {
    const params = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== undefined && value.trim() !== "").map(([name, value]) => [name, value!.trim()]));
    const search = params.toString();
    route(`${merchantPath("/invoices")}${search === "" ? "" : `?${search}`}`);
  };
  const input = (name: Filter, label: MessageKey, type = "text") => (
    <Field id={`filter-${name}`} label={t(label)} error={issues.byPath.get(name)}>
      {(aria) => <input {...aria} name={name} type={type} value={draft[name] ?? ""} onInput={(event) => setDraft({ ...draft, [name]: event.currentTarget.value })} />}
    </Field>
  );

  return (
    <Page
      title={t("merchant.invoices.title")}
      actions={
        <a class="button button-primary" href={merchantPath("/issue")}>
          {t("merchant.issue.title")}
        </a>
      }
    >
      <Panel title={t("merchant.invoices.filters")} id="merchant-filters">
        <form
          role="search"
          aria-label={t("merchant.invoices.filters")}
          onSubmit={(event) => {
            event.preventDefault();
            apply(draft);
          }}
        >
          <div class="filters">
            <Field id="filter-number" label={t("invoice.number")} hint={t("merchant.invoices.number.hint")} error={issues.byPath.get("number")}>
              {(aria) => <input {...aria} name="number" inputMode="numeric" value={draft.number ?? ""} onInput={(event) => setDraft({ ...draft, number: event.currentTarget.value })} />}
            </Field>
            {input("buyerTaxId", "merchant.invoices.buyerTaxId")}
            {input("reference", "merchant.reference")}
            <Field id="filter-state" label={t("invoice.state")} error={issues.byPath.get("state")}>
              {(aria) => (
                <select {...aria} name="state" value={draft.state ?? ""} onChange={(event) => setDraft({ ...draft, state: event.currentTarget.value })}>
                  <option value="">{t("merchant.invoices.anyState")}</option>
                  {STATES.map((state) => (
                    <option key={state} value={state}>
                      {t(`state.${state}` as MessageKey)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {input("issuedFrom", "merchant.invoices.issuedFrom", "date")}
            {input("issuedTo", "merchant.invoices.issuedTo", "date")}
          </div>
          <div class="form-actions">
            <button type="submit" class="button button-primary">
              {t("action.search")}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => {
                setDraft({});
                apply({});
              }}
            >
              {t("action.reset")}
            </button>
          </div>
        </form>
      </Panel>

      <ResourceView resource={pages.resource} isEmpty={(page) => page.invoices.length === 0} empty={Object.keys(applied).length > 0 ? t("merchant.invoices.noMatch") : t("merchant.invoices.none")}>
        {(page) => (
          <>
            <InvoiceTable invoices={page.invoices} />
            <MoreButton pages={pages} count={page.invoices.length} hasMore={page.hasMore} />
          </>
        )}
      </ResourceView>
    </Page>
  );
}

function InvoiceTable({ invoices }: { invoices: InvoiceListItem[] }) {
  const { t } = useI18n();
  return (
    <div class="table-wrap panel merchant-table-panel">
      <table class="merchant-list-table" data-testid="merchant-invoices">
        <caption class="visually-hidden">{t("merchant.invoices.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.number")}</th>
            <th scope="col">{t("invoice.date")}</th>
            <th scope="col">{t("invoice.buyer")}</th>
            <th scope="col">{t("merchant.reference")}</th>
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
          {invoices.map((invoice) => {
            const document = documentOf(invoice.document);
            const buyer = document?.buyer;
            return (
              <tr key={invoice.id} data-invoice-id={invoice.id}>
                <th scope="row">
                  <a href={merchantPath(`/invoices/${invoice.id}`)}>{shownNumber(invoice)}</a>
                </th>
                <td class="merchant-nowrap">
                  <When iso={invoice.issuedAt} />
                </td>
                <td>{buyer === undefined ? "—" : buyer.erased ? t("merchant.buyer.erased") : (buyer.name ?? "—")}</td>
                <td>{document?.reference ?? "—"}</td>
                <td class="num">
                  <Money fen={invoice.total} />
                </td>
                <td class="num">
                  <Money fen={invoice.tax} />
                </td>
                <td>
                  <StateBadge state={invoice.state} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
