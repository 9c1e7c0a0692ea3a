import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { useAction, useResource } from "../../api/use-resource";
import { useI18n } from "../../i18n/i18n";
import { Page, Panel } from "../../ui/page";
import { Empty, ErrorNotice, Loading } from "../../ui/views";
import { Money, StateBadge, When } from "../../ui/values";
import { usePeriodText } from "../../ui/period";
import { AccountName, invoiceHref, useNames } from "./common";

type Anomalies = Awaited<ReturnType<EInvoiceClient["getAnomalies"]>>;
type Refusal = Awaited<
  ReturnType<EInvoiceClient["listRefusals"]>
>["refusals"][number];

const REFUSALS_PAGE = "50";

/** Ratios come as decimals with 4 places ("0.8975"): shown as a percentage, by moving the point, not by floats. */
function percentText(ratio: string | null): string {
  if (ratio === null) return "—";
  const [whole = "0", fraction = ""] = ratio.split(".");
  const digits = `${whole}${fraction.padEnd(4, "0")}`.replace(
    /^0+(?=\d{3})/,
    "",
  );
  return `${digits.slice(0, -2)}.${digits.slice(-2)}%`;
}

function InvoiceLink({ id, number }: { id: string; number: string | null }) {
  return number === null ? (
    <code>{id.slice(0, 10)}…</code>
  ) : (
    <a href={invoiceHref(id)}>{number}</a>
  );
}

function Accounts({
  accounts,
  names,
}: {
  accounts: readonly string[];
  names: Record<string, string | null>;
}) {
  return (
    <ul class="bureau-plain-list">
      {accounts.map((account) => (
        <li key={account}>
          <AccountName account={account} name={names[account]} />
        </li>
      ))}
    </ul>
  );
}

