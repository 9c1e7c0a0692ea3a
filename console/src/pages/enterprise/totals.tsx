import { useCallback, useState } from "preact/hooks";

import { EInvoiceApiError, type EInvoiceClient } from "../../api/client";
import { saveFile } from "../../api/download";
import { useSession } from "../../api/session";
import { useResource } from "../../api/use-resource";
import { shownNumber } from "../../format/invoice-number";
import { currentPeriod, monthOfPeriod, periodOfMonth } from "../../format/period";
import { useI18n } from "../../i18n/i18n";
import { MoreButton } from "../../ui/more-button";
import { Page, Panel } from "../../ui/page";
import { PeriodPicker, usePeriodText } from "../../ui/period";
import { Hex, Money, When } from "../../ui/values";
import { ErrorNotice, ResourceView } from "../../ui/views";
import { csvLine, invoiceHref, plainYuan } from "./common";
import "./enterprise.css";

type Settlements = Awaited<ReturnType<EInvoiceClient["getSettlements"]>>;
type Row = Settlements["rows"][number];

/** Rows a page shows at a time, and read at a time for the file (the API's largest page). */
const PAGE_ROWS = "100";
const FILE_PAGE_ROWS = "500";

const amountOf = (row: Row) => (BigInt(row.total) - BigInt(row.tax)).toString();

/**
 * The period's report (GET /v1/reports/settlements): its totals, as the API sums them over the whole period,
 * and its rows page by page ("load more" by the answer's nextCursor). A new period starts over.
 */
function useSettlements(period: number | undefined) {
  const first = useResource((client, signal) => (period === undefined ? Promise.resolve(undefined) : client.getSettlements({ query: { period: String(period), limit: PAGE_ROWS }, signal })), [period]);
  const { client, ended } = useSession();
  const [more, setMore] = useState<{ base: unknown; rows: Row[]; nextCursor: string | null }>({ base: undefined, rows: [], nextCursor: null });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<EInvoiceApiError | undefined>(undefined);
  // Further pages belong to the first page they continue: a new first page (another period, a reload) starts over.
  const extra = more.base === first.data ? more : { base: first.data, rows: [], nextCursor: first.data?.nextCursor ?? null };

  const loadMore = useCallback(() => {
    const cursor = extra.nextCursor;
    if (cursor === null || loadingMore || period === undefined) return;
    setLoadingMore(true);
    setMoreError(undefined);
    client
      .getSettlements({ query: { period: String(period), limit: PAGE_ROWS, cursor } })
      .then((page) => setMore({ base: extra.base, rows: [...extra.rows, ...page.rows], nextCursor: page.nextCursor }))
      .catch((error: unknown) => {
        if (!(error instanceof EInvoiceApiError)) throw error;
        ended(error);
        setMoreError(error);
      })
      .finally(() => setLoadingMore(false));
  }, [client, ended, extra, loadingMore, period]);

  const data = first.data === undefined ? undefined : { totals: first.data.totals, rows: [...first.data.rows, ...extra.rows], hasMore: extra.nextCursor !== null };
  return { resource: { ...first, data }, pages: { loadMore, loadingMore, moreError } };
}

/** Every row of the period's report, page after page (for the file: the whole period, not what is shown). */
async function allRows(client: EInvoiceClient, period: number): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page: Settlements = await client.getSettlements({ query: { period: String(period), limit: FILE_PAGE_ROWS, ...(cursor === null ? {} : { cursor }) } });
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return rows;
}

