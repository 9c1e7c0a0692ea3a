import type { ErasedBuyer } from "../../domain/personal-fields";
import type { InvoiceDocument } from "../../domain/invoice-document";
import type { ModelParty } from "./en16931-model";

/**
 * What EN 16931 prints for an individual buyer whose name was erased: BR-07 requires a buyer name, so an empty
 * one cannot be left out, and it must not look like a real name either. Chinese first, as on the invoice.
 */
export const ERASED_BUYER_NAME = "已删除 (erased)";

/**
 * An organisation's unified social credit code is both its legal registration identifier (BT-30/BT-47, as
 * issued) and its taxpayer identification number, which EN 16931 calls the VAT identifier (BT-31/BT-48). A VAT
 * identifier must start with the ISO 3166-1 code of the country that issued it (BR-CO-09), so it is written
 * with "CN" in front; a reader wanting the code as issued finds it unprefixed in the legal entity.
 */
function organisation(name: string, taxpayerId: string): ModelParty {
  return { name, countryCode: "CN", vatIdentifier: `CN${taxpayerId}`, legalRegistrationId: taxpayerId };
}

export function sellerParty(seller: { name: string; taxpayerId: string }): ModelParty {
  if (seller.taxpayerId === "") throw new RangeError("a seller without a taxpayer ID has no EN 16931 invoice (BR-CO-26, BR-S-02)");
  return organisation(seller.name, seller.taxpayerId);
}

/**
 * An individual has only a name: no taxpayer ID goes anywhere for a person (their ID number is personal data,
 * never on our documents). The country is CN: the buyer of a Chinese VAT invoice, and EN 16931 wants a buyer
 * postal address with a country (BR-10, BR-11) even when nothing else of the address is known.
 */
export function buyerParty(buyer: InvoiceDocument["buyer"] | ErasedBuyer): ModelParty {
  if (buyer.type === "organisation") return organisation(buyer.name, buyer.taxpayerId);
  return { name: buyer.name === null || buyer.name.trim() === "" ? ERASED_BUYER_NAME : buyer.name, countryCode: "CN" };
}
