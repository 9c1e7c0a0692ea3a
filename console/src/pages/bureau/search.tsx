import { useLocation } from "preact-iso";
import { useEffect, useMemo, useState } from "preact/hooks";

import { EInvoiceApiError, type EInvoiceClient } from "../../api/client";
import { useSearchPages, type ListedInvoice, type SearchQuery } from "../../api/search-pages";
import { useSession } from "../../api/session";
import { useSettled } from "../../api/use-settled";
import { shownNumber } from "../../format/invoice-number";
import { fenOfYuan } from "../../format/money";
import { monthOfPeriod, periodOfMonth } from "../../format/period";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { Field } from "../../ui/field";
import { MoreButton } from "../../ui/more-button";
import { Page, Panel } from "../../ui/page";
import { Empty, ErrorNotice, Loading } from "../../ui/views";
import { Money, StateBadge, When } from "../../ui/values";
import {
  AccountName,
  BUREAU_BASE,
  invoiceHref,
} from "./common";

type Row = ListedInvoice;

export const INVOICE_STATES = [
  "Issued",
  "Locked",
  "Reimbursed",
  "Filed",
  "Reversed",
  "Frozen",
] as const;
const SORTS = [
  "-issuedAt",
  "issuedAt",
  "-number",
  "number",
  "-total",
  "total",
] as const;
const PAGE_SIZE = "50";

/** The filters as the page's address holds them (so a search can be linked, reloaded, and gone back to). */
interface Filters {
  number: string;
  /** The seller's account (0x…). */
  merchant: string;
  /** The seller's taxpayer ID (every account registered under it). */
  sellerTaxId: string;
  buyerTaxId: string;
  state: string[];
  periodFrom: string;
  periodTo: string;
  issuedFrom: string;
  issuedTo: string;
  minYuan: string;
  maxYuan: string;
  reference: string;
  sort: string;
}

const TEXT_KEYS = [
  "number",
  "merchant",
  "sellerTaxId",
  "buyerTaxId",
  "periodFrom",
  "periodTo",
  "issuedFrom",
  "issuedTo",
  "minYuan",
  "maxYuan",
  "reference",
  "sort",
] as const;

function filtersOf(query: Record<string, string>): Filters {
  const text = (key: string) => (query[key] ?? "").trim();
  return {
    number: text("number"),
    merchant: text("merchant"),
    sellerTaxId: text("sellerTaxId"),
    buyerTaxId: text("buyerTaxId"),
    state:
      text("state") === ""
        ? []
        : text("state")
            .split(",")
            .filter((s) => (INVOICE_STATES as readonly string[]).includes(s)),
    periodFrom: text("periodFrom"),
    periodTo: text("periodTo"),
    issuedFrom: text("issuedFrom"),
    issuedTo: text("issuedTo"),
    minYuan: text("minYuan"),
    maxYuan: text("maxYuan"),
    reference: text("reference"),
    sort: (SORTS as readonly string[]).includes(text("sort"))
      ? text("sort")
      : "-issuedAt",
  };
}

function addressOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const key of TEXT_KEYS) {
    const value = filters[key].trim();
    if (value !== "" && !(key === "sort" && value === "-issuedAt"))
      params.set(key, value);
  }
  if (filters.state.length > 0) params.set("state", filters.state.join(","));
  const text = params.toString();
  return `${BUREAU_BASE}/search${text === "" ? "" : `?${text}`}`;
}

/** The API's query for the filters; amounts in yuan become fen digits here (never a float). */
function apiQueryOf(filters: Filters): SearchQuery {
  const query: SearchQuery = {
    limit: PAGE_SIZE,
    expand: "parties",
    sort: filters.sort as NonNullable<SearchQuery["sort"]>,
  };
  if (filters.number !== "") query.number = filters.number.replace(/\s/g, "");
  if (filters.merchant !== "") query.merchant = filters.merchant;
  if (filters.sellerTaxId !== "")
    query.sellerTaxId = filters.sellerTaxId.toUpperCase();
  if (filters.buyerTaxId !== "")
    query.buyerTaxId = filters.buyerTaxId.toUpperCase();
  if (filters.state.length > 0) query.state = filters.state.join(",");
  if (filters.periodFrom !== "") query.periodFrom = filters.periodFrom;
  if (filters.periodTo !== "") query.periodTo = filters.periodTo;
  if (filters.issuedFrom !== "") query.issuedFrom = filters.issuedFrom;
  if (filters.issuedTo !== "") query.issuedTo = filters.issuedTo;
  if (filters.reference !== "") query.reference = filters.reference;
  const min = filters.minYuan === "" ? undefined : fenOfYuan(filters.minYuan);
  const max = filters.maxYuan === "" ? undefined : fenOfYuan(filters.maxYuan);
  if (min !== undefined) query.totalMin = min;
  if (max !== undefined) query.totalMax = max;
  return query;
}

