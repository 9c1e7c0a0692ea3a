import type { VatCategory } from "./vat-category";

/**
 * The part of the EN 16931 semantic model our invoices fill, named by its business terms (BT-n) and groups
 * (BG-n). Our documents are mapped into this first (invoice-model.ts, credit-note-model.ts) and only then
 * written as UBL (render-ubl.ts), so the mapping decisions and the syntax stay apart. Money is integer fen.
 */
export interface ModelParty {
  /** BT-27 Seller name / BT-44 Buyer name. */
  name: string;
  /** BT-40 / BT-55 country code (ISO 3166-1 alpha-2). */
  countryCode: "CN";
  /** BT-31 / BT-48 VAT identifier, with its ISO 3166-1 country prefix (BR-CO-09). */
  vatIdentifier?: string;
  /** BT-30 / BT-47 legal registration identifier: the unified social credit code as issued. */
  legalRegistrationId?: string;
}

/** BG-25 Invoice line. */
export interface ModelLine {
  /** BT-126 */
  id: string;
  /** BT-129, a decimal as our document writes it. */
  quantity: string;
  /** BT-130, UN/ECE Recommendation 20/21. */
  unitCode: string;
  /** BT-131 */
  netAmount: bigint;
  /** BT-146, per one unit (no BT-149 base quantity). */
  netPrice: bigint;
  /** BT-153 */
  itemName: string;
  /** BT-154 */
  itemDescription?: string;
  /** BG-32 Item attributes (BT-160 name, BT-161 value). */
  itemAttributes: { name: string; value: string }[];
  /** BT-151 category and BT-152 rate. */
  vat: VatCategory;
  /** Not a business term: the line's VAT as our document holds it (rounded per line), summed into BG-23. */
  tax: bigint;
}

/** BG-23 VAT breakdown. */
export interface ModelVatBreakdown {
  /** BT-118 category and BT-119 rate. */
  category: VatCategory;
  /** BT-116 */
  taxableAmount: bigint;
  /** BT-117 */
  taxAmount: bigint;
}

export interface ModelInvoice {
  /** BT-3: 380 commercial invoice, 381 credit note. */
  typeCode: "380" | "381";
  /** BT-1 */
  number: string;
  /** BT-2, YYYY-MM-DD in China Standard Time. */
  issueDate: string;
  /** BT-5 */
  currency: "CNY";
  /** BT-22 */
  notes: string[];
  /** BG-3 Preceding invoice reference: BT-25 number, BT-26 issue date. */
  precedingInvoice?: { number: string; issueDate: string };
  /** BG-4 */
  seller: ModelParty;
  /** BG-7 */
  buyer: ModelParty;
  lines: ModelLine[];
  vatBreakdown: ModelVatBreakdown[];
  /** BG-22: BT-106 lineNet, BT-109 taxExclusive, BT-110 tax, BT-112 taxInclusive, BT-115 payable. */
  totals: { lineNet: bigint; taxExclusive: bigint; tax: bigint; taxInclusive: bigint; payable: bigint };
}
