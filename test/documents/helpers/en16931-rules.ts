import { all, first, textAt, type UblElement } from "./ubl-tree";

/**
 * A subset of the EN 16931 business rules (CEN/TC 434), checked over a UBL file: each rule named by its id,
 * worded as the CEN validation artefacts word it, and tested the way their UBL binding tests it
 * (EN16931-UBL-model.sch, -syntax.sch and -codes.sch of validation release 1.3.16), with two differences:
 * money is compared as integer fen (bigint), never floating point, and BR-S-08 is exact where the binding allows
 * a difference below one currency unit. BR-CO-17 and BR-S-09 keep the binding's tolerance (a category's tax
 * within less than one currency unit of taxable amount x rate): a Chinese invoice rounds tax line by line.
 *
 * The artefacts themselves (Schematron compiled to XSLT 2.0) do not come in any npm package, so they cannot run
 * here; RULE_IDS lists exactly what this file checks. Rules about parts our files never contain (allowances,
 * charges, payment means, delivery, periods, other VAT categories) are left out.
 */
export interface Rule {
  id: string;
  text: string;
  /** Where the rule fails (empty when it holds). */
  check: (doc: UblElement) => string[];
}

export interface Violation {
  id: string;
  text: string;
  where: string;
}

// ISO 3166-1 alpha-2 as BR-CL-14 lists it (with 1A and XI); BR-CO-09 also accepts EL for Greece.
const COUNTRY_CODES = new Set(
  "1A AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XI YE YT ZA ZM ZW".split(" "),
);
const INVOICE_TYPE_CODES = new Set("71 80 81 82 84 102 130 202 203 204 211 218 219 295 325 326 331 380 382 383 384 385 386 387 388 389 390 393 394 395 456 457 471 472 473 500 501 527 553 575 623 633 751 780 817 870 875 876 877 935".split(" "));
const CREDIT_NOTE_TYPE_CODES = new Set("81 83 261 262 296 308 381 396 420 458 502 503 532".split(" "));
const VAT_CATEGORY_CODES = new Set("AE L M E S Z G O K B".split(" "));
/**
 * Only part of the BR-CL-23 list (UN/ECE Recommendation 20 with Recommendation 21, some 2,000 codes): the codes
 * api/documents/ubl/unit-code.ts can write, each checked to be on the artefacts' list. A valid code outside this
 * part would be reported too, so this check is stricter than the rule, never looser.
 */
export const UNIT_CODES_CHECKED = new Set("ANN C62 CMT DAY GRM HUR KGM KMT KWH LTR MGM MIN MLT MMT MON MTK MTQ MTR PR SET TNE WEE XBG XBO XBX XPK XRO".split(" "));

// ---- reading amounts exactly

const AMOUNT = /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/;

/** An amount with at most two decimals as integer fen, or undefined (then BR-DEC-* report it too). */
export function fenAt(from: UblElement | undefined, path?: string): bigint | undefined {
  const element = from === undefined ? undefined : path === undefined ? from : first(from, path);
  const match = element === undefined ? null : AMOUNT.exec(element.text.trim());
  if (match === null) return undefined;
  const fen = BigInt(match[2] ?? "0") * 100n + BigInt((match[3] ?? "").padEnd(2, "0"));
  return match[1] === "-" ? -fen : fen;
}

/** A percentage as an exact fraction units / scale, or undefined. */
function percentAt(from: UblElement | undefined): { units: bigint; scale: bigint } | undefined {
  const match = from === undefined ? null : /^([0-9]+)(?:\.([0-9]+))?$/.exec(from.text.trim());
  if (match === null) return undefined;
  const fraction = match[2] ?? "";
  return { units: BigInt((match[1] ?? "0") + fraction), scale: 10n ** BigInt(fraction.length) };
}

const abs = (value: bigint) => (value < 0n ? -value : value);