type Merchant = Awaited<
  ReturnType<EInvoiceClient["listParticipants"]>
>["participants"][number];

/** How many merchants a name's lookup lists (to suggest, or to choose among). */
const MATCHES = "20";
const ACCOUNT = /^0x[0-9a-fA-F]{40}$/;

/** What a person typed in the seller field: an account, a taxpayer ID (18 digits and capitals), or part of a name. */
function sellerKindOf(typed: string): {
  kind: "none" | "account" | "taxId" | "name";
  text: string;
} {
  const text = typed.trim();
  if (text === "") return { kind: "none", text };
  if (ACCOUNT.test(text)) return { kind: "account", text };
  if (/^[0-9A-Za-z]{18}$/.test(text) && /[0-9]/.test(text))
    return { kind: "taxId", text: text.toUpperCase() };
  return { kind: "name", text };
}

/** The registered merchants whose name contains the text (or whose taxpayer ID or account starts with it): the API's `q`. */
function merchantsMatching(
  client: EInvoiceClient,
  q: string,
  signal?: AbortSignal,
): Promise<Merchant[]> {
  return client
    .listParticipants({
      query: { role: "merchant", q, limit: MATCHES },
      ...(signal === undefined ? {} : { signal }),
    })
    .then((answer) => answer.participants);
}

/** Suggestions for the seller field as a person types a name: the API's matches, asked for once typing pauses. */
function useSuggestions(typed: string): Merchant[] {
  const { client } = useSession();
  const [found, setFound] = useState<{ q: string; merchants: Merchant[] }>({
    q: "",
    merchants: [],
  });
  const seller = sellerKindOf(typed);
  const [q] = useSettled(seller.kind === "name" ? seller.text : "");
  useEffect(() => {
    if (q === "") return;
    const controller = new AbortController();
    merchantsMatching(client, q, controller.signal)
      .then((merchants) => {
        if (!controller.signal.aborted) setFound({ q, merchants });
      })
      // Only a suggestion: a refusal here is shown when the search is asked for (the same lookup, on submit).
      .catch((error: unknown) => {
        if (!(error instanceof EInvoiceApiError)) throw error;
      });
    return () => controller.abort();
  }, [client, q]);
  return q === "" ? [] : found.merchants;
}

