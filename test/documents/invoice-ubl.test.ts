import { expect } from "chai";
import fc from "fast-check";

import { invoiceUbl, type UblInput } from "../../api/documents/ubl/invoice-ubl";
import { UNIT_ATTRIBUTE_NAME } from "../../api/documents/ubl/invoice-lines";
import { ERASED_BUYER_NAME } from "../../api/documents/ubl/parties";
import { apportion } from "../../api/documents/ubl/reversal-lines";
import { unitCode, unitCodesInUse } from "../../api/documents/ubl/unit-code";
import { xmlText } from "../../api/documents/ubl/xml-text";
import type { CreditNoteDocument, InvoiceDocument } from "../../api/domain/invoice-document";
import { TAX_RATES, lineAmount, lineTax, type TaxRate } from "../../api/domain/money";
import { withCheckCharacter } from "../../api/domain/taxpayer-id";
import { canonicalText, canonicalXml } from "./helpers/canonical-xml";
import { en16931Violations, fenAt, RULE_IDS, UNIT_CODES_CHECKED } from "./helpers/en16931-rules";
import { all, copyOf, first, parseUbl, textAt, type UblElement } from "./helpers/ubl-tree";
import { xsdErrors, xsdErrorsOf } from "./helpers/ubl-xsd";

/**
 * api/documents/ubl writes our invoices and red-letter credit notes as UBL 2.1 following EN 16931: every file
 * here is valid against the OASIS UBL 2.1 schemas (shared/vendor/ubl-2.1, read in place) and breaks none of the
 * EN 16931 rules that test/documents/en16931-rules.ts checks, its amounts equal our documents' to the fen, and
 * both checks are shown to refuse damaged files (each rule by at least one damage).
 */

const SELLER = { name: "深圳市前海示例科技有限公司", taxpayerId: withCheckCharacter("91440300MA5F00001") };
const BUYER_ORG = { type: "organisation" as const, name: "广州示例贸易有限公司", taxpayerId: withCheckCharacter("91440101MA5F00002") };
const INVOICE_NUMBER = "26440000000000000042";
const NOTE_NUMBER = "26440000000000000043";

type ItemSpec = { name: string; quantity: string; unitPrice: bigint; taxRate: TaxRate; unit?: string | undefined; specification?: string | undefined };

/** A document the way the API builds one: amounts and tax computed by the domain's own rules. */
function invoiceDocument(specs: readonly ItemSpec[], buyer: InvoiceDocument["buyer"] = BUYER_ORG, extra: { remarks?: string; issuedAt?: string } = {}): InvoiceDocument {
  let amount = 0n;
  let tax = 0n;
  const items = specs.map((spec) => {
    const lineAmountFen = lineAmount(spec.quantity, spec.unitPrice);
    const lineTaxFen = lineTax(lineAmountFen, spec.taxRate);
    amount += lineAmountFen;
    tax += lineTaxFen;
    return {
      name: spec.name,
      ...(spec.specification === undefined ? {} : { specification: spec.specification }),
      ...(spec.unit === undefined ? {} : { unit: spec.unit }),
      quantity: spec.quantity,
      unitPrice: spec.unitPrice.toString(),
      amount: lineAmountFen.toString(),
      taxRate: spec.taxRate,
      tax: lineTaxFen.toString(),
    };
  });
  return {
    kind: "invoice",
    version: 1,
    reference: "ORDER-1",
    issuedAt: extra.issuedAt ?? "2026-03-01T17:30:00.000Z",
    currency: "CNY",
    seller: SELLER,
    buyer,
    items,
    totals: { amount: amount.toString(), tax: tax.toString(), total: (amount + tax).toString() },
    ...(extra.remarks === undefined ? {} : { remarks: extra.remarks }),
  };
}

function creditNote(original: InvoiceDocument, totals: { amount: bigint; tax: bigint }, reason: CreditNoteDocument["reason"] = "sales-return"): CreditNoteDocument {
  return {
    kind: "credit-note",
    version: 1,
    reference: "REFUND-1",
    issuedAt: "2026-03-05T01:00:00.000Z",
    currency: "CNY",
    seller: SELLER,
    original: { id: `0x${"ab".repeat(32)}`, number: "42" },
    reason,
    totals: { amount: totals.amount.toString(), tax: totals.tax.toString(), total: (totals.amount + totals.tax).toString() },
  };
}

const creditNoteInput = (original: InvoiceDocument, note: CreditNoteDocument): UblInput => ({
  kind: "credit-note",
  printedNumber: NOTE_NUMBER,
  document: note,
  original: { printedNumber: INVOICE_NUMBER, issuedAt: original.issuedAt, document: original },
});

const MULTI_RATE: ItemSpec[] = [
  { name: "咨询服务", specification: "2026年3月", unit: "小时", quantity: "2.5", unitPrice: 40_000n, taxRate: 6 },
  { name: "办公用品", unit: "箱", quantity: "3", unitPrice: 3_333n, taxRate: 13 },
  { name: "打印纸", unit: "包", quantity: "0.333", unitPrice: 2_999n, taxRate: 13 },
  { name: "出口样品", quantity: "1", unitPrice: 500n, taxRate: 0 },
];

/** Parses, checks the XSD and every rule, and gives the tree for further assertions. */
async function checked(xml: string, schema: "Invoice" | "CreditNote"): Promise<UblElement> {
  expect(await xsdErrorsOf(xml, schema)).to.deep.equal([]);
  const doc = parseUbl(xml);
  expect(doc.name).to.equal(schema);
  expect(en16931Violations(doc)).to.deep.equal([]);
  return doc;
}

