import { useLocation } from "preact-iso";
import { useMemo, useState } from "preact/hooks";
import type { EChartsCoreOption } from "echarts/core";

import type { EInvoiceClient } from "../../api/client";
import { useResource } from "../../api/use-resource";
import { useI18n } from "../../i18n/i18n";
import { Field } from "../../ui/field";
import { Page, Panel } from "../../ui/page";
import { Empty, ErrorNotice, Loading } from "../../ui/views";
import { Money } from "../../ui/values";
import { Chart } from "./chart";
import { currentPeriod, monthOfPeriod, periodOfMonth, shiftPeriod } from "../../format/period";
import { usePeriodText } from "../../ui/period";
import { AccountName, BUREAU_BASE, useNames } from "./common";

type Totals = Awaited<ReturnType<EInvoiceClient["getTotals"]>>;
type Series = Awaited<ReturnType<EInvoiceClient["getSeries"]>>;
/** One group of GET /v1/reports/totals?groupBy=… (fen as digit strings). */
interface Group {
  merchant?: string;
  period?: number;
  taxRate?: number | null;
  invoices: number;
  amount?: string;
  tax: string;
  total: string;
  reversedTotal?: string;
}

const MAX_MONTHS = 12;
const TOP = [5, 10, 20] as const;
const GROUP_LIMIT = "10000";

/** Figures the charts draw: yuan as a number for the picture only; every table shows the exact fen as yuan. */
const drawn = (fen: string) => Number(BigInt(fen)) / 100;

interface Sum {
  invoices: number;
  total: bigint;
  tax: bigint;
  reversed: bigint;
}
const zero = (): Sum => ({ invoices: 0, total: 0n, tax: 0n, reversed: 0n });
function addTo(sum: Sum, group: Group): Sum {
  return {
    invoices: sum.invoices + group.invoices,
    total: sum.total + BigInt(group.total),
    tax: sum.tax + BigInt(group.tax),
    reversed: sum.reversed + BigInt(group.reversedTotal ?? "0"),
  };
}

/** First and last day (YYYY-MM-DD) of a range of periods, for the daily series. */
function daysOf(from: number, to: number): { from: string; to: string } {
  const next = shiftPeriod(to, 1);
  const lastDay = new Date(
    Date.UTC(Math.floor(next / 100), (next % 100) - 1, 1) - 86_400_000,
  ).getUTCDate();
  return {
    from: `${monthOfPeriod(from)}-01`,
    to: `${monthOfPeriod(to)}-${String(lastDay).padStart(2, "0")}`,
  };
}

interface DashboardData {
  periods: { period: number; sum: Sum }[];
  merchants: { merchant: string; sum: Sum }[];
  rates: { rate: number | null; sum: Sum }[];
  series: Series["days"];
  truncated: boolean;
  overall: Sum;
}

