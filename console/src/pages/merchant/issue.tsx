import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";

import { lineAmount, lineTax, QUANTITY_PATTERN, TAX_RATES, type TaxRate } from "../../../../api/domain/money";
import { newIdempotencyKey } from "../../api/idempotency";
import { useAction } from "../../api/use-resource";
import { shownNumber } from "../../format/invoice-number";
import { fenOfYuan, sumFen } from "../../format/money";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Field } from "../../ui/field";
import { FormRefusal, useFieldIssues } from "../../ui/field-issues";
import { Page, Panel } from "../../ui/page";
import { PdfButton } from "../../ui/pdf-button";
import { Money } from "../../ui/values";
import { Success } from "../../ui/views";
import { InvoiceFacts, Items } from "./invoice";
import { merchantPath, type Invoice, type IssueBody } from "./shared";

interface Row {
  key: number;
  name: string;
  specification: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
}

interface Form {
  reference: string;
  buyerType: "organisation" | "individual";
  buyerName: string;
  buyerTaxId: string;
  rows: Row[];
  remarks: string;
}

let nextRowKey = 1;
const emptyRow = (): Row => ({ key: nextRowKey++, name: "", specification: "", unit: "", quantity: "1", unitPrice: "", taxRate: "13" });
const emptyForm = (): Form => ({ reference: "", buyerType: "organisation", buyerName: "", buyerTaxId: "", rows: [emptyRow()], remarks: "" });

/**
 * A line's amount and tax as the invoice rules make them (quantity x unit price, then the rate, half-up to the
 * fen): computed by the API's own functions (api/domain/money.ts), not again here, so what the form shows is
 * what the API will check. Undefined while the quantity or the price is not yet a number.
 */
function lineOf(row: Row): { unitPrice?: string; amount?: string; tax?: string | undefined } {
  const unitPrice = fenOfYuan(row.unitPrice);
  const quantity = row.quantity.trim();
  if (unitPrice === undefined) return {};
  if (!QUANTITY_PATTERN.test(quantity)) return { unitPrice };
  const amount = lineAmount(quantity, BigInt(unitPrice));
  const rate = Number(row.taxRate) as TaxRate;
  return { unitPrice, amount: amount.toString(), tax: (TAX_RATES as readonly number[]).includes(rate) ? lineTax(amount, rate).toString() : undefined };
}

/** The request exactly as typed (yuan as fen), or the rows whose price is not an amount in yuan. */
function bodyOf(form: Form): { body: IssueBody } | { badPrices: number[] } {
  const lines = form.rows.map(lineOf);
  const badPrices = lines.flatMap((line, index) => (line.unitPrice === undefined ? [index] : []));
  if (badPrices.length > 0) return { badPrices };
  const trimmed = (text: string) => (text.trim() === "" ? undefined : text.trim());
  return {
    body: {
      reference: form.reference.trim(),
      buyer: form.buyerType === "organisation" ? { type: "organisation", name: form.buyerName, taxpayerId: form.buyerTaxId.trim() } : { type: "individual", name: form.buyerName },
      items: form.rows.map((row, index) => {
        const line = lines[index]!;
        const specification = trimmed(row.specification);
        const unit = trimmed(row.unit);
        return {
          name: row.name,
          ...(specification === undefined ? {} : { specification }),
          ...(unit === undefined ? {} : { unit }),
          quantity: row.quantity.trim(),
          unitPrice: line.unitPrice!,
          // A quantity that is not a number is the API's to refuse (it names the field); the amount it would check goes as 0.
          amount: line.amount ?? "0",
          taxRate: Number(row.taxRate) as IssueBody["items"][number]["taxRate"],
          tax: line.tax ?? "0",
        };
      }),
      ...(form.remarks.trim() === "" ? {} : { remarks: form.remarks }),
    },
  };
}

