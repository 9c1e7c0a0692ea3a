import type { InvoiceDocument } from "../../domain/invoice-document";
import { QUANTITY_PATTERN, TAX_RATES, type TaxRate } from "../../domain/money";
import type { ModelLine } from "./en16931-model";
import { fenOf } from "./ubl-amount";
import { unitCode } from "./unit-code";
import { vatCategory } from "./vat-category";

/** The name of the item attribute (BT-160) that carries the unit as typed on the Chinese invoice. */
export const UNIT_ATTRIBUTE_NAME = "计量单位 (unit)";

export function taxRateOf(rate: number): TaxRate {
  if (!(TAX_RATES as readonly number[]).includes(rate)) throw new RangeError(`${rate} is not a VAT rate`);
  return rate as TaxRate;
}

/** Our line items as EN 16931 invoice lines, one for one and in order: what was printed, nothing recomputed. */
export function invoiceLines(items: InvoiceDocument["items"]): ModelLine[] {
  return items.map((item, index) => {
    if (!QUANTITY_PATTERN.test(item.quantity)) throw new RangeError(`line ${index + 1}: not a quantity: ${item.quantity}`);
    const unit = item.unit?.trim() ?? "";
    const specification = item.specification?.trim() ?? "";
    return {
      id: String(index + 1),
      quantity: item.quantity,
      unitCode: unitCode(item.unit),
      netAmount: fenOf(item.amount, `line ${index + 1} amount`),
      netPrice: fenOf(item.unitPrice, `line ${index + 1} unit price`),
      itemName: item.name,
      ...(specification === "" ? {} : { itemDescription: specification }),
      itemAttributes: unit === "" ? [] : [{ name: UNIT_ATTRIBUTE_NAME, value: unit }],
      vat: vatCategory(taxRateOf(item.taxRate)),
      tax: fenOf(item.tax, `line ${index + 1} tax`),
    };
  });
}