function SearchForm({ initial }: { initial: Filters }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const { client, ended } = useSession();
  // The seller field shows what the address holds: an account, or a taxpayer ID as it was searched.
  const [form, setForm] = useState<Filters>({
    ...initial,
    merchant: initial.merchant !== "" ? initial.merchant : initial.sellerTaxId,
    sellerTaxId: "",
  });
  const [looking, setLooking] = useState(false);
  const [lookupError, setLookupError] = useState<EInvoiceApiError | undefined>(
    undefined,
  );
  const [choices, setChoices] = useState<Merchant[] | undefined>(undefined);
  const suggestions = useSuggestions(form.merchant);
  const [errors, setErrors] = useState<Partial<Record<keyof Filters, string>>>(
    {},
  );
  const set = (key: keyof Filters) => (event: Event) =>
    setForm((f) => ({
      ...f,
      [key]: (event.currentTarget as HTMLInputElement).value,
    }));
  const toggleState = (state: string) =>
    setForm((f) => ({
      ...f,
      state: f.state.includes(state)
        ? f.state.filter((s) => s !== state)
        : [...f.state, state],
    }));

  // The less used filters stay folded unless one of them is in use.
  const moreSet =
    initial.issuedFrom !== "" ||
    initial.issuedTo !== "" ||
    initial.minYuan !== "" ||
    initial.maxYuan !== "" ||
    initial.sort !== "-issuedAt";
  /** Goes to the search's address, the seller as the API takes it: an account, or a taxpayer ID. */
  const go = (seller: { merchant: string } | { sellerTaxId: string }) =>
    route(
      addressOf({
        ...form,
        merchant: "",
        sellerTaxId: "",
        ...seller,
      }),
    );
  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Partial<Record<keyof Filters, string>> = {};
    for (const key of ["minYuan", "maxYuan"] as const)
      if (form[key].trim() !== "" && fenOfYuan(form[key]) === undefined)
        found[key] = t("field.yuan");
    setErrors(found);
    setChoices(undefined);
    setLookupError(undefined);
    if (Object.keys(found).length > 0) return;
    const seller = sellerKindOf(form.merchant);
    if (seller.kind === "none" || seller.kind === "account")
      return go({ merchant: seller.text });
    if (seller.kind === "taxId") return go({ sellerTaxId: seller.text });
    // A name: the API finds the merchants whose name holds it; one is the seller, several are for the person to choose.
    setLooking(true);
    try {
      const matches = await merchantsMatching(client, seller.text);
      const exact = matches.filter(
        (m) => m.name.toLowerCase() === seller.text.toLowerCase(),
      );
      const only = matches.length === 1 ? matches : exact;
      if (only.length === 1) return go({ merchant: only[0]!.account });
      if (matches.length === 0)
        setErrors({ merchant: t("bureau.search.merchant.unknown") });
      else {
        setErrors({ merchant: t("bureau.search.merchant.several") });
        setChoices(matches);
      }
    } catch (error) {
      if (!(error instanceof EInvoiceApiError)) throw error;
      ended(error);
      setLookupError(error);
    } finally {
      setLooking(false);
    }
  };

  const field = (
    key: keyof Filters,
    label: MessageKey,
    extra: Record<string, unknown> = {},
    hint?: MessageKey,
  ) => (
    <Field
      id={`search-${key}`}
      label={t(label)}
      hint={hint === undefined ? undefined : t(hint)}
      error={errors[key]}
    >
      {(aria) => (
        <input
          {...aria}
          {...extra}
          name={key}
          value={form[key] as string}
          onInput={set(key)}
        />
      )}
    </Field>
  );

  return (
    <form
      onSubmit={(event) => void submit(event)}
      aria-label={t("bureau.search.filters")}
      data-testid="search-form"
    >
      <div class="filters">
        {field(
          "number",
          "bureau.search.number",
          { inputMode: "numeric", autoComplete: "off" },
          "bureau.search.number.hint",
        )}
        <Field
          id="search-merchant"
          label={t("bureau.search.merchant")}
          hint={t("bureau.search.merchant.hint")}
          error={errors.merchant}
        >
          {(aria) => (
            <input
              {...aria}
              name="merchant"
              list="bureau-merchants"
              autoComplete="off"
              value={form.merchant}
              onInput={set("merchant")}
            />
          )}
        </Field>
        <datalist id="bureau-merchants">
          {suggestions.map((m) => (
            <option
              key={m.account}
              value={m.account}
              label={`${m.name}${m.taxpayerId === undefined ? "" : ` · ${m.taxpayerId}`}`}
            />
          ))}
        </datalist>
        {field("buyerTaxId", "bureau.search.buyerTaxId", {
          autoComplete: "off",
          spellcheck: false,
        })}
        {field("reference", "bureau.search.reference", { autoComplete: "off" })}
        <Field id="search-periodFrom" label={t("bureau.search.periodFrom")}>
          {(aria) => (
            <input
              {...aria}
              type="month"
              value={
                form.periodFrom === ""
                  ? ""
                  : monthOfPeriod(Number(form.periodFrom))
              }
              onInput={(e) =>
                setForm((f) => ({
                  ...f,
                  periodFrom: String(
                    periodOfMonth(
                      (e.currentTarget as HTMLInputElement).value,
                    ) ?? "",
                  ),
                }))
              }
            />
          )}
        </Field>
        <Field id="search-periodTo" label={t("bureau.search.periodTo")}>
          {(aria) => (
            <input
              {...aria}
              type="month"
              value={
                form.periodTo === "" ? "" : monthOfPeriod(Number(form.periodTo))
              }
              onInput={(e) =>
                setForm((f) => ({
                  ...f,
                  periodTo: String(
                    periodOfMonth(
                      (e.currentTarget as HTMLInputElement).value,
                    ) ?? "",
                  ),
                }))
              }
            />
          )}
        </Field>
      </div>
      {choices === undefined ? null : (
        <fieldset class="bureau-choices" data-testid="merchant-choices">
          <legend>{t("bureau.search.merchant.choose")}</legend>
          <ul>
            {choices.map((m) => (
              <li key={m.account}>
                <button
                  type="button"
                  class="button button-small"
                  data-account={m.account}
                  onClick={() => go({ merchant: m.account })}
                >
                  {m.name}
                  {m.taxpayerId === undefined ? null : (
                    <>
                      {" · "}
                      <code>{m.taxpayerId}</code>
                    </>
                  )}
                </button>
              </li>
            ))}
          </ul>
          {choices.length >= Number(MATCHES) ? (
            <p class="field-hint">{t("bureau.search.merchant.narrow")}</p>
          ) : null}
        </fieldset>
      )}
      {lookupError === undefined ? null : <ErrorNotice error={lookupError} />}
      <details
        class="bureau-more"
        open={
          moreSet ||
          errors.minYuan !== undefined ||
          errors.maxYuan !== undefined
        }
      >
        <summary>{t("bureau.search.more")}</summary>
        <div class="filters">
          {field("issuedFrom", "bureau.search.issuedFrom", { type: "date" })}
          {field("issuedTo", "bureau.search.issuedTo", { type: "date" })}
          {field("minYuan", "bureau.search.minYuan", {
            inputMode: "decimal",
            autoComplete: "off",
          })}
          {field("maxYuan", "bureau.search.maxYuan", {
            inputMode: "decimal",
            autoComplete: "off",
          })}
          <Field id="search-sort" label={t("bureau.search.sort")}>
            {(aria) => (
              <select {...aria} value={form.sort} onChange={set("sort")}>
                {SORTS.map((sort) => (
                  <option key={sort} value={sort}>
                    {t(`bureau.sort.${sort}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </details>
      <fieldset class="bureau-states">
        <legend>{t("bureau.search.state")}</legend>
        {INVOICE_STATES.map((state) => (
          <label key={state} class="bureau-check">
            <input
              type="checkbox"
              name="state"
              value={state}
              checked={form.state.includes(state)}
              onChange={() => toggleState(state)}
            />
            {t(`state.${state}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      <div class="form-actions">
        <button
          type="submit"
          class="button button-primary"
          disabled={looking}
        >
          {looking ? t("view.loading") : t("action.search")}
        </button>
        <a
          class="button"
          href={`${BUREAU_BASE}/search`}
          onClick={() => setForm(filtersOf({}))}
        >
          {t("action.reset")}
        </a>
      </div>
    </form>
  );
}

function ResultsTable({ rows }: { rows: readonly Row[] }) {
  const { t } = useI18n();
  return (
    <div class="table-wrap">
      <table data-testid="search-results">
        <caption class="visually-hidden">{t("bureau.search.results")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.number")}</th>
            <th scope="col">{t("invoice.date")}</th>
            <th scope="col">{t("invoice.seller")}</th>
            <th scope="col">{t("bureau.search.buyerColumn")}</th>
            <th scope="col" class="num">
              {t("invoice.total")}
            </th>
            <th scope="col">{t("invoice.state")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="invoice-row">
              <th scope="row">
                <a href={invoiceHref(row.id)}>{shownNumber(row)}</a>
              </th>
              <td>
                <When iso={row.issuedAt} />
              </td>
              <td>
                <AccountName
                  account={row.seller}
                  name={row.parties?.seller.name}
                />
              </td>
              <td>
                {typeof row["buyerTaxId"] === "string" ? (
                  <code>{row["buyerTaxId"] as string}</code>
                ) : (
                  t("bureau.buyer.individual")
                )}
              </td>
              <td class="num">
                <Money fen={row.total} />
              </td>
              <td>
                <StateBadge state={row.state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** 发票查询: every filter of the search, pages by the API's cursor (never an offset), the filters in the address. */
export function SearchPage() {
  const { t } = useI18n();
  const { query, url } = useLocation();
  const filters = useMemo(() => filtersOf(query), [url]);
  const apiQuery = useMemo(() => apiQueryOf(filters), [filters]);
  const key = JSON.stringify(apiQuery);
  const pages = useSearchPages(apiQuery);
  const first = pages.resource;
  const rows = first.status === "ready" ? first.data.invoices : [];
  const hasMore = first.status === "ready" && first.data.hasMore;

  return (
    <Page title={t("bureau.search.title")}>
      <Panel title={t("bureau.search.filters")} id="bureau-filters">
        <SearchForm key={url} initial={filters} />
      </Panel>
      <Panel title={t("bureau.search.results")} id="bureau-results">
        {first.status === "error" ? (
          <ErrorNotice error={first.error} onRetry={first.reload} />
        ) : first.status === "loading" ? (
          <Loading />
        ) : rows.length === 0 ? (
          <Empty>{t("bureau.search.none")}</Empty>
        ) : (
          <>
            <p
              class="bureau-count"
              role="status"
              data-testid="result-count"
              data-count={rows.length}
            >
              {!hasMore
                ? t("bureau.search.countAll", { count: rows.length })
                : t("bureau.search.countMore", { count: rows.length })}
            </p>
            <ResultsTable rows={rows} />
            <MoreButton pages={pages} count={rows.length} hasMore={hasMore} />
          </>
        )}
      </Panel>
    </Page>
  );
}