/** XPath round(taxable x percent / 100) to the fen, for a non-negative taxable amount: half up. */
function taxAtRate(taxableFen: bigint, percent: { units: bigint; scale: bigint }): bigint {
  const numerator = abs(taxableFen) * percent.units;
  const denominator = 100n * percent.scale;
  return (2n * numerator + denominator) / (2n * denominator);
}

/** XPath round() of an amount in currency units, given in fen: round(x) = floor(x + 0.5). */
function roundedUnits(fen: bigint): bigint {
  const shifted = fen + 50n;
  return shifted >= 0n ? shifted / 100n : -((-shifted + 99n) / 100n);
}

/** decimals of an amount's text as written (BR-DEC-*: string-length(substring-after(., '.')) <= 2). */
function decimalsOf(element: UblElement): number {
  const text = element.text;
  const point = text.indexOf(".");
  return point < 0 ? 0 : text.length - point - 1;
}

// ---- the parts rules look at

const lines = (doc: UblElement) => [...all(doc, "cac:InvoiceLine"), ...all(doc, "cac:CreditNoteLine")];
const lineWhere = (line: UblElement, index: number) => `${line.name}[${index + 1}]`;
const subtotals = (doc: UblElement) => all(doc, "cac:TaxTotal/cac:TaxSubtotal");
const isVat = (category: UblElement) => textAt(category, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT";
/** The VAT category of a line (Item/ClassifiedTaxCategory) or of a breakdown entry (TaxCategory). */
function vatCategoryOf(element: UblElement): UblElement | undefined {
  const categories = element.name === "cac:TaxSubtotal" ? all(element, "cac:TaxCategory") : all(element, "cac:Item/cac:ClassifiedTaxCategory");
  return categories.find(isVat);
}
const categoryCode = (element: UblElement) => {
  const category = vatCategoryOf(element);
  return category === undefined ? "" : textAt(category, "cbc:ID");
};
const sellerParty = (doc: UblElement) => first(doc, "cac:AccountingSupplierParty/cac:Party");
const buyerParty = (doc: UblElement) => first(doc, "cac:AccountingCustomerParty/cac:Party");
const monetaryTotal = (doc: UblElement) => first(doc, "cac:LegalMonetaryTotal");
const sellerHasVatId = (doc: UblElement) => {
  const seller = sellerParty(doc);
  return seller !== undefined && all(seller, "cac:PartyTaxScheme/cbc:CompanyID").some((id) => id.text.trim() !== "");
};

// ---- rule builders

const rule = (id: string, text: string, check: (doc: UblElement) => string[]): Rule => ({ id, text, check });
const holds = (ok: boolean, where = "document") => (ok ? [] : [where]);
/** A rule over each invoice line: `ok(line)` must hold for every one. */
const eachLine = (id: string, text: string, ok: (line: UblElement) => boolean): Rule =>
  rule(id, text, (doc) => lines(doc).flatMap((line, i) => holds(ok(line), lineWhere(line, i))));
/** A rule over each VAT breakdown entry. */
const eachSubtotal = (id: string, text: string, ok: (subtotal: UblElement, doc: UblElement) => boolean): Rule =>
  rule(id, text, (doc) => subtotals(doc).flatMap((subtotal, i) => holds(ok(subtotal, doc), `cac:TaxSubtotal[${i + 1}]`)));
/** A rule over each VAT breakdown entry of one category. */
const eachCategory = (code: string, id: string, text: string, ok: (subtotal: UblElement, doc: UblElement) => boolean): Rule =>
  eachSubtotal(id, text, (subtotal, doc) => categoryCode(subtotal) !== code || ok(subtotal, doc));
/** BR-DEC-*: at most two decimals in the amounts at `path` below the element `context` picks. */
const decimals = (id: string, text: string, context: (doc: UblElement) => UblElement[], path: string): Rule =>
  rule(id, text, (doc) => context(doc).flatMap((element) => all(element, path).flatMap((amount) => holds(decimalsOf(amount) <= 2, `${element.name}/${path}`))));

/** Σ of the net amounts of the lines in category `code` at rate `percent`, or undefined when one is unreadable. */
function lineNetSum(doc: UblElement, code: string, percent?: string): bigint | undefined {
  let sum = 0n;
  for (const line of lines(doc)) {
    const category = vatCategoryOf(line);
    if (category === undefined || textAt(category, "cbc:ID") !== code) continue;
    if (percent !== undefined && !samePercent(textAt(category, "cbc:Percent"), percent)) continue;
    const net = fenAt(line, "cbc:LineExtensionAmount");
    if (net === undefined) return undefined;
    sum += net;
  }
  return sum;
}

function samePercent(a: string, b: string): boolean {
  const x = percentAt({ name: "", attributes: {}, text: a, children: [] });
  const y = percentAt({ name: "", attributes: {}, text: b, children: [] });
  return x !== undefined && y !== undefined && x.units * y.scale === y.units * x.scale;
}

/** |tax - round(|taxable| x rate / 100)| below one currency unit, as BR-CO-17 and BR-S-09 test it. */
function taxWithinAUnit(subtotal: UblElement): boolean {
  const tax = fenAt(subtotal, "cbc:TaxAmount");
  const taxable = fenAt(subtotal, "cbc:TaxableAmount");
  const percent = percentAt(first(vatCategoryOf(subtotal) ?? subtotal, "cbc:Percent"));
  if (tax === undefined || taxable === undefined || percent === undefined) return false;
  const expected = taxAtRate(taxable, percent);
  return abs(tax) - 100n < expected && abs(tax) + 100n > expected;
}

export const RULES: readonly Rule[] = [
  // ---- the invoice as a whole
  rule("BR-01", "An Invoice shall have a Specification identifier (BT-24).", (doc) => holds(textAt(doc, "cbc:CustomizationID") !== "")),
  rule("BR-02", "An Invoice shall have an Invoice number (BT-1).", (doc) => holds(textAt(doc, "cbc:ID") !== "")),
  rule("BR-03", "An Invoice shall have an Invoice issue date (BT-2).", (doc) => holds(textAt(doc, "cbc:IssueDate") !== "")),
  rule("BR-04", "An Invoice shall have an Invoice type code (BT-3).", (doc) => holds(textAt(doc, "cbc:InvoiceTypeCode") !== "" || textAt(doc, "cbc:CreditNoteTypeCode") !== "")),
  rule("BR-05", "An Invoice shall have an Invoice currency code (BT-5).", (doc) => holds(textAt(doc, "cbc:DocumentCurrencyCode") !== "")),
  rule("BR-06", "An Invoice shall contain the Seller name (BT-27).", (doc) => holds(textAt(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName") !== "")),
  rule("BR-07", "An Invoice shall contain the Buyer name (BT-44).", (doc) => holds(textAt(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName") !== "")),
  rule("BR-08", "An Invoice shall contain the Seller postal address.", (doc) => holds(first(doc, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress") !== undefined)),
  rule("BR-09", "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).", (doc) =>
    all(doc, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress").flatMap((address) => holds(textAt(address, "cac:Country/cbc:IdentificationCode") !== "", "seller address")),
  ),
  rule("BR-10", "An Invoice shall contain the Buyer postal address (BG-8).", (doc) => holds(first(doc, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress") !== undefined)),
  rule("BR-11", "The Buyer postal address shall contain a Buyer country code (BT-55).", (doc) =>
    all(doc, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress").flatMap((address) => holds(textAt(address, "cac:Country/cbc:IdentificationCode") !== "", "buyer address")),
  ),
  rule("BR-12", "An Invoice shall have the Sum of Invoice line net amount (BT-106).", (doc) => holds(first(doc, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") !== undefined)),
  rule("BR-13", "An Invoice shall have the Invoice total amount without VAT (BT-109).", (doc) => holds(first(doc, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") !== undefined)),
  rule("BR-14", "An Invoice shall have the Invoice total amount with VAT (BT-112).", (doc) => holds(first(doc, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") !== undefined)),
  rule("BR-15", "An Invoice shall have the Amount due for payment (BT-115).", (doc) => holds(first(doc, "cac:LegalMonetaryTotal/cbc:PayableAmount") !== undefined)),
  rule("BR-16", "An Invoice shall have at least one Invoice line (BG-25)", (doc) => holds(lines(doc).length > 0)),
  rule("BR-55", "Each Preceding Invoice reference (BG-3) shall contain a Preceding Invoice reference (BT-25).", (doc) =>
    all(doc, "cac:BillingReference").flatMap((reference, i) => holds(first(reference, "cac:InvoiceDocumentReference/cbc:ID") !== undefined, `cac:BillingReference[${i + 1}]`)),
  ),
  rule("BR-CO-09", "The Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) shall have a prefix in accordance with ISO code ISO 3166-1 alpha-2 by which the country of issue may be identified. Nevertheless, Greece may use the prefix 'EL'.", (doc) =>
    ["cac:AccountingSupplierParty/cac:Party", "cac:AccountingCustomerParty/cac:Party", "cac:TaxRepresentativeParty"].flatMap((path) =>
      all(doc, `${path}/cac:PartyTaxScheme`)
        .filter(isVat)
        .flatMap((scheme) => {
          const prefix = textAt(scheme, "cbc:CompanyID").slice(0, 2);
          return holds(COUNTRY_CODES.has(prefix) || prefix === "EL", path);
        }),
    ),
  ),
  rule("BR-CO-10", "Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).", (doc) => {
    const sum = lines(doc).reduce<bigint | undefined>((acc, line) => {
      const net = fenAt(line, "cbc:LineExtensionAmount");
      return acc === undefined || net === undefined ? undefined : acc + net;
    }, 0n);
    const total = fenAt(monetaryTotal(doc), "cbc:LineExtensionAmount");
    return holds(sum !== undefined && total !== undefined && sum === total);
  }),
  rule("BR-CO-13", "Invoice total amount without VAT (BT-109) = Σ Invoice line net amount (BT-131) - Sum of allowances on document level (BT-107) + Sum of charges on document level (BT-108).", (doc) => {
    const totals = monetaryTotal(doc);
    const lineNet = fenAt(totals, "cbc:LineExtensionAmount");
    const taxExclusive = fenAt(totals, "cbc:TaxExclusiveAmount");
    const allowances = totals === undefined || first(totals, "cbc:AllowanceTotalAmount") === undefined ? 0n : fenAt(totals, "cbc:AllowanceTotalAmount");
    const charges = totals === undefined || first(totals, "cbc:ChargeTotalAmount") === undefined ? 0n : fenAt(totals, "cbc:ChargeTotalAmount");
    return holds(lineNet !== undefined && taxExclusive !== undefined && allowances !== undefined && charges !== undefined && taxExclusive === lineNet - allowances + charges);
  }),
  rule("BR-CO-14", "Invoice total VAT amount (BT-110) = Σ VAT category tax amount (BT-117).", (doc) =>
    all(doc, "cac:TaxTotal")
      .filter((total) => all(total, "cac:TaxSubtotal").length > 0)
      .flatMap((total, i) => {
        const stated = fenAt(total, "cbc:TaxAmount");
        const sum = all(total, "cac:TaxSubtotal").reduce<bigint | undefined>((acc, subtotal) => {
          const tax = fenAt(subtotal, "cbc:TaxAmount");
          return acc === undefined || tax === undefined ? undefined : acc + tax;
        }, 0n);
        return holds(stated !== undefined && sum !== undefined && stated === sum, `cac:TaxTotal[${i + 1}]`);
      }),
  ),
  rule("BR-CO-15", "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110).", (doc) => {
    const currency = textAt(doc, "cbc:DocumentCurrencyCode");
    const taxAmounts = all(doc, "cac:TaxTotal/cbc:TaxAmount").filter((amount) => amount.attributes["currencyID"] === currency);
    const tax = taxAmounts.length === 1 ? fenAt(taxAmounts[0]) : undefined;
    const taxInclusive = fenAt(monetaryTotal(doc), "cbc:TaxInclusiveAmount");
    const taxExclusive = fenAt(monetaryTotal(doc), "cbc:TaxExclusiveAmount");
    return holds(tax !== undefined && taxInclusive !== undefined && taxExclusive !== undefined && taxInclusive === taxExclusive + tax);
  }),
  rule("BR-CO-16", "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) -Paid amount (BT-113) +Rounding amount (BT-114).", (doc) => {
    const totals = monetaryTotal(doc);
    const payable = fenAt(totals, "cbc:PayableAmount");
    const taxInclusive = fenAt(totals, "cbc:TaxInclusiveAmount");
    const prepaid = totals === undefined || first(totals, "cbc:PrepaidAmount") === undefined ? 0n : fenAt(totals, "cbc:PrepaidAmount");
    const rounding = totals === undefined || first(totals, "cbc:PayableRoundingAmount") === undefined ? 0n : fenAt(totals, "cbc:PayableRoundingAmount");
    return holds(payable !== undefined && taxInclusive !== undefined && prepaid !== undefined && rounding !== undefined && payable === taxInclusive - prepaid + rounding);
  }),
  eachSubtotal("BR-CO-17", "VAT category tax amount (BT-117) = VAT category taxable amount (BT-116) x (VAT category rate (BT-119) / 100), rounded to two decimals.", (subtotal) => {
    const tax = fenAt(subtotal, "cbc:TaxAmount");
    const percent = percentAt(first(vatCategoryOf(subtotal) ?? subtotal, "cbc:Percent"));
    if (tax === undefined) return false;
    // No rate, or one that rounds to 0: the tax must round to 0; otherwise within a unit of taxable x rate.
    if (percent === undefined || (2n * percent.units + percent.scale) / (2n * percent.scale) === 0n) return roundedUnits(tax) === 0n;
    return taxWithinAUnit(subtotal);
  }),
  rule("BR-CO-18", "An Invoice shall at least have one VAT breakdown group (BG-23).", (doc) => holds(subtotals(doc).length > 0)),
  rule("BR-CO-26", "In order for the buyer to automatically identify a supplier, the Seller identifier (BT-29), the Seller legal registration identifier (BT-30) and/or the Seller VAT identifier (BT-31) shall be present.", (doc) => {
    const seller = sellerParty(doc);
    const present = (path: string) => seller !== undefined && all(seller, path).some((element) => element.attributes["schemeID"] !== "SEPA");
    return holds(seller !== undefined && (all(seller, "cac:PartyTaxScheme").filter(isVat).some((scheme) => first(scheme, "cbc:CompanyID") !== undefined) || present("cac:PartyIdentification/cbc:ID") || present("cac:PartyLegalEntity/cbc:CompanyID")));
  }),

  // ---- invoice lines
  eachLine("BR-21", "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126).", (line) => textAt(line, "cbc:ID") !== ""),
  eachLine("BR-22", "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).", (line) => first(line, "cbc:InvoicedQuantity") !== undefined || first(line, "cbc:CreditedQuantity") !== undefined),
  eachLine("BR-23", "An Invoice line (BG-25) shall have an Invoiced quantity unit of measure code (BT-130).", (line) =>
    [...all(line, "cbc:InvoicedQuantity"), ...all(line, "cbc:CreditedQuantity")].some((quantity) => quantity.attributes["unitCode"] !== undefined),
  ),
  eachLine("BR-24", "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).", (line) => first(line, "cbc:LineExtensionAmount") !== undefined),
  eachLine("BR-25", "Each Invoice line (BG-25) shall contain the Item name (BT-153).", (line) => textAt(line, "cac:Item/cbc:Name") !== ""),
  eachLine("BR-26", "Each Invoice line (BG-25) shall contain the Item net price (BT-146).", (line) => first(line, "cac:Price/cbc:PriceAmount") !== undefined),
  eachLine("BR-27", "The Item net price (BT-146) shall NOT be negative.", (line) => {
    const price = first(line, "cac:Price/cbc:PriceAmount");
    return price === undefined || (fenAt(price) ?? -1n) >= 0n;
  }),
  eachLine("BR-CO-04", "Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151).", (line) => {
    const category = vatCategoryOf(line);
    return category !== undefined && first(category, "cbc:ID") !== undefined;
  }),

  // ---- VAT breakdown
  eachSubtotal("BR-45", "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116).", (subtotal) => first(subtotal, "cbc:TaxableAmount") !== undefined),
  eachSubtotal("BR-46", "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117).", (subtotal) => first(subtotal, "cbc:TaxAmount") !== undefined),
  eachSubtotal("BR-47", "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).", (subtotal) => {
    const category = vatCategoryOf(subtotal);
    return category !== undefined && first(category, "cbc:ID") !== undefined;
  }),
  eachSubtotal("BR-48", "Each VAT breakdown (BG-23) shall have a VAT category rate (BT-119), except if the Invoice is not subject to VAT.", (subtotal) => {
    const category = vatCategoryOf(subtotal);
    return category !== undefined && (first(category, "cbc:Percent") !== undefined || textAt(category, "cbc:ID") === "O");
  }),

  // ---- standard rated (S)
  rule("BR-S-01", 'An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is "Standard rated" shall contain in the VAT breakdown (BG-23) at least one VAT category code (BT-118) equal with "Standard rated".', (doc) => {
    const onLines = lines(doc).some((line) => all(line, "cac:Item/cac:ClassifiedTaxCategory").some((category) => textAt(category, "cbc:ID") === "S"));
    const inBreakdown = subtotals(doc).some((subtotal) => all(subtotal, "cac:TaxCategory").some((category) => textAt(category, "cbc:ID") === "S"));
    return holds(onLines === inBreakdown);
  }),
  rule("BR-S-02", 'An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is "Standard rated" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).', (doc) =>
    holds(!lines(doc).some((line) => categoryCode(line) === "S") || sellerHasVatId(doc)),
  ),
  eachLine("BR-S-05", 'In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is "Standard rated" the Invoiced item VAT rate (BT-152) shall be greater than zero.', (line) => {
    if (categoryCode(line) !== "S") return true;
    const percent = percentAt(first(vatCategoryOf(line) ?? line, "cbc:Percent"));
    return percent !== undefined && percent.units > 0n;
  }),
  eachCategory("S", "BR-S-08", 'For each different value of VAT category rate (BT-119) where the VAT category code (BT-118) is "Standard rated", the VAT category taxable amount (BT-116) in a VAT breakdown (BG-23) shall equal the sum of Invoice line net amounts (BT-131) plus the sum of document level charge amounts (BT-99) minus the sum of document level allowance amounts (BT-92) where the VAT category code (BT-151, BT-102, BT-95) is "Standard rated" and the VAT rate (BT-152, BT-103, BT-96) equals the VAT category rate (BT-119).', (subtotal, doc) => {
    const percent = textAt(vatCategoryOf(subtotal) ?? subtotal, "cbc:Percent");
    const hasLine = lines(doc).some((line) => categoryCode(line) === "S" && samePercent(textAt(vatCategoryOf(line) ?? line, "cbc:Percent"), percent));
    const sum = lineNetSum(doc, "S", percent);
    const taxable = fenAt(subtotal, "cbc:TaxableAmount");
    return hasLine && sum !== undefined && taxable === sum;
  }),
  eachCategory("S", "BR-S-09", 'The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is "Standard rated" shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate (BT-119).', (subtotal) => taxWithinAUnit(subtotal)),
  eachCategory("S", "BR-S-10", 'A VAT breakdown (BG-23) with VAT Category code (BT-118) "Standard rate" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).', (subtotal) => {
    const category = vatCategoryOf(subtotal);
    return category !== undefined && first(category, "cbc:TaxExemptionReason") === undefined && first(category, "cbc:TaxExemptionReasonCode") === undefined;
  }),

  // ---- zero rated (Z)
  rule("BR-Z-01", 'An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is "Zero rated" shall contain in the VAT breakdown (BG-23) exactly one VAT category code (BT-118) equal with "Zero rated".', (doc) => {
    const onLines = lines(doc).some((line) => categoryCode(line) === "Z");
    const inBreakdown = subtotals(doc).filter((subtotal) => categoryCode(subtotal) === "Z").length;
    return holds(onLines ? inBreakdown === 1 : inBreakdown === 0);
  }),
  rule("BR-Z-02", 'An Invoice that contains an Invoice line where the Invoiced item VAT category code (BT-151) is "Zero rated" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).', (doc) =>
    holds(!lines(doc).some((line) => categoryCode(line) === "Z") || sellerHasVatId(doc)),
  ),
  eachLine("BR-Z-05", 'In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is "Zero rated" the Invoiced item VAT rate (BT-152) shall be 0 (zero).', (line) => {
    if (categoryCode(line) !== "Z") return true;
    const percent = percentAt(first(vatCategoryOf(line) ?? line, "cbc:Percent"));
    return percent !== undefined && percent.units === 0n;
  }),
  eachCategory("Z", "BR-Z-08", 'In a VAT breakdown (BG-23) where VAT category code (BT-118) is "Zero rated" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amount (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are "Zero rated".', (subtotal, doc) => {
    const sum = lineNetSum(doc, "Z");
    return sum !== undefined && fenAt(subtotal, "cbc:TaxableAmount") === sum;
  }),
  eachCategory("Z", "BR-Z-09", 'The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is "Zero rated" shall equal 0 (zero).', (subtotal) => fenAt(subtotal, "cbc:TaxAmount") === 0n),
  eachCategory("Z", "BR-Z-10", 'A VAT breakdown (BG-23) with VAT Category code (BT-118) "Zero rated" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).', (subtotal) => {
    const category = vatCategoryOf(subtotal);
    return category !== undefined && first(category, "cbc:TaxExemptionReason") === undefined && first(category, "cbc:TaxExemptionReasonCode") === undefined;
  }),

  // ---- decimals
  decimals("BR-DEC-09", "The allowed maximum number of decimals for the Sum of Invoice line net amount (BT-106) is 2.", (doc) => all(doc, "cac:LegalMonetaryTotal"), "cbc:LineExtensionAmount"),
  decimals("BR-DEC-12", "The allowed maximum number of decimals for the Invoice total amount without VAT (BT-109) is 2.", (doc) => all(doc, "cac:LegalMonetaryTotal"), "cbc:TaxExclusiveAmount"),
  decimals("BR-DEC-13", "The allowed maximum number of decimals for the Invoice total VAT amount (BT-110) is 2.", (doc) => all(doc, "cac:TaxTotal"), "cbc:TaxAmount"),
  decimals("BR-DEC-14", "The allowed maximum number of decimals for the Invoice total amount with VAT (BT-112) is 2.", (doc) => all(doc, "cac:LegalMonetaryTotal"), "cbc:TaxInclusiveAmount"),
  decimals("BR-DEC-18", "The allowed maximum number of decimals for the Amount due for payment (BT-115) is 2.", (doc) => all(doc, "cac:LegalMonetaryTotal"), "cbc:PayableAmount"),
  decimals("BR-DEC-19", "The allowed maximum number of decimals for the VAT category taxable amount (BT-116) is 2.", subtotals, "cbc:TaxableAmount"),
  decimals("BR-DEC-20", "The allowed maximum number of decimals for the VAT category tax amount (BT-117) is 2.", subtotals, "cbc:TaxAmount"),
  decimals("BR-DEC-23", "The allowed maximum number of decimals for the Invoice line net amount (BT-131) is 2.", lines, "cbc:LineExtensionAmount"),

  // ---- code lists
  rule("BR-CL-01", "The document type code MUST be coded by the invoice and credit note related code lists of UNTDID 1001.", (doc) => [
    ...all(doc, "cbc:InvoiceTypeCode").flatMap((code) => holds(INVOICE_TYPE_CODES.has(code.text.trim()), "cbc:InvoiceTypeCode")),
    ...all(doc, "cbc:CreditNoteTypeCode").flatMap((code) => holds(CREDIT_NOTE_TYPE_CODES.has(code.text.trim()), "cbc:CreditNoteTypeCode")),
  ]),
  rule("BR-CL-14", "Country codes in an invoice MUST be coded using ISO code list 3166-1", (doc) =>
    ["cac:AccountingSupplierParty/cac:Party", "cac:AccountingCustomerParty/cac:Party"].flatMap((path) =>
      all(doc, `${path}/cac:PostalAddress/cac:Country/cbc:IdentificationCode`).flatMap((code) => holds(COUNTRY_CODES.has(code.text.trim()), path)),
    ),
  ),
  rule("BR-CL-17", "Invoice tax categories MUST be coded using UNCL5305 code list", (doc) =>
    all(doc, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID").flatMap((code) => holds(VAT_CATEGORY_CODES.has(code.text.trim()), "cac:TaxCategory")),
  ),
  eachLine("BR-CL-18", "Invoice tax categories MUST be coded using UNCL5305 code list", (line) => all(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID").every((code) => VAT_CATEGORY_CODES.has(code.text.trim()))),
  eachLine("BR-CL-23", "Unit code MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 extension (checked against the part of the list in UNIT_CODES_CHECKED)", (line) =>
    [...all(line, "cbc:InvoicedQuantity"), ...all(line, "cbc:CreditedQuantity")].every((quantity) => quantity.attributes["unitCode"] === undefined || UNIT_CODES_CHECKED.has(quantity.attributes["unitCode"])),
  ),

  // ---- UBL syntax binding
  eachLine("UBL-SR-48", "Invoice lines shall have one and only one classified tax category.", (line) => all(line, "cac:Item/cac:ClassifiedTaxCategory").length === 1),
  eachLine("UBL-SR-50", "Item description shall occur maximum once", (line) => all(line, "cac:Item/cbc:Description").length <= 1),
  rule("UBL-SR-09", "Seller name shall occur maximum once", (doc) => holds(all(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName").length <= 1)),
  rule("UBL-SR-15", "Buyer name shall occur maximum once", (doc) => holds(all(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName").length <= 1)),
  rule("UBL-SR-06", "Preceding invoice reference shall occur maximum once", (doc) => all(doc, "cac:BillingReference").flatMap((reference) => holds(all(reference, "cac:InvoiceDocumentReference").length <= 1, "cac:BillingReference"))),
  rule("UBL-CR-006", "A UBL invoice should not include the IssueTime (a warning in the artefacts)", (doc) => holds(first(doc, "cbc:IssueTime") === undefined)),
];

/** Exactly the rules this file checks, in order. */
export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/** Every rule the document breaks, with where. */
export function en16931Violations(doc: UblElement): Violation[] {
  return RULES.flatMap((r) => r.check(doc).map((where) => ({ id: r.id, text: r.text, where })));
}
