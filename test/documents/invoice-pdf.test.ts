import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

import { expect } from "chai";
import jsQR from "jsqr";
import { PNG } from "pngjs";

import { chineseDate } from "../../api/domain/china-date";
import { renderInvoicePdf } from "../../api/documents/pdf/render-invoice-pdf";
import type { PrintableDocument, PrintableLine } from "../../api/documents/printable-document";
import { SAMPLE_BUYER, SAMPLE_CREDIT_NOTE, SAMPLE_INVOICE, SAMPLE_SELLER } from "../../scripts/lib/sample-documents";

/**
 * The invoice PDF read the way a person and a machine read it: poppler's tools (pdftotext, pdffonts,
 * pdfdetach, pdfinfo, pdftoppm) see the text, the fonts, the attachments and the metadata, and the QR code is
 * decoded from the rendered page image with jsQR, as a phone would.
 */
const SELLER = SAMPLE_SELLER;
const BUYER = SAMPLE_BUYER;
const UBL = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">26440000000000000042</cbc:ID></Invoice>\n');
const PROOF = Buffer.from(JSON.stringify({ block: "0x2a", proof: ["0xf90211a0"] }));

const INVOICE: PrintableDocument = {
  ...SAMPLE_INVOICE,
  attachments: [
    { name: "invoice.xml", content: UBL, mimeType: "application/xml", description: "UBL 2.1 / EN 16931", relationship: "Alternative" },
    { name: "proof.json", content: PROOF, mimeType: "application/json", description: "offline proof bundle", relationship: "Supplement" },
  ],
};
const CREDIT_NOTE = SAMPLE_CREDIT_NOTE;

