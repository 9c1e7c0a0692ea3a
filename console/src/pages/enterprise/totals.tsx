import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { saveFile } from "../../api/download";
import { useSignedIn } from "../../api/session";
import { useResource } from "../../api/use-resource";
import type { ListedInvoice } from "../../api/search-pages";
import { shownNumber } from "../../format/invoice-number";
import { sumFen } from "../../format/money";
import { currentPeriod, monthOfPeriod, periodOfMonth, periodSpan } from "../../format/period";
import { useI18n } from "../../i18n/i18n";
import { Page, Panel } from "../../ui/page";
import { PeriodPicker, usePeriodText } from "../../ui/period";
import { Hex, Money, When } from "../../ui/values";
import { ResourceView } from "../../ui/views";
import { amountOf, csvLine, filedPeriodOf, invoiceHref, plainYuan, searchAll, updatedAtOf } from "./common";
import { HolderName } from "./invoice-table";
import "./enterprise.css";

type Kind = "reimbursed" | "filed";
interface Row {
  kind: Kind;
  invoice: ListedInvoice;
  /** When it was reimbursed (from the trace), for the reimbursed rows. */
  at?: string;
}

/**
 * What the enterprise reimbursed and filed in one tax period. The API has no enterprise report, and its search
 * filters by issue period only, so: filed = the enterprise's invoices whose filing period (in the index's summary)
 * is this one; reimbursed = those whose reimbursement event (in the trace) falls in this month, China time, read
 * only for invoices issued by the period's end and touched since its start.
 */
async function periodRows(client: EInvoiceClient, account: string, period: number, signal: AbortSignal): Promise<{ rows: Row[]; truncated: boolean }> {
  const { invoices, truncated } = await searchAll(client, { enterprise: account, state: "Reimbursed,Filed,Reversed,Frozen", periodTo: String(period), expand: "parties" }, signal);
  const span = periodSpan(period);
  const filed: Row[] = invoices.filter((invoice) => filedPeriodOf(invoice) === period).map((invoice) => ({ kind: "filed", invoice }));
  const candidates = invoices.filter((invoice) => Date.parse(updatedAtOf(invoice)) >= span.from);
  const reimbursed: Row[] = [];
  const queue = [...candidates];
  const worker = async () => {
    for (let invoice = queue.shift(); invoice !== undefined; invoice = queue.shift()) {
      const { events } = await client.traceInvoice({ params: { id: invoice.id }, signal });
      const event = events.find((e) => e.type === "InvoiceReimbursed" && String(e["enterprise"] ?? account).toLowerCase() === account.toLowerCase());
      const at = event === undefined ? undefined : Date.parse(event.time);
      if (event !== undefined && at !== undefined && at >= span.from && at < span.to) reimbursed.push({ kind: "reimbursed", invoice, at: event.time });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, candidates.length) }, worker));
  const byNumber = (a: Row, b: Row) => Number(BigInt(a.invoice.number) - BigInt(b.invoice.number));
  return { rows: [...reimbursed.sort(byNumber), ...filed.sort(byNumber)], truncated };
}

const sums = (rows: readonly Row[]) => ({
  count: rows.length,
  amount: sumFen(rows.map((r) => amountOf(r.invoice))),
  tax: sumFen(rows.map((r) => r.invoice.tax)),
  total: sumFen(rows.map((r) => r.invoice.total)),
});

