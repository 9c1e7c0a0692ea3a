import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

import { sumFen } from "../../format/money";
import { useI18n } from "../../i18n/i18n";
import { Hex, Money, When } from "../../ui/values";
import type { ListedInvoice } from "../../api/search-pages";
import { shownNumber } from "../../format/invoice-number";
import { amountOf, documentFacts, invoiceHref, type StepOutcome } from "./common";

/** Who holds the invoice, by name where the API names them (its employees), else the account. */
export function HolderName({ invoice }: { invoice: ListedInvoice }) {
  const holder = invoice.parties?.holder;
  if (holder === null || holder === undefined) return invoice.holder === null ? <span>—</span> : <Hex value={invoice.holder} />;
  return holder.name === null ? <Hex value={holder.account} /> : <span>{holder.name}</span>;
}

/** The document's line items, one a line: name, quantity and unit. */
export function ItemsList({ invoice }: { invoice: ListedInvoice }) {
  const { t } = useI18n();
  const facts = documentFacts(invoice.document);
  if (facts === undefined || facts.items.length === 0) return <span class="ent-muted">{t("enterprise.items.hidden")}</span>;
  return (
    <ul class="ent-items">
      {facts.items.map((item, i) => (
        <li key={i}>
          {item.name}
          {item.specification ? ` ${item.specification}` : ""} × {item.quantity}
          {item.unit ?? ""}
        </li>
      ))}
    </ul>
  );
}

/** A step's outcome for one row: working, done, or refused with the API's code and words. */
export function OutcomeCell({ outcome, doneLabel }: { outcome: StepOutcome | undefined; doneLabel: string }) {
  const { t } = useI18n();
  if (outcome === undefined) return null;
  if (outcome.status === "running") return <span class="ent-muted">{t("enterprise.bulk.running")}</span>;
  if (outcome.status === "done") return <span class="badge badge-reimbursed" data-outcome="done">{doneLabel}</span>;
  return (
    <span class="ent-refused" data-outcome="refused" data-code={outcome.error.code}>
      <code>{outcome.error.code}</code> {outcome.error.message}
    </span>
  );
}

/** The total (with tax) of the selected invoices, in fen. */
export const selectedTotal = (invoices: readonly ListedInvoice[], selected: ReadonlySet<string>) => sumFen(invoices.filter((i) => selected.has(i.id)).map((i) => i.total));

/**
 * Invoices to act on together: a checkbox per row and one to select every row (keyboard: Tab and Space), the
 * employee, the seller, the items and the amounts; `actions` adds the row's own buttons.
 */
export function SelectableInvoices({ caption, invoices, selected, onSelect, outcomes, doneLabel, actions, disabled }: {
  caption: string;
  invoices: readonly ListedInvoice[];
  selected: ReadonlySet<string>;
  onSelect(next: Set<string>): void;
  outcomes: ReadonlyMap<string, StepOutcome>;
  doneLabel: string;
  actions(invoice: ListedInvoice): ComponentChildren;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const all = invoices.length > 0 && invoices.every((i) => selected.has(i.id));
  const some = invoices.some((i) => selected.has(i.id));
  const allBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allBox.current !== null) allBox.current.indeterminate = some && !all;
  }, [some, all]);
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  return (
    <div class="table-wrap">
      <table class="ent-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" class="ent-check">
              <input ref={allBox} type="checkbox" checked={all} disabled={disabled} aria-label={t("enterprise.select.all")} data-testid="select-all" onChange={() => onSelect(all ? new Set() : new Set(invoices.map((i) => i.id)))} />
            </th>
            <th scope="col">{t("invoice.number")}</th>
            <th scope="col">{t("enterprise.employee")}</th>
            <th scope="col">{t("invoice.seller")}</th>
            <th scope="col">{t("invoice.items")}</th>
            <th scope="col" class="num">
              {t("invoice.amount")}
            </th>
            <th scope="col" class="num">
              {t("invoice.tax")}
            </th>
            <th scope="col" class="num">
              {t("invoice.total")}
            </th>
            <th scope="col">{t("invoice.date")}</th>
            <th scope="col">{t("enterprise.column.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((invoice) => (
            <tr key={invoice.id} data-testid="invoice-row" data-invoice-id={invoice.id} class={selected.has(invoice.id) ? "ent-selected" : undefined}>
              <td class="ent-check">
                <input type="checkbox" checked={selected.has(invoice.id)} disabled={disabled} aria-label={t("enterprise.select.one", { number: shownNumber(invoice) })} onChange={() => toggle(invoice.id)} />
              </td>
              <th scope="row">
                <a href={invoiceHref(invoice.id)}>{shownNumber(invoice)}</a>
              </th>
              <td>
                <HolderName invoice={invoice} />
              </td>
              <td>{invoice.parties?.seller.name ?? <Hex value={invoice.seller} />}</td>
              <td>
                <ItemsList invoice={invoice} />
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
              <td>
                <When iso={invoice.issuedAt} withTime={false} />
              </td>
              <td class="ent-actions">
                {outcomes.has(invoice.id) ? <OutcomeCell outcome={outcomes.get(invoice.id)} doneLabel={doneLabel} /> : actions(invoice)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Progress of a bulk run, read out as it moves. */
export function BulkProgress({ progress, refused }: { progress: { done: number; total: number } | undefined; refused: number }) {
  const { t } = useI18n();
  if (progress === undefined) return null;
  const finished = progress.done === progress.total;
  return (
    <div class={finished ? (refused > 0 ? "notice notice-error" : "notice notice-success") : "notice notice-info"} role="status" data-testid="bulk-progress" data-finished={finished ? "true" : "false"}>
      <p class="notice-title">{finished ? t("enterprise.bulk.finished", { done: progress.total - refused, refused }) : t("enterprise.bulk.progress", { done: progress.done, total: progress.total })}</p>
      <progress max={progress.total} value={progress.done} aria-label={t("enterprise.bulk.progressLabel")} />
    </div>
  );
}

/** What a bulk run did to each invoice it took, kept after the list reloads (done rows leave the list). */
export function BulkResults({ title, invoices, outcomes, doneLabel }: { title: string; invoices: readonly ListedInvoice[]; outcomes: ReadonlyMap<string, StepOutcome>; doneLabel: string }) {
  const { t } = useI18n();
  if (invoices.length === 0) return null;
  return (
    <div class="table-wrap" data-testid="bulk-results">
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t("invoice.number")}</th>
            <th scope="col">{t("enterprise.employee")}</th>
            <th scope="col" class="num">
              {t("invoice.total")}
            </th>
            <th scope="col">{t("enterprise.column.result")}</th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((invoice) => (
            <tr key={invoice.id} data-testid="bulk-result" data-invoice-id={invoice.id} data-outcome={outcomes.get(invoice.id)?.status ?? "waiting"}>
              <th scope="row">
                <a href={invoiceHref(invoice.id)}>{shownNumber(invoice)}</a>
              </th>
              <td>
                <HolderName invoice={invoice} />
              </td>
              <td class="num">
                <Money fen={invoice.total} />
              </td>
              <td>{outcomes.has(invoice.id) ? <OutcomeCell outcome={outcomes.get(invoice.id)} doneLabel={doneLabel} /> : <span class="ent-muted">{t("enterprise.bulk.waiting")}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