describe("the invoice PDF", function () {
  let dir: string;
  let count = 0;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "invoice-pdf-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Renders `document` into a fresh file and returns its path. */
  async function render(document: PrintableDocument): Promise<string> {
    const path = join(dir, `document-${++count}.pdf`);
    writeFileSync(path, await renderInvoicePdf(document));
    return path;
  }
  const poppler = (tool: string, ...args: string[]) => execFileSync(tool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const text = (pdf: string) => poppler("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-");
  /** The text with all white space removed: what a wrapped or spaced-out line still contains. */
  const squeezed = (pdf: string) => text(pdf).replace(/\s+/g, "");

  /** Page `page` at 150 dpi, and whatever QR code a reader finds on it. */
  function qrOf(pdf: string, page = 1): string | undefined {
    const prefix = join(dir, `page-${++count}`);
    poppler("pdftoppm", "-r", "150", "-png", "-f", String(page), "-l", String(page), "-singlefile", pdf, prefix);
    const png = PNG.sync.read(readFileSync(`${prefix}.png`));
    return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height)?.data;
  }

  describe("of an invoice with every field filled", () => {
    let pdf: string;
    before(async () => {
      pdf = await render(INVOICE);
    });

    it("has a QR code that decodes to the verification URL, #fragment included", () => {
      expect(qrOf(pdf)).to.equal(INVOICE.verificationUrl);
    });

    it("prints the number, the date in China Standard Time, the check code, the parties and the remarks", () => {
      const page = text(pdf);
      expect(page).to.include("电子发票（普通发票）");
      expect(page).to.include("26440000000000000042");
      expect(page).to.include("2026年11月26日");
      expect(page).to.include("40172963581120486735");
      for (const field of [SELLER.name, SELLER.taxpayerId, BUYER.name, BUYER.taxpayerId, "统一社会信用代码/纳税人识别号", INVOICE.remarks!, "链票开票系统"]) {
        expect(page).to.include(field);
      }
    });

    it("lists every line with its name, specification, unit, quantity, unit price, amount, rate and tax", () => {
      const lines = text(pdf).split("\n");
      const expected: [string, string[]][] = [
        ["*信息技术服务*软件开发服务", ["V2.1", "项", "1", "12000.00", "12000.00", "6%", "720.00"]],
        ["*计算机外部设备*无线鼠标", ["M330", "黑色", "个", "12", "88.50", "1062.00", "13%", "138.06"]],
        ["*纸制品*复印纸", ["70g", "500张/包", "包", "2.5", "23.90", "59.75", "13%", "7.77"]],
        ["*餐饮服务*工作餐", ["次", "3", "45.00", "135.00", "6%", "8.10"]],
        ["*运输服务*国内货物运输服务", ["深圳至广州", "次", "1", "500.00", "500.00", "9%", "45.00"]],
      ];
      for (const [name, cells] of expected) {
        const line = lines.find((l) => l.includes(name));
        expect(line, name).to.not.equal(undefined);
        // The cells in the order of the columns, on the same printed line as the name.
        expect(line!.slice(line!.indexOf(name) + name.length).trim().split(/\s+/), name).to.deep.equal(cells);
      }
    });

    it("totals in figures (合计, 小写) and in capital numerals (大写)", () => {
      const page = text(pdf);
      expect(page).to.match(/合\s*计\s+¥13756\.75\s+¥918\.93/);
      expect(page).to.include("价税合计（大写）");
      expect(page).to.include("壹万肆仟陆佰柒拾伍圆陆角捌分");
      expect(page).to.match(/（小写）\s*¥14675\.68/);
    });

    it("embeds only subsets of Noto Sans SC, no standard or system font", () => {
      const rows = poppler("pdffonts", pdf).trim().split("\n").slice(2);
      expect(rows).to.have.length(2);
      for (const row of rows) {
        const [name, , , , emb, sub, uni] = row.trim().split(/\s+/);
        expect(name).to.match(/^[A-Z]{6}\+NotoSansSC-(Regular|Bold)$/);
        expect([emb, sub, uni], name).to.deep.equal(["yes", "yes", "yes"]);
      }
      expect(readFileSync(pdf).includes("Helvetica")).to.equal(false);
    });

    it("carries the attachments, byte for byte, each with its MIME type and relationship (PDF/A-3)", () => {
      const listing = poppler("pdfdetach", "-list", pdf);
      expect(listing).to.include("2 embedded files");
      expect(listing).to.include("invoice.xml").and.include("proof.json");
      const out = join(dir, "detached");
      execFileSync("mkdir", ["-p", out]);
      poppler("pdfdetach", "-saveall", "-o", out, pdf);
      expect(readFileSync(join(out, "invoice.xml")).equals(UBL)).to.equal(true);
      expect(readFileSync(join(out, "proof.json")).equals(PROOF)).to.equal(true);
      const raw = readFileSync(pdf).toString("latin1");
      expect(raw).to.include("/Subtype /application#2Fxml").and.include("/AFRelationship /Alternative").and.include("/AFRelationship /Supplement");
    });

    it("declares PDF/A-3b, Chinese, and its title, author and creation date (the issue time)", () => {
      const info = poppler("pdfinfo", pdf);
      expect(info).to.match(/Title:\s+电子发票（普通发票） 26440000000000000042/);
      expect(info).to.match(/Author:\s+深圳市前海链票科技有限公司/);
      expect(info).to.match(/CreationDate:\s+Thu Nov 26 02:30:00 2026 UTC/);
      expect(info).to.match(/PDF version:\s+1\.7/);
      expect(info).to.match(/Page size:\s+595\.28 x 419\.53 pts/);
      const xmp = poppler("pdfinfo", "-meta", pdf);
      expect(xmp).to.match(/<pdfaid:part>3<\/pdfaid:part>/).and.match(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
      const raw = readFileSync(pdf).toString("latin1");
      expect(raw).to.include("/Lang (zh-CN)").and.include("/OutputIntents");
    });

    it("is the same bytes every time it is rendered", async () => {
      const again = await renderInvoicePdf(INVOICE);
      expect(again.equals(readFileSync(pdf))).to.equal(true);
    });
  });

  describe("of a red-letter credit note", () => {
    let pdf: string;
    before(async () => {
      pdf = await render(CREDIT_NOTE);
    });

    it("prints negative figures, the 负 total in capitals, the original's number and the reason", () => {
      const page = text(pdf);
      expect(page).to.include("红字");
      expect(page).to.include("26440000000000000057");
      expect(page).to.include("2026年12月03日");
      expect(page).to.match(/-4\s+88\.50\s+-354\.00\s+13%\s+-46\.02/);
      expect(page).to.match(/¥-354\.00\s+¥-46\.02/);
      expect(page).to.include("负肆佰圆零贰分");
      expect(page).to.match(/（小写）\s*¥-400\.02/);
      expect(squeezed(pdf)).to.include("被红冲蓝字发票号码：26440000000000000042");
      expect(squeezed(pdf)).to.include("红冲原因：销货退回");
      expect(squeezed(pdf)).to.include("蓝字发票开票日期：2026年11月26日");
    });

    it("is printed in red, where the invoice is brown", async () => {
      // The form's colour as a fill operator in the page content: red #d0021b, brown #9a5428.
      const RED = /0\.81\d* 0\.00\d* 0\.10\d* scn/;
      const BROWN = /0\.60\d* 0\.32\d* 0\.15\d* scn/;
      const note = pageContent(readFileSync(pdf));
      const invoice = pageContent(readFileSync(await render(INVOICE)));
      expect(note).to.match(RED).and.not.match(BROWN);
      expect(invoice).to.match(BROWN).and.not.match(RED);
    });

    it("has a QR code that decodes to its own verification URL", () => {
      expect(qrOf(pdf)).to.equal(CREDIT_NOTE.verificationUrl);
    });
  });

  describe("of an individual buyer", () => {
    it("prints the name, or 已删除 once it has been erased, and no taxpayer ID", async () => {
      const named = text(await render({ ...INVOICE, buyer: { type: "individual", name: "张三" }, attachments: [] }));
      expect(named).to.include("张三");
      const erased = text(await render({ ...INVOICE, buyer: { type: "individual", name: null }, attachments: [] }));
      expect(erased).to.include("已删除");
      expect(erased).not.to.include("张三");
      expect(erased).not.to.include(BUYER.taxpayerId);
      expect(erased).to.include(SELLER.taxpayerId);
    });
  });

  describe("of invoices that fill more than a page", () => {
    it("continues the lines on further pages, each page a whole form with the totals and the QR code", async () => {
      const lines: PrintableLine[] = Array.from({ length: 30 }, (_, i) => ({ name: `*测试服务*第${i + 1}项`, unit: "次", quantity: "1", unitPrice: "100", amount: "100", taxRate: 6, tax: "6" }));
      const pdf = await render({ ...INVOICE, lines, totals: { amount: "3000", tax: "180", total: "3180" }, attachments: [] });
      const pages = Number(/Pages:\s+(\d+)/.exec(poppler("pdfinfo", pdf))![1]);
      expect(pages).to.be.greaterThan(1);
      const all = text(pdf);
      for (let i = 1; i <= 30; i++) expect(all.match(new RegExp(`\\*测试服务\\*第${i}项(?!\\d)`, "g")), `line ${i}`).to.have.length(1);
      for (let page = 1; page <= pages; page++) {
        const one = poppler("pdftotext", "-layout", "-f", String(page), "-l", String(page), pdf, "-");
        expect(one).to.include("叁拾壹圆捌角").and.include(`共${pages}页`).and.include(`第${page}页`);
      }
      expect(qrOf(pdf, pages)).to.equal(INVOICE.verificationUrl);
    });

    it("fits the longest texts the API accepts (200-character names, 500-character remarks, 100 lines) without cutting any", async () => {
      const long = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
      const lines: PrintableLine[] = Array.from({ length: 100 }, (_, i) => ({
        name: i % 10 === 0 ? `#${i}#${long("超长项目名称", 196)}` : `#${i}#商品`,
        specification: long("规格ABCDEFGHIJ", 100),
        unit: long("单位", 20),
        quantity: "123456789.12345678",
        unitPrice: "281474976710655",
        amount: "281474976710655",
        taxRate: 13,
        tax: "1099511627775",
      }));
      const pdf = await render({
        ...INVOICE,
        seller: { name: long("深圳市超长名称科技有限公司", 200), taxpayerId: SELLER.taxpayerId },
        buyer: { type: "organisation", name: long("广州市超长名称信息技术有限公司", 200), taxpayerId: BUYER.taxpayerId },
        lines,
        totals: { amount: "281474976710655", tax: "1099511627775", total: "282574488338430" },
        remarks: long("备注：English words 与中文 12345，", 500),
        issuer: long("开票人", 200),
      });
      const all = squeezed(pdf);
      for (let i = 0; i < 100; i++) expect(all.match(new RegExp(`#${i}#`, "g")), `line ${i}`).to.have.length(1);
      expect(all).to.include("123456789.12345678").and.include("2814749767106.55").and.include("¥2825744883384.30");
      expect(all).to.include("贰万捌仟贰佰伍拾柒亿肆仟肆佰捌拾捌万叁仟叁佰捌拾肆圆叁角");
      // Every page carries the whole remarks and the whole issuer: nothing ran off the page.
      const pages = Number(/Pages:\s+(\d+)/.exec(poppler("pdfinfo", pdf))![1]);
      const lastPage = poppler("pdftotext", "-f", String(pages), "-l", String(pages), pdf, "-").replace(/\s+/g, "");
      expect(lastPage).to.include(long("备注：English words 与中文 12345，", 500).replace(/\s+/g, ""));
      expect(lastPage).to.include(long("开票人", 200));
    });
  });

  describe("metadata", () => {
    it("stays well-formed XMP whatever the seller is called", async () => {
      const pdf = await render({ ...INVOICE, seller: { name: "A&B <Trading> 有限公司", taxpayerId: SELLER.taxpayerId }, attachments: [] });
      const xmp = poppler("pdfinfo", "-meta", pdf);
      expect(xmp).to.include("A＆B ＜Trading＞ 有限公司");
      expect(xmp).not.to.include("A&B");
      // The page itself prints the name as it is.
      expect(text(pdf)).to.include("A&B <Trading> 有限公司");
    });
  });

  describe("refuses a document it cannot print faithfully", () => {
    const refusals: [string, PrintableDocument][] = [
      ["a number that is not 20 digits", { ...INVOICE, printedNumber: "2644000000000000004" }],
      ["a check code that is not 20 digits", { ...INVOICE, checkCode: "4017296358112048673X" }],
      ["totals that do not add up", { ...INVOICE, totals: { ...INVOICE.totals, total: "1467567" } }],
      ["an amount that is not fen", { ...INVOICE, lines: [{ ...INVOICE.lines[0]!, amount: "12000.00" }] }],
      ["a credit note without the invoice it reverses", { ...CREDIT_NOTE, original: undefined } as unknown as PrintableDocument],
      ["an invoice that names an original", { ...INVOICE, original: CREDIT_NOTE.original! }],
      ["an issue time that is not an instant", { ...INVOICE, issuedAt: "26.11.2026" }],
    ];
    for (const [what, document] of refusals) {
      it(what, async () => {
        let error: unknown;
        try {
          await renderInvoicePdf(document);
        } catch (caught) {
          error = caught;
        }
        expect(error).to.be.instanceOf(RangeError);
      });
    }
  });
});

describe("chineseDate: the printed date", () => {
  it("is the day in China Standard Time, zero-padded", () => {
    expect(chineseDate("2026-11-26T02:30:00.000Z")).to.equal("2026年11月26日");
    expect(chineseDate("2026-11-25T16:00:00.000Z")).to.equal("2026年11月26日");
    expect(chineseDate("2026-11-25T15:59:59.999Z")).to.equal("2026年11月25日");
    expect(chineseDate("2026-12-31T16:00:00Z")).to.equal("2027年01月01日");
    expect(chineseDate("2026-03-05T08:00:00+08:00")).to.equal("2026年03月05日");
  });
});

/** The streams of a PDF written by pdfkit (Flate-compressed), inflated and joined: the page content among them. */
function pageContent(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  let out = "";
  for (const match of raw.matchAll(/stream\n([\s\S]*?)\nendstream/g)) {
    try {
      out += inflateSync(Buffer.from(match[1]!, "latin1")).toString("latin1");
    } catch {
      // Not a Flate stream (an embedded file or XMP): not page content.
    }
  }
  return out;
}
