import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces";

import type { ModelInvoice, ModelLine, ModelParty } from "./en16931-model";
import { ublAmount } from "./ubl-amount";
import type { VatCategory } from "./vat-category";
import { xmlText } from "./xml-text";

/** EN 16931 itself, no CIUS or extension: the specification identifier (BT-24) every conformant invoice may claim. */
export const EN16931_CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017";

const NS = {
  invoice: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
  creditNote: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
  cac: "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
  cbc: "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
  xmlns: "http://www.w3.org/2000/xmlns/",
} as const;

/**
 * Writes the model as a UBL 2.1 Invoice (380) or CreditNote (381), elements in the order the UBL schemas
 * require. No cbc:ProfileID (BT-23): it names a business process such as Peppol BIS Billing, whose own rules
 * (an electronic address for every buyer, among others) our invoices do not meet, and EN 16931 does not
 * require one. No cbc:IssueTime either: EN 16931 has no such term (UBL-CR-006).
 */
export function renderUbl(model: ModelInvoice): string {
  const creditNote = model.typeCode === "381";
  const root = create({ version: "1.0", encoding: "UTF-8" })
    .ele(creditNote ? NS.creditNote : NS.invoice, creditNote ? "CreditNote" : "Invoice")
    .att(NS.xmlns, "xmlns:cac", NS.cac)
    .att(NS.xmlns, "xmlns:cbc", NS.cbc);
  cbc(root, "CustomizationID", EN16931_CUSTOMIZATION_ID);
  cbc(root, "ID", model.number);
  cbc(root, "IssueDate", model.issueDate);
  cbc(root, creditNote ? "CreditNoteTypeCode" : "InvoiceTypeCode", model.typeCode);
  for (const note of model.notes) cbc(root, "Note", xmlText(note));
  cbc(root, "DocumentCurrencyCode", model.currency);
  if (model.precedingInvoice !== undefined) {
    const reference = cac(cac(root, "BillingReference"), "InvoiceDocumentReference");
    cbc(reference, "ID", model.precedingInvoice.number);
    cbc(reference, "IssueDate", model.precedingInvoice.issueDate);
  }
  party(cac(root, "AccountingSupplierParty"), model.seller);
  party(cac(root, "AccountingCustomerParty"), model.buyer);

  const taxTotal = cac(root, "TaxTotal");
  amount(taxTotal, "TaxAmount", model.totals.tax, model.currency);
  for (const entry of model.vatBreakdown) {
    const subtotal = cac(taxTotal, "TaxSubtotal");
    amount(subtotal, "TaxableAmount", entry.taxableAmount, model.currency);
    amount(subtotal, "TaxAmount", entry.taxAmount, model.currency);
    taxCategory(cac(subtotal, "TaxCategory"), entry.category);
  }

  const monetary = cac(root, "LegalMonetaryTotal");
  amount(monetary, "LineExtensionAmount", model.totals.lineNet, model.currency);
  amount(monetary, "TaxExclusiveAmount", model.totals.taxExclusive, model.currency);
  amount(monetary, "TaxInclusiveAmount", model.totals.taxInclusive, model.currency);
  amount(monetary, "PayableAmount", model.totals.payable, model.currency);

  for (const line of model.lines) invoiceLine(root, line, creditNote, model.currency);
  // wellFormed: a character XML cannot carry would throw here rather than be served (xmlText replaces them first).
  return root.end({ prettyPrint: true, wellFormed: true });
}

function invoiceLine(root: XMLBuilder, line: ModelLine, creditNote: boolean, currency: string): void {
  const element = cac(root, creditNote ? "CreditNoteLine" : "InvoiceLine");
  cbc(element, "ID", line.id);
  cbc(element, creditNote ? "CreditedQuantity" : "InvoicedQuantity", line.quantity).att("unitCode", line.unitCode);
  amount(element, "LineExtensionAmount", line.netAmount, currency);
  const item = cac(element, "Item");
  if (line.itemDescription !== undefined) cbc(item, "Description", xmlText(line.itemDescription));
  cbc(item, "Name", xmlText(line.itemName));
  taxCategory(cac(item, "ClassifiedTaxCategory"), line.vat);
  for (const attribute of line.itemAttributes) {
    const property = cac(item, "AdditionalItemProperty");
    cbc(property, "Name", xmlText(attribute.name));
    cbc(property, "Value", xmlText(attribute.value));
  }
  amount(cac(element, "Price"), "PriceAmount", line.netPrice, currency);
}

function party(parent: XMLBuilder, model: ModelParty): void {
  const element = cac(parent, "Party");
  cbc(cac(cac(element, "PostalAddress"), "Country"), "IdentificationCode", model.countryCode);
  if (model.vatIdentifier !== undefined) {
    const scheme = cac(element, "PartyTaxScheme");
    cbc(scheme, "CompanyID", model.vatIdentifier);
    cbc(cac(scheme, "TaxScheme"), "ID", "VAT");
  }
  const legal = cac(element, "PartyLegalEntity");
  cbc(legal, "RegistrationName", xmlText(model.name));
  if (model.legalRegistrationId !== undefined) cbc(legal, "CompanyID", model.legalRegistrationId);
}

function taxCategory(element: XMLBuilder, category: VatCategory): void {
  cbc(element, "ID", category.code);
  cbc(element, "Percent", String(category.rate));
  cbc(cac(element, "TaxScheme"), "ID", "VAT");
}

function amount(parent: XMLBuilder, name: string, fen: bigint, currency: string): void {
  cbc(parent, name, ublAmount(fen)).att("currencyID", currency);
}

/**
 * xmlbuilder2 (4.0.3) leaves an ampersand unescaped when what follows looks like a reference ("&amp;", "&x;",
 * "&#38;"; oozcitak/xmlbuilder2 issue #117), so a name such as "A&amp;B" would be read back as "A&B" and "&x;"
 * would not even parse. Every ampersand is therefore written as "&amp;" here, which the serializer then keeps as
 * it is; the round trip of such text is tested (test/documents/invoice-ubl.test.ts), so a release that changes
 * this behaviour fails there instead of double-escaping.
 */
function cbc(parent: XMLBuilder, name: string, text: string): XMLBuilder {
  return parent.ele(NS.cbc, `cbc:${name}`).txt(text.replace(/&/g, "&amp;"));
}

function cac(parent: XMLBuilder, name: string): XMLBuilder {
  return parent.ele(NS.cac, `cac:${name}`);
}