const fenOfText = (doc: UblElement, path: string) => fenAt(doc, path);
const lineElements = (doc: UblElement) => [...all(doc, "cac:InvoiceLine"), ...all(doc, "cac:CreditNoteLine")];
const breakdown = (doc: UblElement) =>
  all(doc, "cac:TaxTotal/cac:TaxSubtotal").map((subtotal) => ({
    category: textAt(subtotal, "cac:TaxCategory/cbc:ID"),
    percent: textAt(subtotal, "cac:TaxCategory/cbc:Percent"),
    taxable: fenAt(subtotal, "cbc:TaxableAmount"),
    tax: fenAt(subtotal, "cbc:TaxAmount"),
  }));
const totalsOf = (doc: UblElement) => ({
  lineNet: fenOfText(doc, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount"),
  taxExclusive: fenOfText(doc, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
  tax: fenOfText(doc, "cac:TaxTotal/cbc:TaxAmount"),
  taxInclusive: fenOfText(doc, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
  payable: fenOfText(doc, "cac:LegalMonetaryTotal/cbc:PayableAmount"),
});
const documentTotals = (totals: { amount: string; tax: string; total: string }) => ({
  lineNet: BigInt(totals.amount),
  taxExclusive: BigInt(totals.amount),
  tax: BigInt(totals.tax),
  taxInclusive: BigInt(totals.total),
  payable: BigInt(totals.total),
});

describe("api/documents/ubl: invoices and credit notes as UBL 2.1 / EN 16931", () => {
  describe("an invoice", () => {
    it("to an organisation, with several rates (0 % among them) and decimal quantities: valid, every rule held, amounts those of the document", async () => {
      const document = invoiceDocument(MULTI_RATE, BUYER_ORG, { remarks: "合同号 HT-2026-001" });
      const doc = await checked(invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document }), "Invoice");

      expect(textAt(doc, "cbc:CustomizationID")).to.equal("urn:cen.eu:en16931:2017");
      expect(first(doc, "cbc:ProfileID")).to.equal(undefined);
      expect(textAt(doc, "cbc:ID")).to.equal(INVOICE_NUMBER);
      // 17:30 UTC on 1 March is 01:30 on 2 March in China.
      expect(textAt(doc, "cbc:IssueDate")).to.equal("2026-03-02");
      expect(textAt(doc, "cbc:InvoiceTypeCode")).to.equal("380");
      expect(textAt(doc, "cbc:DocumentCurrencyCode")).to.equal("CNY");
      expect(all(doc, "cbc:Note").map((note) => note.text)).to.deep.equal(["合同号 HT-2026-001"]);

      const seller = first(doc, "cac:AccountingSupplierParty/cac:Party");
      const buyer = first(doc, "cac:AccountingCustomerParty/cac:Party");
      if (seller === undefined || buyer === undefined) throw new Error("parties missing");
      expect(textAt(seller, "cac:PartyLegalEntity/cbc:RegistrationName")).to.equal(SELLER.name);
      expect(textAt(seller, "cac:PartyLegalEntity/cbc:CompanyID")).to.equal(SELLER.taxpayerId);
      expect(textAt(seller, "cac:PartyTaxScheme/cbc:CompanyID")).to.equal(`CN${SELLER.taxpayerId}`);
      expect(textAt(seller, "cac:PartyTaxScheme/cac:TaxScheme/cbc:ID")).to.equal("VAT");
      expect(textAt(seller, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")).to.equal("CN");
      expect(textAt(buyer, "cac:PartyLegalEntity/cbc:RegistrationName")).to.equal(BUYER_ORG.name);
      expect(textAt(buyer, "cac:PartyLegalEntity/cbc:CompanyID")).to.equal(BUYER_ORG.taxpayerId);
      expect(textAt(buyer, "cac:PartyTaxScheme/cbc:CompanyID")).to.equal(`CN${BUYER_ORG.taxpayerId}`);

      const lines = lineElements(doc);
      expect(lines.map((line) => textAt(line, "cbc:ID"))).to.deep.equal(["1", "2", "3", "4"]);
      expect(lines.map((line) => textAt(line, "cbc:InvoicedQuantity"))).to.deep.equal(["2.5", "3", "0.333", "1"]);
      expect(lines.map((line) => first(line, "cbc:InvoicedQuantity")?.attributes["unitCode"])).to.deep.equal(["HUR", "XBX", "XPK", "C62"]);
      expect(lines.map((line) => textAt(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"))).to.deep.equal(["S", "S", "S", "Z"]);
      expect(lines.map((line) => textAt(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"))).to.deep.equal(["6", "13", "13", "0"]);
      expect(lines.map((line) => fenAt(line, "cbc:LineExtensionAmount"))).to.deep.equal(document.items.map((item) => BigInt(item.amount)));
      expect(lines.map((line) => fenAt(line, "cac:Price/cbc:PriceAmount"))).to.deep.equal(document.items.map((item) => BigInt(item.unitPrice)));
      expect(textAt(lines[0] ?? doc, "cac:Item/cbc:Name")).to.equal("咨询服务");
      expect(textAt(lines[0] ?? doc, "cac:Item/cbc:Description")).to.equal("2026年3月");
      expect(all(lines[0] ?? doc, "cac:Item/cac:AdditionalItemProperty").map((p) => [textAt(p, "cbc:Name"), textAt(p, "cbc:Value")])).to.deep.equal([[UNIT_ATTRIBUTE_NAME, "小时"]]);
      expect(all(lines[3] ?? doc, "cac:Item/cac:AdditionalItemProperty")).to.deep.equal([]);

      // The breakdown: the lines' amounts and their per-line tax summed per rate, exactly; highest rate first.
      const byRate = (rate: number) => document.items.filter((item) => item.taxRate === rate);
      const sum = (values: string[]) => values.reduce((a, b) => a + BigInt(b), 0n);
      expect(breakdown(doc)).to.deep.equal(
        [13, 6, 0].map((rate) => ({
          category: rate === 0 ? "Z" : "S",
          percent: String(rate),
          taxable: sum(byRate(rate).map((item) => item.amount)),
          tax: sum(byRate(rate).map((item) => item.tax)),
        })),
      );
      expect(totalsOf(doc)).to.deep.equal(documentTotals(document.totals));
    });

    it("to an individual: a name only, no tax scheme or identifier; an erased name is printed as a placeholder, never left out", async () => {
      for (const [name, printed] of [
        ["张三", "张三"],
        ["", ERASED_BUYER_NAME],
        ["   ", ERASED_BUYER_NAME],
      ] as const) {
        const document = invoiceDocument([{ name: "餐饮服务", quantity: "1", unitPrice: 8_800n, taxRate: 6 }], { type: "individual", name });
        const doc = await checked(invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document }), "Invoice");
        const buyer = first(doc, "cac:AccountingCustomerParty/cac:Party");
        if (buyer === undefined) throw new Error("buyer missing");
        expect(textAt(buyer, "cac:PartyLegalEntity/cbc:RegistrationName")).to.equal(printed);
        expect(all(buyer, "cac:PartyLegalEntity/cbc:CompanyID")).to.deep.equal([]);
        expect(all(buyer, "cac:PartyTaxScheme")).to.deep.equal([]);
        expect(all(buyer, "cac:PartyIdentification")).to.deep.equal([]);
        expect(textAt(buyer, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")).to.equal("CN");
      }
    });

    it("dates the invoice by the calendar in China: the last millisecond of a Chinese day is still that day", async () => {
      const at = (issuedAt: string) => textAt(parseUbl(invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document: invoiceDocument(MULTI_RATE, BUYER_ORG, { issuedAt }) })), "cbc:IssueDate");
      expect(at("2026-03-01T15:59:59.999Z")).to.equal("2026-03-01");
      expect(at("2026-03-01T16:00:00.000Z")).to.equal("2026-03-02");
      expect(at("2026-12-31T16:00:00.000Z")).to.equal("2027-01-01");
    });

    it("writes text XML cannot carry (control characters, lone surrogates) as U+FFFD, and ampersands and angle brackets so they read back as they were", async () => {
      const document = invoiceDocument(
        [
          { name: "品名\u0001\u0008", specification: "规格\uD800", unit: "个\u001F", quantity: "1", unitPrice: 100n, taxRate: 13 },
          { name: "A&amp;B &E;Q &#38; &lt;x&gt; ]]> &", quantity: "1", unitPrice: 100n, taxRate: 13 },
        ],
        { type: "individual", name: "李\u0000四" },
        { remarks: "第一行\r\n第二行\r第三行 <b> & \"'\uFFFF" },
      );
      const xml = invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document });
      const doc = await checked(xml, "Invoice");
      const [plain, markup] = lineElements(doc);
      expect(first(plain ?? doc, "cac:Item/cbc:Name")?.text).to.equal("品名\uFFFD\uFFFD");
      expect(first(plain ?? doc, "cac:Item/cbc:Description")?.text).to.equal("规格\uFFFD");
      expect(first(plain ?? doc, "cac:Item/cac:AdditionalItemProperty/cbc:Value")?.text).to.equal("个\uFFFD");
      // Read by libxml2, not by xmlbuilder2's reader (which decodes "&amp;#38;" twice).
      expect(await canonicalXml(xml)).to.contain(`<cbc:Name>${canonicalText("A&amp;B &E;Q &#38; &lt;x&gt; ]]> &")}</cbc:Name>`);
      expect(textAt(markup ?? doc, "cac:Item/cbc:Name")).to.contain("A&amp;B &E;Q");
      expect(first(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")?.text).to.equal("李\uFFFD四");
      expect(first(doc, "cbc:Note")?.text).to.equal("第一行\n第二行\n第三行 <b> & \"'\uFFFD");
    });

    it("is the same bytes every time for the same document", () => {
      const input: UblInput = { kind: "invoice", printedNumber: INVOICE_NUMBER, document: invoiceDocument(MULTI_RATE) };
      expect(invoiceUbl(input)).to.equal(invoiceUbl(structuredClone(input)));
    });

    it("refuses a printed number that is not 20 digits and a document whose totals are not the sums of its lines", () => {
      const document = invoiceDocument(MULTI_RATE);
      for (const printedNumber of ["42", "2644000000000000004", "264400000000000000421", "2644000000000000004a"]) {
        expect(() => invoiceUbl({ kind: "invoice", printedNumber, document })).to.throw(RangeError);
      }
      const wrongTax = { ...document, totals: { ...document.totals, tax: (BigInt(document.totals.tax) + 1n).toString(), total: (BigInt(document.totals.total) + 1n).toString() } };
      expect(() => invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document: wrongTax })).to.throw(RangeError);
      const notFen = { ...document, items: document.items.map((item, i) => (i === 0 ? { ...item, amount: "1.5" } : item)) };
      expect(() => invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document: notFen })).to.throw(RangeError);
    });
  });

  describe("a credit note", () => {
    it("reversing the whole invoice: type 381, refers to the invoice by number and date, mirrors its lines with positive amounts", async () => {
      const original = invoiceDocument(MULTI_RATE);
      const note = creditNote(original, { amount: BigInt(original.totals.amount), tax: BigInt(original.totals.tax) }, "issue-error");
      const doc = await checked(invoiceUbl(creditNoteInput(original, note)), "CreditNote");
      const invoice = parseUbl(invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document: original }));

      expect(textAt(doc, "cbc:CreditNoteTypeCode")).to.equal("381");
      expect(textAt(doc, "cbc:ID")).to.equal(NOTE_NUMBER);
      expect(textAt(doc, "cbc:IssueDate")).to.equal("2026-03-05");
      expect(textAt(doc, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")).to.equal(INVOICE_NUMBER);
      expect(textAt(doc, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate")).to.equal("2026-03-02");
      expect(all(doc, "cbc:Note").map((n) => n.text)).to.deep.equal(["冲红原因 / Reason for the credit note: 开票有误 (issue error)"]);
      expect(textAt(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID")).to.equal(BUYER_ORG.taxpayerId);

      const lines = lineElements(doc);
      const invoiceLines = lineElements(invoice);
      expect(lines.map((line) => line.name)).to.deep.equal(invoiceLines.map(() => "cac:CreditNoteLine"));
      const summary = (line: UblElement) => ({
        quantity: textAt(line, "cbc:CreditedQuantity") || textAt(line, "cbc:InvoicedQuantity"),
        amount: fenAt(line, "cbc:LineExtensionAmount"),
        price: fenAt(line, "cac:Price/cbc:PriceAmount"),
        name: textAt(line, "cac:Item/cbc:Name"),
        category: textAt(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        percent: textAt(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
      });
      expect(lines.map(summary)).to.deep.equal(invoiceLines.map(summary));
      expect(lines.every((line) => (fenAt(line, "cbc:LineExtensionAmount") ?? -1n) >= 0n)).to.equal(true);
      expect(breakdown(doc)).to.deep.equal(breakdown(invoice));
      expect(totalsOf(doc)).to.deep.equal(documentTotals(note.totals));
    });

    it("reversing part of a single-rate invoice: one line at that rate carrying the note's amount and tax, the reason and the derivation as notes", async () => {
      const original = invoiceDocument([
        { name: "笔记本电脑", unit: "台", quantity: "2", unitPrice: 499_900n, taxRate: 13 },
        { name: "鼠标", unit: "个", quantity: "2", unitPrice: 9_900n, taxRate: 13 },
      ]);
      const amount = 499_900n;
      const note = creditNote(original, { amount, tax: lineTax(amount, 13) }, "sales-return");
      const doc = await checked(invoiceUbl(creditNoteInput(original, note)), "CreditNote");

      const lines = lineElements(doc);
      expect(lines).to.have.length(1);
      expect(fenAt(lines[0], "cbc:LineExtensionAmount")).to.equal(amount);
      expect(fenAt(lines[0], "cac:Price/cbc:PriceAmount")).to.equal(amount);
      expect(textAt(lines[0] ?? doc, "cbc:CreditedQuantity")).to.equal("1");
      expect(first(lines[0] ?? doc, "cbc:CreditedQuantity")?.attributes["unitCode"]).to.equal("C62");
      expect(textAt(lines[0] ?? doc, "cac:Item/cbc:Name")).to.contain(INVOICE_NUMBER).and.contain("13%");
      expect(breakdown(doc)).to.deep.equal([{ category: "S", percent: "13", taxable: amount, tax: lineTax(amount, 13) }]);
      expect(totalsOf(doc)).to.deep.equal(documentTotals(note.totals));
      const notes = all(doc, "cbc:Note").map((n) => n.text);
      expect(notes).to.have.length(2);
      expect(notes[0]).to.contain("销货退回");
      expect(notes[1]).to.contain("single VAT rate");
    });

    it("reversing part of a multi-rate invoice: one line per rate, amount and tax shared in proportion, the shares adding up to the fen and 0 % taking no tax", async () => {
      const original = invoiceDocument(MULTI_RATE);
      // A discount of about a tenth of everything.
      const amount = BigInt(original.totals.amount) / 10n;
      const tax = BigInt(original.totals.tax) / 10n;
      const note = creditNote(original, { amount, tax }, "discount");
      const doc = await checked(invoiceUbl(creditNoteInput(original, note)), "CreditNote");

      const rows = breakdown(doc);
      expect(rows.map((row) => [row.category, row.percent])).to.deep.equal([
        ["S", "13"],
        ["S", "6"],
        ["Z", "0"],
      ]);
      expect(rows.reduce((s, row) => s + (row.taxable ?? 0n), 0n)).to.equal(amount);
      expect(rows.reduce((s, row) => s + (row.tax ?? 0n), 0n)).to.equal(tax);
      expect(rows[2]?.tax).to.equal(0n);
      // Each rate's share of the amount is within a fen of its exact proportion.
      const originalAmount = BigInt(original.totals.amount);
      for (const row of rows) {
        const rateAmount = original.items.filter((item) => String(item.taxRate) === row.percent).reduce((s, item) => s + BigInt(item.amount), 0n);
        const exact = amount * rateAmount;
        expect((row.taxable ?? 0n) * originalAmount - exact).to.satisfy((d: bigint) => d > -originalAmount && d < originalAmount);
      }
      expect(totalsOf(doc)).to.deep.equal(documentTotals(note.totals));
      expect(all(doc, "cbc:Note").map((n) => n.text)[1]).to.contain("in proportion");
    });

    it("to an individual: the invoice's buyer, by name only", async () => {
      const original = invoiceDocument([{ name: "餐饮服务", quantity: "1", unitPrice: 8_800n, taxRate: 6 }], { type: "individual", name: "张三" });
      const note = creditNote(original, { amount: BigInt(original.totals.amount), tax: BigInt(original.totals.tax) });
      const doc = await checked(invoiceUbl(creditNoteInput(original, note)), "CreditNote");
      expect(textAt(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")).to.equal("张三");
      expect(all(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme")).to.deep.equal([]);
    });

    it("refuses a note that reverses nothing or more than its invoice holds, or an original without a 20-digit number", () => {
      const original = invoiceDocument(MULTI_RATE);
      expect(() => invoiceUbl(creditNoteInput(original, creditNote(original, { amount: 0n, tax: 0n })))).to.throw(RangeError);
      const tooMuch = creditNote(original, { amount: BigInt(original.totals.amount) + 1n, tax: 0n });
      expect(() => invoiceUbl(creditNoteInput(original, tooMuch))).to.throw(RangeError);
      const tooMuchTax = creditNote(original, { amount: 1n, tax: BigInt(original.totals.tax) + 1n });
      expect(() => invoiceUbl(creditNoteInput(original, tooMuchTax))).to.throw(RangeError);
      const fine = creditNote(original, { amount: 100n, tax: 13n });
      const input = creditNoteInput(original, fine);
      if (input.kind !== "credit-note") throw new Error("unreachable");
      expect(() => invoiceUbl({ ...input, original: { ...input.original, printedNumber: "42" } })).to.throw(RangeError);
    });

    it("whose tax does not fit the invoice's rates is written as the ledger holds it, and the rates' rules (BR-CO-17, BR-S-09) then report it", () => {
      // The reversal endpoint accepts any tax up to the total; a tax of 50 yuan on 10 yuan at 13 % cannot be made consistent.
      const original = invoiceDocument([{ name: "服务费", quantity: "1", unitPrice: 100_000n, taxRate: 13 }]);
      const note = creditNote(original, { amount: 1_000n, tax: 5_000n });
      const doc = parseUbl(invoiceUbl(creditNoteInput(original, note)));
      expect(totalsOf(doc)).to.deep.equal(documentTotals(note.totals));
      expect(new Set(en16931Violations(doc).map((v) => v.id))).to.deep.equal(new Set(["BR-CO-17", "BR-S-09"]));
    });
  });

  describe("any invoice the API can issue", () => {
    const rate = fc.constantFrom(...TAX_RATES);
    const quantity = fc.oneof(fc.integer({ min: 0, max: 999_999_999 }).map(String), fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 99_999_999 })).map(([whole, fraction]) => `${whole}.${String(fraction).padStart(8, "0")}`));
    const item = fc.record({
      // As the API takes names: trimmed, never empty.
      name: fc
        .string({ minLength: 1, maxLength: 30 })
        .map((name) => name.trim())
        .filter((name) => name !== ""),
      quantity,
      unitPrice: fc.bigInt({ min: 0n, max: 10_000_000n }),
      taxRate: rate,
      unit: fc.option(fc.constantFrom("个", "千克", "箱", "斤", "小时", "度", "套", "xyz"), { nil: undefined }),
      specification: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    });
    const invoice = fc
      .tuple(fc.array(item, { minLength: 1, maxLength: 100 }), fc.boolean(), fc.string({ maxLength: 40 }))
      .map(([items, organisation, name]) => invoiceDocument(items, organisation ? BUYER_ORG : { type: "individual", name }));

    it("breaks none of the rules checked (100 lines at most: per-line rounding stays within BR-CO-17's tolerance), and a sample is valid against the XSD", async () => {
      const sample: string[] = [];
      fc.assert(
        fc.property(invoice, (document) => {
          const xml = invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document });
          const doc = parseUbl(xml);
          expect(en16931Violations(doc)).to.deep.equal([]);
          expect(totalsOf(doc)).to.deep.equal(documentTotals(document.totals));
          if (sample.length < 40) sample.push(xml);
        }),
        { numRuns: 150 },
      );
      expect(await xsdErrors(sample, "Invoice")).to.deep.equal(sample.map(() => []));
    });

    it("writes any name so that it reads back as it was (less what XML cannot carry)", async () => {
      // Names made of the characters that matter to XML, as a reader (libxml2) reads them.
      const markupName = fc.string({ unit: fc.constantFrom("&", ";", "&amp;", "&#38;", "&x;", "#", "3", "a", "<", ">", "]]>", '"', "'", "\r\n", "\r", "\u0001", "名"), minLength: 1, maxLength: 12 }).map((name) => name.trim()).filter((name) => name !== "");
      const names = fc.sample(fc.array(markupName, { minLength: 1, maxLength: 8 }), { numRuns: 12, seed: 20261126 });
      for (const batch of names) {
        const document = invoiceDocument(batch.map((name) => ({ name, quantity: "1", unitPrice: 100n, taxRate: 13 })));
        const canonical = await canonicalXml(invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document }));
        const written = [...canonical.matchAll(/<cbc:Name>([^<]*)<\/cbc:Name>/g)].map((match) => match[1]);
        expect(written).to.deep.equal(batch.map((name) => canonicalText(xmlText(name))));
      }
    });

    it("and any partial credit note with a tax that fits: no rule broken, the shares adding up to the note's figures", async () => {
      const sample: string[] = [];
      fc.assert(
        fc.property(invoice, fc.bigInt({ min: 1n, max: 1_000_000n }), (original, permille) => {
          const originalAmount = BigInt(original.totals.amount);
          const originalTax = BigInt(original.totals.tax);
          // A share of the invoice, its tax in the same proportion (what a discount or a partial return gives).
          const amount = (originalAmount * permille) / 1_000_000n;
          const tax = (originalTax * permille) / 1_000_000n;
          fc.pre(amount + tax > 0n);
          const note = creditNote(original, { amount, tax }, "discount");
          const xml = invoiceUbl(creditNoteInput(original, note));
          const doc = parseUbl(xml);
          expect(en16931Violations(doc)).to.deep.equal([]);
          expect(totalsOf(doc)).to.deep.equal(documentTotals(note.totals));
          if (sample.length < 40) sample.push(xml);
        }),
        { numRuns: 150 },
      );
      expect(await xsdErrors(sample, "CreditNote")).to.deep.equal(sample.map(() => []));
    });
  });

  describe("the checks refuse damaged files", () => {
    const invoiceXml = () => invoiceUbl({ kind: "invoice", printedNumber: INVOICE_NUMBER, document: invoiceDocument(MULTI_RATE) });
    const noteXml = () => {
      const original = invoiceDocument(MULTI_RATE);
      return invoiceUbl(creditNoteInput(original, creditNote(original, { amount: BigInt(original.totals.amount), tax: BigInt(original.totals.tax) })));
    };

    it("the UBL 2.1 XSD: an element removed, one out of order, an invoice line in a credit note, an invoice against the credit note schema", async () => {
      const invoice = invoiceXml();
      const note = noteXml();
      const withoutIssueDate = invoice.replace(/\s*<cbc:IssueDate>[^<]*<\/cbc:IssueDate>/, "");
      const totalsFirst = invoice.replace(/(\s*<cac:TaxTotal>[\s\S]*?<\/cac:TaxTotal>)(\s*<cac:LegalMonetaryTotal>[\s\S]*?<\/cac:LegalMonetaryTotal>)/, "$2$1");
      const invoiceLineInNote = note.replace(/cac:CreditNoteLine>/g, "cac:InvoiceLine>").replace(/cbc:CreditedQuantity/g, "cbc:InvoicedQuantity");
      const textAmount = invoice.replace(/<cbc:PayableAmount currencyID="CNY">[^<]*</, '<cbc:PayableAmount currencyID="CNY">many<');
      for (const damaged of [withoutIssueDate, totalsFirst, textAmount]) expect(damaged).to.not.equal(invoice);
      expect(invoiceLineInNote).to.not.equal(note);

      const [intact, ...damaged] = await xsdErrors([invoice, withoutIssueDate, totalsFirst, textAmount], "Invoice");
      expect(intact).to.deep.equal([]);
      for (const errors of damaged) expect(errors).to.not.deep.equal([]);
      expect(await xsdErrorsOf(invoiceLineInNote, "CreditNote")).to.not.deep.equal([]);
      expect(await xsdErrorsOf(invoice, "CreditNote")).to.not.deep.equal([]);
    });

    /** Damage to a parsed copy, and the rule it must break. Every rule checked is broken by at least one. */
    const cases: { rule: string; on?: "note"; damage: (doc: UblElement) => void }[] = [
      { rule: "BR-01", damage: (doc) => remove(doc, "cbc:CustomizationID") },
      { rule: "BR-02", damage: (doc) => remove(doc, "cbc:ID") },
      { rule: "BR-03", damage: (doc) => remove(doc, "cbc:IssueDate") },
      { rule: "BR-04", damage: (doc) => remove(doc, "cbc:InvoiceTypeCode") },
      { rule: "BR-05", damage: (doc) => remove(doc, "cbc:DocumentCurrencyCode") },
      { rule: "BR-06", damage: (doc) => setText(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName", "  ") },
      { rule: "BR-07", damage: (doc) => remove(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName") },
      { rule: "BR-08", damage: (doc) => remove(doc, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress") },
      { rule: "BR-09", damage: (doc) => remove(doc, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country") },
      { rule: "BR-10", damage: (doc) => remove(doc, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress") },
      { rule: "BR-11", damage: (doc) => remove(doc, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country") },
      { rule: "BR-12", damage: (doc) => remove(doc, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") },
      { rule: "BR-13", damage: (doc) => remove(doc, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") },
      { rule: "BR-14", damage: (doc) => remove(doc, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") },
      { rule: "BR-15", damage: (doc) => remove(doc, "cac:LegalMonetaryTotal/cbc:PayableAmount") },
      { rule: "BR-16", damage: (doc) => remove(doc, "cac:InvoiceLine") },
      { rule: "BR-55", on: "note", damage: (doc) => remove(doc, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") },
      { rule: "BR-CO-09", damage: (doc) => setText(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", SELLER.taxpayerId) },
      { rule: "BR-CO-10", damage: (doc) => addFen(doc, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount", 1n) },
      { rule: "BR-CO-13", damage: (doc) => addFen(doc, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", -1n) },
      { rule: "BR-CO-14", damage: (doc) => addFen(doc, "cac:TaxTotal/cbc:TaxAmount", 1n) },
      { rule: "BR-CO-15", damage: (doc) => addFen(doc, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", 1n) },
      { rule: "BR-CO-16", damage: (doc) => addFen(doc, "cac:LegalMonetaryTotal/cbc:PayableAmount", -1n) },
      { rule: "BR-CO-17", damage: (doc) => addFen(doc, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", 100n) },
      { rule: "BR-CO-17", damage: (doc) => setText(lastSubtotal(doc), "cbc:TaxAmount", "0.50") },
      { rule: "BR-CO-18", damage: (doc) => remove(doc, "cac:TaxTotal/cac:TaxSubtotal") },
      { rule: "BR-CO-26", damage: (doc) => (remove(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"), remove(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID")) },
      { rule: "BR-21", damage: (doc) => setText(doc, "cac:InvoiceLine/cbc:ID", "") },
      { rule: "BR-22", damage: (doc) => remove(doc, "cac:InvoiceLine/cbc:InvoicedQuantity") },
      { rule: "BR-23", damage: (doc) => all(doc, "cac:InvoiceLine/cbc:InvoicedQuantity").forEach((q) => delete q.attributes["unitCode"]) },
      { rule: "BR-24", damage: (doc) => remove(doc, "cac:InvoiceLine/cbc:LineExtensionAmount") },
      { rule: "BR-25", damage: (doc) => remove(doc, "cac:InvoiceLine/cac:Item/cbc:Name") },
      { rule: "BR-26", damage: (doc) => remove(doc, "cac:InvoiceLine/cac:Price") },
      { rule: "BR-27", damage: (doc) => setText(doc, "cac:InvoiceLine/cac:Price/cbc:PriceAmount", "-0.01") },
      { rule: "BR-CO-04", damage: (doc) => remove(doc, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID") },
      { rule: "BR-45", damage: (doc) => remove(doc, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") },
      { rule: "BR-46", damage: (doc) => remove(doc, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount") },
      { rule: "BR-47", damage: (doc) => remove(doc, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") },
      { rule: "BR-48", damage: (doc) => remove(doc, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") },
      { rule: "BR-S-01", damage: (doc) => removeWhere(doc, "cac:TaxTotal", "cac:TaxSubtotal", (s) => textAt(s, "cac:TaxCategory/cbc:ID") === "S") },
      { rule: "BR-S-02", damage: (doc) => remove(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme") },
      { rule: "BR-S-05", damage: (doc) => setText(doc, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "0") },
      { rule: "BR-S-08", damage: (doc) => addFen(doc, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", 1n) },
      { rule: "BR-S-09", damage: (doc) => addFen(doc, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", -100n) },
      { rule: "BR-S-10", damage: (doc) => addChild(doc, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", "cbc:TaxExemptionReason", "免税") },
      { rule: "BR-Z-01", damage: (doc) => all(doc, "cac:TaxTotal").forEach((total) => total.children.push(copyOf(lastSubtotal(doc)))) },
      { rule: "BR-Z-02", damage: (doc) => remove(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme") },
      { rule: "BR-Z-05", damage: (doc) => setText(lastLine(doc), "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "5") },
      { rule: "BR-Z-08", damage: (doc) => addFen(lastSubtotal(doc), "cbc:TaxableAmount", 1n) },
      { rule: "BR-Z-09", damage: (doc) => setText(lastSubtotal(doc), "cbc:TaxAmount", "0.01") },
      { rule: "BR-Z-10", damage: (doc) => addChild(lastSubtotal(doc), "cac:TaxCategory", "cbc:TaxExemptionReasonCode", "VATEX-EU-O") },
      { rule: "BR-DEC-09", damage: (doc) => appendText(doc, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "0") },
      { rule: "BR-DEC-12", damage: (doc) => appendText(doc, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "0") },
      { rule: "BR-DEC-13", damage: (doc) => appendText(doc, "cac:TaxTotal/cbc:TaxAmount", "0") },
      { rule: "BR-DEC-14", damage: (doc) => appendText(doc, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "0") },
      { rule: "BR-DEC-18", damage: (doc) => appendText(doc, "cac:LegalMonetaryTotal/cbc:PayableAmount", "0") },
      { rule: "BR-DEC-19", damage: (doc) => appendText(doc, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "0") },
      { rule: "BR-DEC-20", damage: (doc) => appendText(doc, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "0") },
      { rule: "BR-DEC-23", damage: (doc) => appendText(doc, "cac:InvoiceLine/cbc:LineExtensionAmount", "0") },
      { rule: "BR-CL-01", damage: (doc) => setText(doc, "cbc:InvoiceTypeCode", "381") },
      { rule: "BR-CL-01", on: "note", damage: (doc) => setText(doc, "cbc:CreditNoteTypeCode", "380") },
      { rule: "BR-CL-14", damage: (doc) => setText(doc, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode", "ZZ") },
      { rule: "BR-CL-17", damage: (doc) => setText(doc, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", "X") },
      { rule: "BR-CL-18", damage: (doc) => setText(doc, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "X") },
      { rule: "BR-CL-23", damage: (doc) => all(doc, "cac:InvoiceLine/cbc:InvoicedQuantity").forEach((q) => (q.attributes["unitCode"] = "个")) },
      { rule: "UBL-SR-48", damage: (doc) => all(doc, "cac:InvoiceLine/cac:Item").forEach((item) => item.children.push(copyOf(first(item, "cac:ClassifiedTaxCategory") ?? item))) },
      { rule: "UBL-SR-50", damage: (doc) => addChild(doc, "cac:InvoiceLine/cac:Item", "cbc:Description", "又一个") },
      { rule: "UBL-SR-09", damage: (doc) => addChild(doc, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity", "cbc:RegistrationName", "别名") },
      { rule: "UBL-SR-15", damage: (doc) => addChild(doc, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity", "cbc:RegistrationName", "别名") },
      { rule: "UBL-SR-06", on: "note", damage: (doc) => all(doc, "cac:BillingReference").forEach((r) => r.children.push(copyOf(first(r, "cac:InvoiceDocumentReference") ?? r))) },
      { rule: "UBL-CR-006", damage: (doc) => doc.children.splice(3, 0, { name: "cbc:IssueTime", attributes: {}, text: "10:00:00", children: [] }) },
    ];

    it("the EN 16931 rules: every rule checked is broken by some damage, and reports it", () => {
      const intact = { invoice: parseUbl(invoiceXml()), note: parseUbl(noteXml()) };
      expect(en16931Violations(intact.invoice)).to.deep.equal([]);
      expect(en16931Violations(intact.note)).to.deep.equal([]);
      for (const { rule, on, damage } of cases) {
        const doc = copyOf(on === "note" ? intact.note : intact.invoice);
        damage(doc);
        expect(en16931Violations(doc).map((v) => v.id), `damage for ${rule}`).to.include(rule);
      }
      expect([...new Set(cases.map((c) => c.rule))].sort()).to.deep.equal([...RULE_IDS].sort());
    });
  });

  describe("the parts of the mapping", () => {
    it("maps Chinese units to UN/ECE Recommendation 20/21 codes, C62 for counts and anything unknown, and only to codes on the list", () => {
      expect(["千克", "公斤", " KG ", "克", "吨", "米", "平方米", "升", "度", "小时", "天", "月", "年", "套", "双", "箱", "包", "瓶"].map(unitCode)).to.deep.equal([
        "KGM", "KGM", "KGM", "GRM", "TNE", "MTR", "MTK", "LTR", "KWH", "HUR", "DAY", "MON", "ANN", "SET", "PR", "XBX", "XPK", "XBO",
      ]);
      expect(["个", "件", "台", "张", "次", "斤", "亩", "", "toString", "constructor", "__proto__"].map(unitCode)).to.deep.equal(Array(11).fill("C62"));
      expect(unitCode(undefined)).to.equal("C62");
      for (const code of unitCodesInUse()) expect(UNIT_CODES_CHECKED.has(code), code).to.equal(true);
      expect(unitCodesInUse()).to.deep.equal([...UNIT_CODES_CHECKED].sort());
    });

    it("keeps every string within XML 1.0's characters, changing nothing else but line ends", () => {
      const xmlChar = /^[\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
      expect(xmlText("a\r\nb\rc\n")).to.equal("a\nb\nc\n");
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 50 }), (text) => {
          const safe = xmlText(text);
          expect(xmlChar.test(safe)).to.equal(true);
          const expected = [...text.replace(/\r\n?/g, "\n")].map((char) => (xmlChar.test(char) ? char : "\uFFFD")).join("");
          expect(safe).to.equal(expected);
        }),
        { numRuns: 500 },
      );
    });

    it("shares an amount in whole fen that add up exactly, each within a fen of its exact proportion, nothing to a zero weight", () => {
      expect(apportion(100n, [1n, 1n, 1n])).to.deep.equal([34n, 33n, 33n]);
      expect(apportion(7n, [0n, 5n, 5n])).to.deep.equal([0n, 4n, 3n]);
      expect(apportion(0n, [0n, 0n])).to.deep.equal([0n, 0n]);
      expect(() => apportion(1n, [0n, 0n])).to.throw(RangeError);
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 8 }), (total, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0n);
          fc.pre(sum > 0n);
          const shares = apportion(total, weights);
          expect(shares.reduce((a, b) => a + b, 0n)).to.equal(total);
          shares.forEach((share, i) => {
            const weight = weights[i] ?? 0n;
            const exact = total * weight; // share ~ exact / sum
            expect(share * sum > exact - sum && share * sum < exact + sum).to.equal(true);
            if (weight === 0n) expect(share).to.equal(0n);
          });
        }),
        { numRuns: 300 },
      );
    });
  });
});

// ---- damaging a parsed copy

function parentsOf(doc: UblElement, path: string): { parents: UblElement[]; last: string } {
  const steps = path.split("/");
  const last = steps.pop() ?? "";
  return { parents: steps.length === 0 ? [doc] : all(doc, steps.join("/")), last };
}

function remove(doc: UblElement, path: string): void {
  const { parents, last } = parentsOf(doc, path);
  for (const parent of parents) parent.children = parent.children.filter((child) => child.name !== last);
}

function removeWhere(doc: UblElement, parentPath: string, name: string, test: (element: UblElement) => boolean): void {
  for (const parent of all(doc, parentPath)) parent.children = parent.children.filter((child) => child.name !== name || !test(child));
}

function setText(doc: UblElement, path: string, text: string): void {
  const elements = all(doc, path);
  if (elements.length === 0) throw new Error(`nothing at ${path}`);
  for (const element of elements) element.text = text;
}

function appendText(doc: UblElement, path: string, suffix: string): void {
  const element = first(doc, path);
  if (element === undefined) throw new Error(`nothing at ${path}`);
  element.text += suffix;
}

function addFen(doc: UblElement, path: string, fen: bigint): void {
  const element = first(doc, path);
  const value = element === undefined ? undefined : fenAt(element);
  if (element === undefined || value === undefined) throw new Error(`no amount at ${path}`);
  const changed = value + fen;
  const sign = changed < 0n ? "-" : "";
  const magnitude = changed < 0n ? -changed : changed;
  element.text = `${sign}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, "0")}`;
}

function addChild(doc: UblElement, path: string, name: string, text: string): void {
  const element = first(doc, path);
  if (element === undefined) throw new Error(`nothing at ${path}`);
  element.children.push({ name, attributes: {}, text, children: [] });
}

function lastSubtotal(doc: UblElement): UblElement {
  const subtotal = all(doc, "cac:TaxTotal/cac:TaxSubtotal").at(-1);
  if (subtotal === undefined) throw new Error("no VAT breakdown");
  return subtotal;
}

function lastLine(doc: UblElement): UblElement {
  const line = all(doc, "cac:InvoiceLine").at(-1);
  if (line === undefined) throw new Error("no invoice line");
  return line;
}
