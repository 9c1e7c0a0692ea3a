import { randomInt } from "node:crypto";

import { lineAmount, lineTax, type TaxRate } from "../../api/domain/money";
import { TAXPAYER_ID_ALPHABET, withCheckCharacter } from "../../api/domain/taxpayer-id";

/** Demo and test data: valid taxpayer IDs and invoice bodies whose amounts follow the invoice rules. */
export function randomTaxpayerId(prefix = "91440300"): string {
  let body = prefix;
  while (body.length < 17) body += TAXPAYER_ID_ALPHABET.charAt(randomInt(TAXPAYER_ID_ALPHABET.length));
  return withCheckCharacter(body);
}

export interface DemoBuyer {
  type: "organisation" | "individual";
  name: string;
  taxpayerId?: string;
}

/** An invoice body of `quantity` x `unitPrice` fen at 6% VAT (services), amounts computed half-up. */
export function invoiceBody(reference: string, buyer: DemoBuyer, options: { item?: string; quantity?: number; unitPrice?: number; taxRate?: TaxRate } = {}) {
  const quantity = options.quantity ?? 1;
  const unitPrice = options.unitPrice ?? 10_000;
  const taxRate = options.taxRate ?? 6;
  const amount = lineAmount(String(quantity), BigInt(unitPrice));
  const tax = lineTax(amount, taxRate);
  return {
    reference,
    buyer: buyer.type === "organisation" ? { type: "organisation", name: buyer.name, taxpayerId: buyer.taxpayerId } : { type: "individual", name: buyer.name },
    items: [{ name: options.item ?? "餐饮服务", unit: "次", quantity: String(quantity), unitPrice: String(unitPrice), amount: String(amount), taxRate, tax: String(tax) }],
  };
}
