import { useSignedIn } from "../../api/session";
import { useResource } from "../../api/use-resource";
import { shownNumber as shownNumberOf } from "../../format/invoice-number";
import { useI18n } from "../../i18n/i18n";
import { Page, Panel } from "../../ui/page";
import { PdfButton } from "../../ui/pdf-button";
import { usePeriodText } from "../../ui/period";
import { Timeline } from "../../ui/timeline";
import { Hex, Money, StateBadge, When } from "../../ui/values";
import { ResourceView } from "../../ui/views";
import { BASE, documentFacts } from "./common";
import "./enterprise.css";
import { InvoiceItems } from "../../ui/invoice-items";

/** One invoice: its facts, its document (items), the PDF, and its history on the chain as a timeline. */
export function InvoicePage({ id }: { id: string }) {
  const { t } = useI18n();
  const { party } = useSignedIn();
  const periodText = usePeriodText();
  const trace = useResource((client, signal) => client.traceInvoice({ params: { id }, signal }), [id]);
  const me = party.account.toLowerCase();
  const who = (account: string | null | undefined, name?: string | null) =>
    account === null || account === undefined ? "—" : account.toLowerCase() === me ? t("enterprise.us") : name ? name : <Hex value={account} />;

  return (
    <Page title={t("enterprise.invoice.title")} actions={<a href={`${BASE}/pool`}>{t("enterprise.invoice.back")}</a>}>
      <ResourceView resource={trace}>
        {({ invoice, events }) => {
          const facts = documentFacts(invoice.document);
          const shownNumber = shownNumberOf(invoice);
          return (
            <>
              <div class="grid-2">
                <Panel id="invoice-facts" title={t("enterprise.invoice.facts")}>
                  <dl class="facts">
                    <dt>{t("invoice.number")}</dt>
                    <dd>
                      <span data-testid="invoice-number">{shownNumber}</span>
                    </dd>
                    <dt>{t("invoice.state")}</dt>
                    <dd>
                      <StateBadge state={invoice.state} />
                      {invoice.reversalPending ? <span class="ent-muted"> · {t("enterprise.invoice.reversalPending")}</span> : null}
                    </dd>
                    <dt>{t("invoice.seller")}</dt>
                    <dd>
                      {invoice.seller.name ?? <Hex value={invoice.seller.account} />}
                      {invoice.seller.taxpayerId ? <div class="ent-muted">{invoice.seller.taxpayerId}</div> : null}
                    </dd>
                    <dt>{t("invoice.buyer")}</dt>
                    <dd>{facts?.buyer?.name ?? invoice.buyerTaxId ?? "—"}</dd>
                    <dt>{t("invoice.holder")}</dt>
                    <dd>{who(invoice.holder)}</dd>
                    <dt>{t("invoice.amount")}</dt>
                    <dd>
                      <Money fen={(BigInt(invoice.total) - BigInt(invoice.tax)).toString()} />
                    </dd>
                    <dt>{t("invoice.tax")}</dt>
                    <dd>
                      <Money fen={invoice.tax} />
                    </dd>
                    <dt>{t("invoice.total")}</dt>
                    <dd>
                      <Money fen={invoice.total} />
                    </dd>
                    {BigInt(invoice.reversedTotal) > 0n ? (
                      <>
                        <dt>{t("enterprise.invoice.reversed")}</dt>
                        <dd>
                          <Money fen={`-${invoice.reversedTotal}`} />
                        </dd>
                      </>
                    ) : null}
                    {invoice.filedPeriod === null ? null : (
                      <>
                        <dt>{t("invoice.period")}</dt>
                        <dd>{periodText(invoice.filedPeriod)}</dd>
                      </>
                    )}
                    <dt>{t("enterprise.invoice.checkCode")}</dt>
                    <dd>
                      <code>{invoice.checkCode}</code>
                    </dd>
                  </dl>
                  <div class="form-actions">
                    <PdfButton id={invoice.id} number={shownNumber} />
                    {invoice.reversalPending ? <a href={`${BASE}/credit-notes`}>{t("enterprise.invoice.toCreditNotes")}</a> : null}
                  </div>
                </Panel>
                <Panel id="invoice-trace" title={t("enterprise.invoice.trace")}>
                  <Timeline events={events} who={(account) => who(account)} testId="trace" />
                </Panel>
              </div>
              <Panel id="invoice-items" title={t("invoice.items")}>
                {facts === undefined || facts.items.length === 0 ? (
                  <p class="ent-muted">{t("enterprise.items.hidden")}</p>
                ) : (
                  <InvoiceItems items={facts.items} />
                )}
                {facts?.remarks ? (
                  <p>{t("enterprise.invoice.remarks", { text: facts.remarks })}</p>
                ) : null}
              </Panel>
            </>
          );
        }}
      </ResourceView>
    </Page>
  );
}