/** 开具发票: one invoice from a form; the API checks it and answers with the invoice and its claim code. */
export function IssuePage() {
  const { t } = useI18n();
  const [form, setForm] = useState<Form>(emptyForm);
  const [badPrices, setBadPrices] = useState<number[]>([]);
  const [confirming, setConfirming] = useState<IssueBody | undefined>(undefined);
  const [issued, setIssued] = useState<{ invoice: Invoice; replayed: boolean } | undefined>(undefined);
  // One key per form and body: a double click or a retry of the same request is one invoice; a corrected form is a new request.
  const idempotency = useRef<{ key: string; body?: string }>({ key: newIdempotencyKey("issue") });
  const issue = useAction((client, body: IssueBody, idempotencyKey: string) => client.issueInvoice({ body, idempotencyKey }));
  const issues = useFieldIssues(issue.error);

  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const setRow = (index: number, patch: Partial<Row>) => set({ rows: form.rows.map((row, i) => (i === index ? { ...row, ...patch } : row)) });

  const review = (event: Event) => {
    event.preventDefault();
    issue.clear();
    const built = bodyOf(form);
    if ("badPrices" in built) {
      setBadPrices(built.badPrices);
      return;
    }
    setBadPrices([]);
    setConfirming(built.body);
  };
  const send = async (body: IssueBody) => {
    const text = JSON.stringify(body);
    if (idempotency.current.body !== undefined && idempotency.current.body !== text) idempotency.current = { key: newIdempotencyKey("issue") };
    idempotency.current.body = text;
    const answer = await issue.run(body, idempotency.current.key);
    setConfirming(undefined);
    if (answer !== undefined) setIssued({ invoice: answer.invoice, replayed: answer.replayed });
  };
  const startOver = () => {
    setForm(emptyForm());
    setIssued(undefined);
    issue.clear();
    idempotency.current = { key: newIdempotencyKey("issue") };
  };

  if (issued !== undefined) return <Issued invoice={issued.invoice} replayed={issued.replayed} onAnother={startOver} />;

  const known = (path: string) => ["reference", "buyer.name", "buyer.taxpayerId", "remarks", "items"].includes(path) || /^items\.\d+\.(name|specification|unit|quantity|unitPrice|amount|taxRate|tax)$/.test(path);
  const lines = form.rows.map(lineOf);
  const totals = { amount: sumFen(lines.map((line) => line.amount ?? "0")), tax: sumFen(lines.map((line) => line.tax ?? "0")) };

  return (
    <Page title={t("merchant.issue.title")}>
      <form onSubmit={review} noValidate data-testid="issue-form">
        <FormRefusal error={issue.error} unplaced={issues.unplaced(known)} />
        <Panel title={t("merchant.issue.order")} id="issue-order">
          <Field id="issue-reference" label={t("merchant.reference")} hint={t("merchant.issue.reference.hint")} error={issues.byPath.get("reference")}>
            {(aria) => <input {...aria} name="reference" autocomplete="off" value={form.reference} onInput={(event) => set({ reference: event.currentTarget.value })} />}
          </Field>
        </Panel>

        <Panel title={t("invoice.buyer")} id="issue-buyer">
          <fieldset class="merchant-choice">
            <legend>{t("merchant.buyer.type")}</legend>
            <label>
              <input type="radio" name="buyerType" value="organisation" checked={form.buyerType === "organisation"} onChange={() => set({ buyerType: "organisation" })} /> {t("merchant.buyer.organisation")}
            </label>
            <label>
              <input type="radio" name="buyerType" value="individual" checked={form.buyerType === "individual"} onChange={() => set({ buyerType: "individual" })} /> {t("merchant.buyer.individual")}
            </label>
          </fieldset>
          <div class="grid-2">
            <Field id="issue-buyer-name" label={form.buyerType === "organisation" ? t("merchant.buyer.orgName") : t("merchant.buyer.personName")} error={issues.byPath.get("buyer.name")}>
              {(aria) => <input {...aria} name="buyerName" autocomplete="off" value={form.buyerName} onInput={(event) => set({ buyerName: event.currentTarget.value })} />}
            </Field>
            {form.buyerType === "organisation" ? (
              <Field id="issue-buyer-taxpayer-id" label={t("merchant.buyer.taxpayerId")} hint={t("merchant.buyer.taxpayerId.hint")} error={issues.byPath.get("buyer.taxpayerId")}>
                {(aria) => <input {...aria} name="buyerTaxId" autocomplete="off" spellcheck={false} value={form.buyerTaxId} onInput={(event) => set({ buyerTaxId: event.currentTarget.value })} />}
              </Field>
            ) : null}
          </div>
        </Panel>

        <Panel title={t("invoice.items")} id="issue-items">
          {issues.byPath.has("items") ? (
            <p class="field-error" id="issue-items-error">
              {issues.byPath.get("items")}
            </p>
          ) : null}
          <div class="table-wrap">
            <table class="merchant-item-table" data-testid="issue-items">
              <thead>
                <tr>
                  <th scope="col">{t("merchant.item.name")}</th>
                  <th scope="col">{t("merchant.item.specification")}</th>
                  <th scope="col">{t("merchant.item.unit")}</th>
                  <th scope="col">{t("merchant.item.quantity")}</th>
                  <th scope="col">{t("merchant.item.unitPriceYuan")}</th>
                  <th scope="col">{t("merchant.item.taxRate")}</th>
                  <th scope="col" class="num">
                    {t("invoice.amount")}
                  </th>
                  <th scope="col" class="num">
                    {t("invoice.tax")}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t("merchant.item.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {form.rows.map((row, index) => {
                  const at = (field: string) => issues.byPath.get(`items.${index}.${field}`);
                  const n = index + 1;
                  const cell = (field: keyof Row & string, label: string, props: JSX.HTMLAttributes<HTMLInputElement> = {}, error = at(field)) => (
                    <Cell id={`item-${index}-${field}`} label={t("merchant.item.cellLabel", { n, field: label })} error={error}>
                      {(aria) => <input {...aria} {...props} name={`items.${index}.${field}`} value={row[field] as string} onInput={(event) => setRow(index, { [field]: event.currentTarget.value })} />}
                    </Cell>
                  );
                  return (
                    <tr key={row.key} data-row={index}>
                      <td>{cell("name", t("merchant.item.name"))}</td>
                      <td>{cell("specification", t("merchant.item.specification"))}</td>
                      <td class="merchant-narrow">{cell("unit", t("merchant.item.unit"))}</td>
                      <td class="merchant-narrow">{cell("quantity", t("merchant.item.quantity"), { inputMode: "decimal" })}</td>
                      <td>{cell("unitPrice", t("merchant.item.unitPriceYuan"), { inputMode: "decimal" }, badPrices.includes(index) ? t("field.yuan") : at("unitPrice"))}</td>
                      <td class="merchant-narrow">
                        <Cell id={`item-${index}-taxRate`} label={t("merchant.item.cellLabel", { n, field: t("merchant.item.taxRate") })} error={at("taxRate")}>
                          {(aria) => (
                            <select {...aria} name={`items.${index}.taxRate`} value={row.taxRate} onChange={(event) => setRow(index, { taxRate: event.currentTarget.value })}>
                              {TAX_RATES.map((rate) => (
                                <option key={rate} value={String(rate)}>
                                  {rate}%
                                </option>
                              ))}
                            </select>
                          )}
                        </Cell>
                      </td>
                      <td class="num" data-testid={`item-${index}-amount`}>
                        {lines[index]!.amount === undefined ? "—" : <Money fen={lines[index]!.amount!} />}
                        {at("amount") === undefined ? null : <p class="field-error">{at("amount")}</p>}
                      </td>
                      <td class="num">
                        {lines[index]!.tax === undefined ? "—" : <Money fen={lines[index]!.tax!} />}
                        {at("tax") === undefined ? null : <p class="field-error">{at("tax")}</p>}
                      </td>
                      <td>
                        <button type="button" class="button button-quiet button-small" disabled={form.rows.length === 1} onClick={() => set({ rows: form.rows.filter((_, i) => i !== index) })}>
                          {t("merchant.item.remove")}
                          <span class="visually-hidden"> {t("merchant.item.row", { n })}</span>
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={6}>
                    {t("merchant.item.sum")}
                  </th>
                  <td class="num">
                    <Money fen={totals.amount} />
                  </td>
                  <td class="num">
                    <Money fen={totals.tax} />
                  </td>
                  <td />
                </tr>
                <tr>
                  <th scope="row" colSpan={6}>
                    {t("invoice.total")}
                  </th>
                  <td class="num" colSpan={2} data-testid="issue-total">
                    <strong>
                      <Money fen={sumFen([totals.amount, totals.tax])} />
                    </strong>
                  </td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
          <p class="field-hint">{t("merchant.issue.computed")}</p>
          <button type="button" class="button" data-testid="add-line" onClick={() => set({ rows: [...form.rows, emptyRow()] })}>
            {t("merchant.item.add")}
          </button>
        </Panel>

        <Panel title={t("invoice.remarks")} id="issue-remarks">
          <Field id="issue-remarks-text" label={t("invoice.remarks")} hint={t("merchant.issue.remarks.hint")} error={issues.byPath.get("remarks")}>
            {(aria) => <textarea {...aria} name="remarks" rows={3} value={form.remarks} onInput={(event) => set({ remarks: event.currentTarget.value })} />}
          </Field>
        </Panel>

        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={issue.busy}>
            {issue.busy ? t("merchant.issue.working") : t("merchant.issue.submit")}
          </button>
        </div>
      </form>
      <ConfirmDialog
        open={confirming !== undefined}
        title={t("merchant.issue.confirmTitle")}
        confirmLabel={issue.busy ? t("merchant.issue.working") : t("merchant.issue.confirm")}
        busy={issue.busy}
        onConfirm={() => confirming !== undefined && void send(confirming)}
        onCancel={() => setConfirming(undefined)}
      >
        {confirming === undefined ? null : (
          <dl class="facts">
            <dt>{t("invoice.buyer")}</dt>
            <dd>{confirming.buyer.name}</dd>
            {confirming.buyer.type === "organisation" ? (
              <>
                <dt>{t("merchant.buyer.taxpayerId")}</dt>
                <dd>
                  <code>{confirming.buyer.taxpayerId}</code>
                </dd>
              </>
            ) : null}
            <dt>{t("invoice.items")}</dt>
            <dd>{t("merchant.issue.itemCount", { count: confirming.items.length })}</dd>
            <dt>{t("invoice.total")}</dt>
            <dd>
              <Money fen={sumFen(confirming.items.flatMap((item) => [String(item.amount), String(item.tax)]))} />
            </dd>
          </dl>
        )}
      </ConfirmDialog>
    </Page>
  );
}

/** An input in a table cell: named for screen readers (row and column), its error under it. */
function Cell({ id, label, error, children }: { id: string; label: string; error: string | undefined; children: (aria: { id: string; "aria-label": string; "aria-describedby"?: string; "aria-invalid"?: "true" }) => JSX.Element }) {
  return (
    <div class={error === undefined ? "merchant-cell" : "merchant-cell field-invalid"}>
      {children({ id, "aria-label": label, ...(error === undefined ? {} : { "aria-describedby": `${id}-error`, "aria-invalid": "true" as const }) })}
      {error === undefined ? null : (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The invoice just issued: its number, its claim code to hand to the buyer, the PDF. */
function Issued({ invoice, replayed, onAnother }: { invoice: Invoice; replayed: boolean; onAnother(): void }) {
  const { t } = useI18n();
  return (
    <Page
      title={t("merchant.issued.title")}
      actions={
        <>
          <PdfButton kind="invoice" small id={invoice.id} number={shownNumber(invoice)} />
          <a class="button button-small" href={merchantPath(`/invoices/${invoice.id}`)}>
            {t("merchant.issued.open")}
          </a>
          <button type="button" class="button button-small button-primary" onClick={onAnother}>
            {t("merchant.issued.another")}
          </button>
        </>
      }
    >
      <Success>{replayed ? t("merchant.issued.replayed", { number: shownNumber(invoice) }) : t("merchant.issued.done", { number: shownNumber(invoice) })}</Success>
      {invoice.claimCode === undefined ? null : (
        <div class="notice notice-info" data-testid="claim-code-notice">
          <p class="notice-title">{t("merchant.claimCode")}</p>
          <p>
            <code class="merchant-claim-code" data-testid="issued-claim-code">
              {invoice.claimCode}
            </code>
          </p>
          <p>{t("merchant.claimCode.explain")}</p>
        </div>
      )}
      <InvoiceFacts invoice={invoice} showClaimCode={false} />
      <Items invoice={invoice} />
    </Page>
  );
}