/** 统计: counts and sums of one period's reimbursements and filings, the invoices behind them, and all of them as a CSV file. */
export function Totals() {
  const { t, date } = useI18n();
  const { client, ended } = useSession();
  const periodText = usePeriodText();
  const [month, setMonth] = useState(monthOfPeriod(currentPeriod()));
  const period = periodOfMonth(month);
  const { resource, pages } = useSettlements(period);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<EInvoiceApiError | undefined>(undefined);

  const kindText = (kind: Row["kind"]) => t(kind === "filed" ? "enterprise.totals.filed" : "enterprise.totals.reimbursed");

  async function exportCsv(forPeriod: number) {
    setExporting(true);
    setExportError(undefined);
    try {
      const rows = await allRows(client, forPeriod);
      const header = [t("enterprise.totals.kind"), t("invoice.number"), t("invoice.date"), t("invoice.seller"), t("enterprise.employee"), t("invoice.amount"), t("invoice.tax"), t("invoice.total"), t("invoice.period")];
      const lines = rows.map((row) =>
        csvLine([
          kindText(row.kind),
          shownNumber(row),
          date(row.issuedAt),
          row.seller.name ?? row.seller.account,
          row.holder?.name ?? row.holder?.account ?? "",
          plainYuan(amountOf(row)),
          plainYuan(row.tax),
          plainYuan(row.total),
          row.filedPeriod ?? "",
        ]),
      );
      // The byte order mark tells Excel the file is UTF-8 (without it, Chinese comes out garbled).
      saveFile(`\uFEFF${[csvLine(header), ...lines].join("\r\n")}\r\n`, `enterprise-${forPeriod}.csv`, "text/csv;charset=utf-8");
    } catch (error) {
      if (!(error instanceof EInvoiceApiError)) throw error;
      ended(error);
      setExportError(error);
    } finally {
      setExporting(false);
    }
  }

  return (
    <Page title={t("enterprise.totals.title")}>
      <form class="panel filters" aria-label={t("enterprise.totals.filters")} onSubmit={(event) => event.preventDefault()}>
        <PeriodPicker id="totals-period" value={month} onChange={setMonth} />
      </form>
      {period === undefined ? null : (
        <ResourceView resource={resource}>
          {(result) =>
            result === undefined ? null : (
              <>
                <div class="ent-totals">
                  {(["reimbursed", "filed"] as const).map((kind) => {
                    const s = result.totals[kind];
                    return (
                      <Panel key={kind} id={`totals-${kind}`} title={t(kind === "filed" ? "enterprise.totals.filedTitle" : "enterprise.totals.reimbursedTitle", { period: periodText(period) })}>
                        <dl class="facts" data-testid={`totals-${kind}`}>
                          <dt>{t("enterprise.totals.count")}</dt>
                          <dd data-testid={`totals-${kind}-count`}>{s.count}</dd>
                          <dt>{t("invoice.amount")}</dt>
                          <dd data-testid={`totals-${kind}-amount`}>
                            <Money fen={s.amount} />
                          </dd>
                          <dt>{t("invoice.tax")}</dt>
                          <dd data-testid={`totals-${kind}-tax`}>
                            <Money fen={s.tax} />
                          </dd>
                          <dt>{t("invoice.total")}</dt>
                          <dd data-testid={`totals-${kind}-total`}>
                            <Money fen={s.total} />
                          </dd>
                        </dl>
                      </Panel>
                    );
                  })}
                </div>
                <p class="muted">{t("enterprise.totals.reversedNote")}</p>
                <Panel id="totals-rows" title={t("enterprise.totals.rows")}>
                  <div class="form-actions">
                    <button type="button" class="button" data-testid="export-csv" disabled={result.rows.length === 0 || exporting} onClick={() => void exportCsv(period)}>
                      {exporting ? t("enterprise.totals.exporting") : t("action.downloadCsv")}
                    </button>
                  </div>
                  {exportError === undefined ? null : <ErrorNotice error={exportError} onRetry={() => void exportCsv(period)} />}
                  {result.rows.length === 0 ? (
                    <p class="view-empty">{t("enterprise.totals.empty")}</p>
                  ) : (
                    <>
                      <div class="table-wrap">
                        <table class="ent-wide">
                          <caption class="visually-hidden">{t("enterprise.totals.rows")}</caption>
                          <thead>
                            <tr>
                              <th scope="col">{t("enterprise.totals.kind")}</th>
                              <th scope="col">{t("invoice.number")}</th>
                              <th scope="col">{t("invoice.seller")}</th>
                              <th scope="col">{t("enterprise.employee")}</th>
                              <th scope="col" class="num">
                                {t("invoice.amount")}
                              </th>
                              <th scope="col" class="num">
                                {t("invoice.tax")}
                              </th>
                              <th scope="col" class="num">
                                {t("invoice.total")}
                              </th>
                              <th scope="col">{t("enterprise.totals.when")}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {result.rows.map((row) => (
                              <tr key={`${row.kind}-${row.id}`} data-testid="totals-row" data-kind={row.kind} data-invoice-id={row.id}>
                                <td>{kindText(row.kind)}</td>
                                <th scope="row">
                                  <a href={invoiceHref(row.id)}>{shownNumber(row)}</a>
                                </th>
                                <td>{row.seller.name ?? <Hex value={row.seller.account} />}</td>
                                <td>{row.holder === null ? <span>—</span> : row.holder.name === null ? <Hex value={row.holder.account} /> : <span>{row.holder.name}</span>}</td>
                                <td class="num">
                                  <Money fen={amountOf(row)} />
                                </td>
                                <td class="num">
                                  <Money fen={row.tax} />
                                </td>
                                <td class="num">
                                  <Money fen={row.total} />
                                </td>
                                <td>{row.at === null ? periodText(row.filedPeriod ?? period) : <When iso={row.at} />}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                      <MoreButton pages={pages} count={result.rows.length} hasMore={result.hasMore} />
                    </>
                  )}
                </Panel>
              </>
            )
          }
        </ResourceView>
      )}
    </Page>
  );
}