function Repeated({ items }: { items: Anomalies["repeatedAttempts"] }) {
  const { t } = useI18n();
  const names = useNames(
    items.flatMap((i) => [...i.enterprises, ...i.accounts]),
  );
  if (items.length === 0) return <Empty>{t("bureau.anomalies.none")}</Empty>;
  return (
    <div class="table-wrap">
      <table data-testid="repeated-attempts">
        <caption class="visually-hidden">
          {t("bureau.anomalies.repeated")}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.number")}</th>
            <th scope="col">{t("invoice.state")}</th>
            <th scope="col" class="num">
              {t("bureau.anomalies.attempts")}
            </th>
            <th scope="col">{t("bureau.anomalies.enterprises")}</th>
            <th scope="col">{t("bureau.anomalies.who")}</th>
            <th scope="col">{t("bureau.anomalies.codes")}</th>
            <th scope="col">{t("bureau.anomalies.last")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr
              key={item.invoiceId}
              class={item.crossEnterprise ? "bureau-alert-row" : undefined}
            >
              <th scope="row">
                <InvoiceLink id={item.invoiceId} number={item.number} />
                {item.crossEnterprise ? (
                  <span class="badge badge-reversed bureau-flag">
                    {t("bureau.anomalies.cross")}
                  </span>
                ) : null}
              </th>
              <td>
                {item.state === null ? "—" : <StateBadge state={item.state} />}
              </td>
              <td class="num">{item.attempts}</td>
              <td>
                <Accounts accounts={item.enterprises} names={names} />
              </td>
              <td>
                <Accounts accounts={item.accounts} names={names} />
              </td>
              <td>
                {item.codes.map((code) => (
                  <code key={code} class="bureau-code">
                    {code}
                  </code>
                ))}
              </td>
              <td>
                <When iso={item.lastAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LockedTooLong({ items }: { items: Anomalies["lockedTooLong"] }) {
  const { t } = useI18n();
  const names = useNames(items.flatMap((i) => [i.holder, i.enterprise]));
  if (items.length === 0) return <Empty>{t("bureau.anomalies.none")}</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">
          {t("bureau.anomalies.locked")}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.number")}</th>
            <th scope="col">{t("invoice.holder")}</th>
            <th scope="col">{t("bureau.invoice.enterprise")}</th>
            <th scope="col">{t("bureau.anomalies.lockedSince")}</th>
            <th scope="col" class="num">
              {t("bureau.anomalies.days")}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.invoiceId}>
              <th scope="row">
                <InvoiceLink id={item.invoiceId} number={item.number} />
              </th>
              <td>
                <AccountName
                  account={item.holder}
                  name={item.holder === null ? null : names[item.holder]}
                />
              </td>
              <td>
                <AccountName
                  account={item.enterprise}
                  name={
                    item.enterprise === null ? null : names[item.enterprise]
                  }
                />
              </td>
              <td>
                <When iso={item.lockedSince} />
              </td>
              <td class="num">{item.days}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Reversals({ items }: { items: Anomalies["highReversalRatio"] }) {
  const { t } = useI18n();
  const names = useNames(items.map((i) => i.merchant));
  if (items.length === 0) return <Empty>{t("bureau.anomalies.none")}</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">
          {t("bureau.anomalies.reversals")}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.seller")}</th>
            <th scope="col" class="num">
              {t("bureau.dashboard.invoices")}
            </th>
            <th scope="col" class="num">
              {t("invoice.total")}
            </th>
            <th scope="col" class="num">
              {t("bureau.dashboard.reversed")}
            </th>
            <th scope="col" class="num">
              {t("bureau.anomalies.ratio")}
            </th>
            <th scope="col">{t("bureau.anomalies.examples")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.merchant}>
              <th scope="row">
                <AccountName
                  account={item.merchant}
                  name={names[item.merchant]}
                />
              </th>
              <td class="num">{item.invoices}</td>
              <td class="num">
                <Money fen={item.total} />
              </td>
              <td class="num">
                <Money fen={item.reversedTotal} />
              </td>
              <td class="num">{percentText(item.ratio)}</td>
              <td>
                {item.reversedInvoiceIds.map((id, i) => (
                  <span key={id}>
                    {i === 0 ? null : "、"}
                    <a href={invoiceHref(id)}>
                      {t("bureau.anomalies.invoiceN", { n: i + 1 })}
                    </a>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Quotas({ items }: { items: Anomalies["quotasNearlyUsed"] }) {
  const { t } = useI18n();
  const periodText = usePeriodText();
  const names = useNames(items.map((i) => i.merchant));
  if (items.length === 0) return <Empty>{t("bureau.anomalies.none")}</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">
          {t("bureau.anomalies.quotas")}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.seller")}</th>
            <th scope="col">{t("invoice.period")}</th>
            <th scope="col" class="num">
              {t("bureau.quota.granted")}
            </th>
            <th scope="col" class="num">
              {t("bureau.quota.used")}
            </th>
            <th scope="col" class="num">
              {t("bureau.anomalies.ratio")}
            </th>
            <th scope="col" class="num">
              {t("bureau.anomalies.quotaRefusals")}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.merchant}-${item.period}`}>
              <th scope="row">
                <AccountName
                  account={item.merchant}
                  name={names[item.merchant]}
                />
              </th>
              <td>{periodText(item.period)}</td>
              <td class="num">
                <Money fen={item.granted} />
              </td>
              <td class="num">
                <Money fen={item.used} />
              </td>
              <td class="num">{percentText(item.ratio)}</td>
              <td class="num">{item.refusals}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The audit of refused lifecycle attempts, oldest first as the API keeps it, continued page by page. */
function RefusalsPanel() {
  const { t } = useI18n();
  const first = useResource(
    (client, signal) =>
      client.listRefusals({ query: { limit: REFUSALS_PAGE }, signal }),
    [],
  );
  const [more, setMore] = useState<{ rows: Refusal[]; ended: boolean }>({
    rows: [],
    ended: false,
  });
  const next = useAction((client, after: string) =>
    client.listRefusals({ query: { limit: REFUSALS_PAGE, after } }),
  );
  const rows = [...(first.data?.refusals ?? []), ...more.rows];
  const names = useNames(rows.map((r) => r.account));
  const ended =
    more.rows.length === 0
      ? (first.data?.refusals.length ?? 0) < Number(REFUSALS_PAGE)
      : more.ended;

  if (first.status === "error")
    return <ErrorNotice error={first.error} onRetry={first.reload} />;
  if (first.data === undefined) return <Loading />;
  if (rows.length === 0) return <Empty>{t("bureau.refusals.none")}</Empty>;
  const loadMore = async () => {
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    const page = await next.run(last.id);
    if (page !== undefined)
      setMore((m) => ({
        rows: [...m.rows, ...page.refusals],
        ended: page.refusals.length < Number(REFUSALS_PAGE),
      }));
  };
  return (
    <>
      <div class="table-wrap">
        <table data-testid="refusals">
          <caption class="visually-hidden">
            {t("bureau.refusals.title")}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("bureau.refusals.at")}</th>
              <th scope="col">{t("bureau.anomalies.who")}</th>
              <th scope="col">{t("bureau.refusals.action")}</th>
              <th scope="col">{t("invoice.number")}</th>
              <th scope="col">{t("bureau.refusals.code")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">
                  <When iso={row.at} />
                </th>
                <td>
                  <AccountName
                    account={row.account}
                    name={names[row.account]}
                  />
                </td>
                <td>
                  <code>{row.action}</code>
                </td>
                <td>
                  {row.invoiceId === null ? (
                    "—"
                  ) : (
                    <InvoiceLink
                      id={row.invoiceId}
                      number={row.invoiceNumber}
                    />
                  )}
                </td>
                <td>
                  <code>{row.code}</code>{" "}
                  <span class="bureau-soft">({row.status})</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next.error === undefined ? null : <ErrorNotice error={next.error} />}
      {ended ? null : (
        <div class="form-actions">
          <button
            type="button"
            class="button"
            disabled={next.busy}
            onClick={() => void loadMore()}
          >
            {next.busy ? t("view.loading") : t("action.more")}
          </button>
        </div>
      )}
    </>
  );
}

/** 异常: what the bureau should look at, repeated reimbursement attempts across enterprises first; then the refusal audit. */
export function AnomaliesPage() {
  const { t } = useI18n();
  const anomalies = useResource(
    (client, signal) => client.getAnomalies({ signal }),
    [],
  );
  const data = anomalies.data;
  return (
    <Page
      title={t("bureau.anomalies.title")}
      actions={
        <button type="button" class="button" onClick={anomalies.reload}>
          {t("bureau.anomalies.refresh")}
        </button>
      }
    >
      {anomalies.status === "error" ? (
        <ErrorNotice error={anomalies.error} onRetry={anomalies.reload} />
      ) : data === undefined ? (
        <Loading />
      ) : (
        <div aria-busy={anomalies.status === "loading"} data-testid="anomalies">
          <p class="field-hint">
            {t("bureau.anomalies.generated")} <When iso={data.generatedAt} />
          </p>
          <Panel title={t("bureau.anomalies.repeated")} id="anomaly-repeated">
            <p class="field-hint">{t("bureau.anomalies.repeated.hint")}</p>
            <Repeated items={data.repeatedAttempts} />
          </Panel>
          <Panel title={t("bureau.anomalies.locked")} id="anomaly-locked">
            <LockedTooLong items={data.lockedTooLong} />
          </Panel>
          <div class="grid-2">
            <Panel
              title={t("bureau.anomalies.reversals")}
              id="anomaly-reversals"
            >
              <Reversals items={data.highReversalRatio} />
            </Panel>
            <Panel title={t("bureau.anomalies.quotas")} id="anomaly-quotas">
              <Quotas items={data.quotasNearlyUsed} />
            </Panel>
          </div>
        </div>
      )}
      <Panel title={t("bureau.refusals.title")} id="refusals">
        <RefusalsPanel />
      </Panel>
    </Page>
  );
}