async function loadDashboard(
  client: EInvoiceClient,
  from: number,
  to: number,
  signal: AbortSignal,
): Promise<DashboardData> {
  const grouped = (groupBy: string) =>
    client.getTotals({ query: { groupBy, limit: GROUP_LIMIT }, signal });
  const [byPeriod, byMerchant, byRate, series] = await Promise.all([
    grouped("period"),
    grouped("merchant,period"),
    grouped("taxRate,period"),
    client.getSeries({ query: daysOf(from, to), signal }),
  ]);
  const inRange = (answer: Totals) =>
    (answer.totals as Group[]).filter(
      (g) => g.period !== undefined && g.period >= from && g.period <= to,
    );
  const sumBy = <K,>(groups: Group[], keyOf: (g: Group) => K) => {
    const sums = new Map<K, Sum>();
    for (const group of groups)
      sums.set(keyOf(group), addTo(sums.get(keyOf(group)) ?? zero(), group));
    return sums;
  };
  const periodSums = sumBy(inRange(byPeriod), (g) => g.period!);
  const periods: DashboardData["periods"] = [];
  for (let p = from; p <= to; p = shiftPeriod(p, 1))
    periods.push({ period: p, sum: periodSums.get(p) ?? zero() });
  const merchants = [...sumBy(inRange(byMerchant), (g) => g.merchant ?? "")]
    .map(([merchant, sum]) => ({ merchant, sum }))
    .sort((a, b) =>
      b.sum.total > a.sum.total ? 1 : b.sum.total < a.sum.total ? -1 : 0,
    );
  const rates = [...sumBy(inRange(byRate), (g) => g.taxRate ?? null)]
    .map(([rate, sum]) => ({ rate, sum }))
    .sort((a, b) => (a.rate ?? -1) - (b.rate ?? -1));
  const overall = periods.reduce(
    (sum, p) => ({
      invoices: sum.invoices + p.sum.invoices,
      total: sum.total + p.sum.total,
      tax: sum.tax + p.sum.tax,
      reversed: sum.reversed + p.sum.reversed,
    }),
    zero(),
  );
  const truncated = [byPeriod, byMerchant, byRate].some(
    (answer) => answer.truncated === true,
  );
  return { periods, merchants, rates, series: series.days, truncated, overall };
}

function RangeForm({ from, to }: { from: number; to: number }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const [fromText, setFrom] = useState(monthOfPeriod(from));
  const [toText, setTo] = useState(monthOfPeriod(to));
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <form
      class="filters"
      aria-label={t("bureau.dashboard.range")}
      onSubmit={(event) => {
        event.preventDefault();
        const a = periodOfMonth(fromText);
        const b = periodOfMonth(toText);
        if (
          a === undefined ||
          b === undefined ||
          a > b ||
          shiftPeriod(a, MAX_MONTHS - 1) < b
        ) {
          setError(t("bureau.dashboard.rangeHint", { months: MAX_MONTHS }));
          return;
        }
        setError(undefined);
        route(`${BUREAU_BASE}/dashboard?from=${a}&to=${b}`);
      }}
    >
      <Field id="dash-from" label={t("bureau.dashboard.from")}>
        {(aria) => (
          <input
            {...aria}
            type="month"
            value={fromText}
            required
            onInput={(e) =>
              setFrom((e.currentTarget as HTMLInputElement).value)
            }
          />
        )}
      </Field>
      <Field id="dash-to" label={t("bureau.dashboard.to")} error={error}>
        {(aria) => (
          <input
            {...aria}
            type="month"
            value={toText}
            required
            onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)}
          />
        )}
      </Field>
      <div class="field">
        <button type="submit" class="button button-primary">
          {t("bureau.dashboard.show")}
        </button>
      </div>
    </form>
  );
}

function SumCells({ sum }: { sum: Sum }) {
  return (
    <>
      <td class="num">{sum.invoices}</td>
      <td class="num">
        <Money fen={sum.total} />
      </td>
      <td class="num">
        <Money fen={sum.tax} />
      </td>
    </>
  );
}

function SumHead({ first }: { first: string }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col" class="num">
          {t("bureau.dashboard.invoices")}
        </th>
        <th scope="col" class="num">
          {t("invoice.total")}
        </th>
        <th scope="col" class="num">
          {t("invoice.tax")}
        </th>
      </tr>
    </thead>
  );
}

