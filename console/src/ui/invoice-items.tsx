import { useI18n } from "../i18n/i18n";
import { Money } from "./values";

/** One line of an invoice document as the API answers it (fen as digit strings, the rate in percent). */
export interface ItemLine {
  name?: string | undefined;
  specification?: string | undefined;
  unit?: string | undefined;
  quantity?: string | undefined;
  unitPrice?: string | undefined;
  amount?: string | undefined;
  taxRate?: number | undefined;
  tax?: string | undefined;
}

/**
 * The lines of an invoice as printed on it (货物或应税劳务、服务名称, 规格型号, 单位, 数量, 单价, 金额, 税率, 税额),
 * with the document's own totals below: the figures the API answered, none computed here.
 */
export function InvoiceItems({ items, totals, wrapClass, labelledBy }: {
  items: readonly ItemLine[];
  totals?: { amount: string; tax: string } | undefined;
  /** A class for the scrolling wrapper besides table-wrap (a page that shows the table only on wide screens). */
  wrapClass?: string;
  /** The heading that names the table: the wrapper becomes a focusable region, so that a keyboard can scroll it. */
  labelledBy?: string;
}) {
  const { t } = useI18n();
  return (
    <div class={wrapClass === undefined ? "table-wrap" : `table-wrap ${wrapClass}`} {...(labelledBy === undefined ? {} : { tabIndex: 0, role: "region", "aria-labelledby": labelledBy })}>
      <table data-testid="invoice-items">
        <caption class="visually-hidden">{t("invoice.items")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("item.name")}</th>
            <th scope="col">{t("item.specification")}</th>
            <th scope="col">{t("item.unit")}</th>
            <th scope="col" class="num">
              {t("item.quantity")}
            </th>
            <th scope="col" class="num">
              {t("item.unitPrice")}
            </th>
            <th scope="col" class="num">
              {t("invoice.amount")}
            </th>
            <th scope="col" class="num">
              {t("item.taxRate")}
            </th>
            <th scope="col" class="num">
              {t("invoice.tax")}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => (
            <tr key={index}>
              <th scope="row">{item.name ?? ""}</th>
              <td>{item.specification ?? ""}</td>
              <td>{item.unit ?? ""}</td>
              <td class="num">{item.quantity ?? ""}</td>
              <td class="num">{item.unitPrice === undefined ? null : <Money fen={item.unitPrice} />}</td>
              <td class="num">{item.amount === undefined ? null : <Money fen={item.amount} />}</td>
              <td class="num">{item.taxRate === undefined ? null : `${item.taxRate}%`}</td>
              <td class="num">{item.tax === undefined ? null : <Money fen={item.tax} />}</td>
            </tr>
          ))}
        </tbody>
        {totals === undefined ? null : (
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                {t("item.sum")}
              </th>
              <td class="num">
                <Money fen={totals.amount} />
              </td>
              <td />
              <td class="num">
                <Money fen={totals.tax} />
              </td>
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