/** 统计: counts and sums of one period's reimbursements and filings, and the same rows as a CSV file. */
export function Totals() {
  const { t, date } = useI18n();
  const { party } = useSignedIn();
  const periodText = usePeriodText();
  const [month, setMonth] = useState(monthOfPeriod(currentPeriod()));
  const period = periodOfMonth(month);
  const data = useResource((client, signal) => (period === undefined ? Promise.resolve(undefined) : periodRows(client, party.account, period, signal)), [party.account, period]);

  function exportCsv(rows: readonly Row[], forPeriod: number) {
    const header = [t("enterprise.totals.kind"), t("invoice.number"), t("invoice.date"), t("invoice.seller"), t("enterprise.employee"), t("invoice.amount"), t("invoice.tax"), t("invoice.total"), t("invoice.period")];
    const lines = rows.map(({ kind, invoice }) =>
      csvLine([
        t(kind === "filed" ? "enterprise.totals.filed" : "enterprise.totals.reimbursed"),
        shownNumber(invoice),
        date(invoice.issuedAt),
        invoice.parties?.seller.name ?? invoice.seller,
        invoice.parties?.holder?.name ?? invoice.holder ?? "",
        plainYuan(amountOf(invoice)),
        plainYuan(invoice.tax),
        plainYuan(invoice.total),
        filedPeriodOf(invoice) ?? "",
      ]),
    );
    // The byte order mark tells Excel the file is UTF-8 (without it, Chinese comes out garbled).
    saveFile(`\uFEFF${[csvLine(header), ...lines].join("\r\n")}\r\n`, `enterprise-${forPeriod}.csv`, "text/csv;charset=utf-8");
  }

  return (
    <Page title={t("enterprise.totals.title")}>
      <form class="panel filters" aria-label={t("enterprise.totals.filters")} onSubmit={(event) => event.preventDefault()}>
        <PeriodPicker id="totals-period" value={month} onChange={setMonth} />
      </form>
      {period === undefined ? null : (
      <ResourceView resource={data}>
        {(result) =>
          result === undefined || period === undefined ? null : (
            <>
              <div class="ent-totals">
                {(["reimbursed", "filed"] as const).map((kind) => {
                  const s = sums(result.rows.filter((r) => r.kind === kind));
                  return (
                    <Panel key={kind} id={`totals-${kind}`} title={t(kind === "filed" ? "enterprise.totals.filedTitle" : "enterprise.totals.reimbursedTitle", { period: periodText(period) })}>
                      <dl class="facts" data-testid={`totals-${kind}`}>
                        <dt>{t("enterprise.totals.count")}</dt>
                        <dd data-testid={`totals-${kind}-count`}>{s.count}</dd>
                        <dt>{t("invoice.amount")}</dt>
                        <dd>
                          <Money fen={s.amount} />
                        </dd>
                        <dt>{t("invoice.tax")}</dt>
                        <dd>
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
              {result.truncated ? <p class="notice notice-info">{t("enterprise.truncated")}</p> : null}
              <Panel id="totals-rows" title={t("enterprise.totals.rows")}>
                <div class="form-actions">
                  <button type="button" class="button" data-testid="export-csv" disabled={result.rows.length === 0} onClick={() => exportCsv(result.rows, period)}>
                    {t("action.downloadCsv")}
                  </button>
                </div>
                {result.rows.length === 0 ? (
                  <p class="view-empty">{t("enterprise.totals.empty")}</p>
                ) : (
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
                        {result.rows.map(({ kind, invoice, at }) => (
                          <tr key={`${kind}-${invoice.id}`} data-testid="totals-row" data-kind={kind}>
                            <td>{t(kind === "filed" ? "enterprise.totals.filed" : "enterprise.totals.reimbursed")}</td>
                            <th scope="row">
                              <a href={invoiceHref(invoice.id)}>{shownNumber(invoice)}</a>
                            </th>
                            <td>{invoice.parties?.seller.name ?? <Hex value={invoice.seller} />}</td>
                            <td>
                              <HolderName invoice={invoice} />
                            </td>
                            <td class="num">
                              <Money fen={amountOf(invoice)} />
                            </td>
                            <td class="num">
                              <Money fen={invoice.tax} />
                            </td>
                            <td class="num">
                              <Money fen={invoice.total} />
                            </td>
                            <td>{at === undefined ? periodText(filedPeriodOf(invoice) ?? period) : <When iso={at} />}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
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