function Figures({ data, top }: { data: DashboardData; top: number }) {
  const { t } = useI18n();
  const periodText = usePeriodText();
  const leaders = data.merchants.slice(0, top);
  const names = useNames(leaders.map((m) => m.merchant));
  const nameOf = (account: string) =>
    names[account] ?? `${account.slice(0, 8)}…`;
  const rateText = (rate: number | null) =>
    rate === null ? t("bureau.dashboard.noRate") : `${rate}%`;
  const yuanLabel = t("bureau.dashboard.yuanAxis");

  const periodOption = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
      xAxis: {
        type: "category",
        data: data.periods.map((p) => periodText(p.period)),
      },
      yAxis: [
        { type: "value", name: yuanLabel },
        { type: "value", name: t("bureau.dashboard.invoices"), minInterval: 1 },
      ],
      series: [
        {
          name: t("invoice.total"),
          type: "bar",
          data: data.periods.map((p) => drawn(p.sum.total.toString())),
          itemStyle: { color: "#9b1c1c" },
        },
        {
          name: t("bureau.dashboard.invoices"),
          type: "line",
          yAxisIndex: 1,
          data: data.periods.map((p) => p.sum.invoices),
          itemStyle: { color: "#1d4ed8" },
        },
      ],
    }),
    [data, t],
  );
  const dayOption = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 40, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: data.series.map((d) => d.day) },
      yAxis: { type: "value", name: yuanLabel },
      series: [
        {
          name: t("invoice.total"),
          type: "line",
          showSymbol: false,
          areaStyle: { opacity: 0.15 },
          data: data.series.map((d) => drawn(d.total)),
          itemStyle: { color: "#9b1c1c" },
        },
      ],
    }),
    [data, t],
  );
  const merchantOption = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: "value", name: yuanLabel },
      yAxis: {
        type: "category",
        inverse: true,
        data: leaders.map((m) => nameOf(m.merchant)),
        axisLabel: { width: 140, overflow: "truncate" },
      },
      series: [
        {
          name: t("invoice.total"),
          type: "bar",
          data: leaders.map((m) => drawn(m.sum.total.toString())),
          itemStyle: { color: "#1d4ed8" },
        },
      ],
    }),
    [data, top, names, t],
  );
  const rateOption = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [
        {
          name: t("invoice.total"),
          type: "pie",
          radius: ["35%", "65%"],
          data: data.rates.map((r) => ({
            name: rateText(r.rate),
            value: drawn(r.sum.total.toString()),
          })),
        },
      ],
    }),
    [data, t],
  );

  return (
    <>
      <Panel title={t("bureau.dashboard.overall")} id="dash-overall">
        <dl class="bureau-stats" data-testid="dashboard-overall">
          <div>
            <dt>{t("bureau.dashboard.invoices")}</dt>
            <dd>{data.overall.invoices}</dd>
          </div>
          <div>
            <dt>{t("invoice.total")}</dt>
            <dd>
              <Money fen={data.overall.total} />
            </dd>
          </div>
          <div>
            <dt>{t("invoice.tax")}</dt>
            <dd>
              <Money fen={data.overall.tax} />
            </dd>
          </div>
          <div>
            <dt>{t("bureau.dashboard.reversed")}</dt>
            <dd>
              <Money fen={data.overall.reversed} />
            </dd>
          </div>
        </dl>
        {data.truncated ? (
          <p class="notice notice-info">{t("bureau.dashboard.truncated")}</p>
        ) : null}
      </Panel>
      <Panel title={t("bureau.dashboard.byPeriod")} id="dash-period">
        <Chart
          option={periodOption}
          label={t("bureau.dashboard.byPeriod.label")}
          testId="chart-period"
        >
          <div class="table-wrap">
            <table data-testid="figures-period">
              <caption>{t("bureau.dashboard.byPeriod")}</caption>
              <SumHead first={t("invoice.period")} />
              <tbody>
                {data.periods.map((p) => (
                  <tr key={p.period}>
                    <th scope="row">{periodText(p.period)}</th>
                    <SumCells sum={p.sum} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Chart>
      </Panel>
      <Panel title={t("bureau.dashboard.byDay")} id="dash-day">
        <Chart
          option={dayOption}
          label={t("bureau.dashboard.byDay.label")}
          testId="chart-day"
        >
          <div class="table-wrap">
            <table>
              <caption>{t("bureau.dashboard.byDay")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("bureau.dashboard.day")}</th>
                  <th scope="col" class="num">
                    {t("bureau.dashboard.invoices")}
                  </th>
                  <th scope="col" class="num">
                    {t("invoice.total")}
                  </th>
                  <th scope="col" class="num">
                    {t("invoice.tax")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.series
                  .filter((d) => d.invoices > 0)
                  .map((d) => (
                    <tr key={d.day}>
                      <th scope="row">{d.day}</th>
                      <td class="num">{d.invoices}</td>
                      <td class="num">
                        <Money fen={d.total} />
                      </td>
                      <td class="num">
                        <Money fen={d.tax} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </Chart>
      </Panel>
      <div class="grid-2">
        <Panel
          title={t("bureau.dashboard.byMerchant", { top })}
          id="dash-merchant"
        >
          {leaders.length === 0 ? (
            <Empty />
          ) : (
            <Chart
              option={merchantOption}
              label={t("bureau.dashboard.byMerchant.label", { top })}
              testId="chart-merchant"
            >
              <div class="table-wrap">
                <table>
                  <caption>{t("bureau.dashboard.byMerchant", { top })}</caption>
                  <SumHead first={t("invoice.seller")} />
                  <tbody>
                    {leaders.map((m) => (
                      <tr key={m.merchant}>
                        <th scope="row">
                          <AccountName
                            account={m.merchant}
                            name={names[m.merchant]}
                          />
                        </th>
                        <SumCells sum={m.sum} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Chart>
          )}
        </Panel>
        <Panel title={t("bureau.dashboard.byRate")} id="dash-rate">
          {data.rates.length === 0 ? (
            <Empty />
          ) : (
            <Chart
              option={rateOption}
              label={t("bureau.dashboard.byRate.label")}
              testId="chart-rate"
            >
              <div class="table-wrap">
                <table>
                  <caption>{t("bureau.dashboard.byRate")}</caption>
                  <SumHead first={t("bureau.item.rate")} />
                  <tbody>
                    {data.rates.map((r) => (
                      <tr key={String(r.rate)}>
                        <th scope="row">{rateText(r.rate)}</th>
                        <SumCells sum={r.sum} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p class="field-hint">{t("bureau.dashboard.byRate.note")}</p>
            </Chart>
          )}
        </Panel>
      </div>
    </>
  );
}

/** 统计: totals by period, by day, by merchant (top N) and by tax rate for a range of periods. */
export function DashboardPage() {
  const { t } = useI18n();
  const { query, url } = useLocation();
  const now = currentPeriod();
  const to = Number(query["to"]) >= 197001 ? Number(query["to"]) : now;
  const from =
    Number(query["from"]) >= 197001 && Number(query["from"]) <= to
      ? Number(query["from"])
      : shiftPeriod(to, -5);
  const [top, setTop] = useState<number>(10);
  const data = useResource(
    (client, signal) => loadDashboard(client, from, to, signal),
    [from, to],
  );
  const periodText = usePeriodText();

  return (
    <Page title={t("bureau.dashboard.title")}>
      <Panel title={t("bureau.dashboard.range")} id="dash-range">
        <RangeForm key={url} from={from} to={to} />
        <Field id="dash-top" label={t("bureau.dashboard.top")}>
          {(aria) => (
            <select
              {...aria}
              class="input bureau-narrow"
              value={String(top)}
              onChange={(e) =>
                setTop(Number((e.currentTarget as HTMLSelectElement).value))
              }
            >
              {TOP.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p class="field-hint">
          {t("bureau.dashboard.shown", {
            from: periodText(from),
            to: periodText(to),
          })}
        </p>
      </Panel>
      {data.status === "error" ? (
        <ErrorNotice error={data.error} onRetry={data.reload} />
      ) : data.data === undefined ? (
        <Loading />
      ) : (
        <div aria-busy={data.status === "loading"}>
          <Figures data={data.data} top={top} />
        </div>
      )}
    </Page>
  );
}
