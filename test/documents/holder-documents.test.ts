import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import jsQR from "jsqr";
import type { Browser } from "playwright-core";
import { PNG } from "pngjs";

import { verificationUrl } from "../../api/documents/verification-url";
import { capitalAmount } from "../../api/domain/chinese-capital";
import { verifyProofBundle } from "../../lib/proof/verify-proof-bundle";
import { registerCast, startSystem, type Cast, type TestSystem } from "../api/helpers/system";
import { launchBrowser } from "../../scripts/lib/browser";
import { xsdErrorsOf } from "./helpers/ubl-xsd";

/**
 * What a holder gets, through the API, as a newcomer would use it: the merchant downloads the invoice's PDF, its QR
 * code (decoded from the rendered page, as a phone camera would) opens the public verification page, which says
 * authentic and claims the invoice from the address's fragment; the PDF carries the UBL and the proof bundle,
 * which verify on their own; the same for a red-letter credit note.
 */
describe("the documents a holder gets: PDF, QR code to the verification page, UBL, offline proof", function () {
  this.timeout(240_000);
  let system: TestSystem;
  let cast: Cast;
  let browser: Browser;
  let dir: string;
  let count = 0;
  const ITEMS = [
    { name: "*餐饮服务*工作餐", specification: "套餐A", unit: "份", quantity: "2.5", unitPrice: "4200", amount: "10500", taxRate: 6, tax: "630" },
    { name: "*运输服务*出租车客运", unit: "次", quantity: "1", unitPrice: "3300", amount: "3300", taxRate: 9, tax: "297" },
  ];
  const TOTAL = 10500n + 630n + 3300n + 297n;

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), "holder-documents-"));
  });
  after(async () => {
    await browser?.close();
    await system?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const poppler = (tool: string, ...args: string[]) => execFileSync(tool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  /** Downloads a file of the API as `client` (raw bytes), into the test's directory. */
  async function download(client: Cast["merchant"]["client"], path: string, expectType: string): Promise<string> {
    const response = await fetch(`${system.api.url}${path}`, { headers: { authorization: `Bearer ${client.apiKey}` } });
    expect(response.status, path).to.equal(200);
    expect(response.headers.get("content-type")).to.match(new RegExp(`^${expectType}`));
    expect(response.headers.get("content-disposition")).to.match(/^inline; filename="[0-9]{20}\.(pdf|xml)"$/);
    const file = join(dir, `file-${++count}`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    return file;
  }
  /** The QR code of page 1, decoded from the page rendered at 150 dpi. */
  function qrOf(pdf: string): string {
    poppler("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, `${pdf}-page`);
    const image = PNG.sync.read(readFileSync(`${pdf}-page.png`));
    const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(code, "a QR code on the page").to.not.equal(null);
    return code!.data;
  }
  const attachment = (pdf: string, name: string) => {
    const out = join(dir, `attachment-${++count}`);
    poppler("pdfdetach", "-savefile", name, "-o", out, pdf);
    return readFileSync(out, "utf8");
  };

  it("issue, open the PDF, scan its QR code, land on the page that says authentic, and claim it from there", async () => {
    const issued = await cast.merchant.client.post("/v1/invoices", { reference: `hd-${Date.now()}`, buyer: { type: "individual", name: "扫码报销人" }, items: ITEMS, remarks: "差旅报销" });
    expect(issued.status).to.equal(201);
    const invoice = issued.body.invoice;

    // The seller's copy of an unclaimed invoice is the buyer's: the QR code carries the claim code in the fragment.
    const pdf = await download(cast.merchant.client, `/v1/invoices/${invoice.id}/pdf`, "application/pdf");
    const text = poppler("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-");
    for (const expected of [invoice.printedNumber, invoice.checkCode, capitalAmount(TOTAL), "*餐饮服务*工作餐", "*运输服务*出租车客运", "扫码报销人", "差旅报销", "深圳市测试餐饮有限公司"]) expect(text).to.include(expected);
    const scanned = qrOf(pdf);
    expect(scanned).to.equal(verificationUrl(system.api.url, invoice, invoice.claimCode));

    const page = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    await page.goto(scanned);
    expect(await page.getAttribute(".verdict", "data-authentic")).to.equal("true");
    expect(await page.innerText("main")).to.include(invoice.printedNumber).and.not.include("扫码报销人");
    await page.waitForSelector("#claim:not([hidden])");
    await page.fill("input[name=apiKey]", cast.employee.client.apiKey!);
    await page.click("#claim button");
    await page.waitForSelector(".outcome[data-result=claimed]");
    await page.context().close();
    expect((await cast.employee.client.get(`/v1/invoices/${invoice.id}`)).body.holder).to.equal(cast.employee.account);

    // Claimed: every copy's QR code is the plain verification address, for the seller as for the holder.
    for (const client of [cast.merchant.client, cast.employee.client]) {
      expect(qrOf(await download(client, `/v1/invoices/${invoice.id}/pdf`, "application/pdf"))).to.equal(verificationUrl(system.api.url, invoice));
    }
  });

  it("attaches the UBL and the proof bundle to the PDF; each verifies on its own, and the routes serve the same", async () => {
    const invoice = (await cast.merchant.client.post("/v1/invoices", { reference: `hd-${Date.now()}-b`, buyer: { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }, items: ITEMS })).body.invoice;
    const pdf = await download(cast.merchant.client, `/v1/invoices/${invoice.id}/pdf`, "application/pdf");
    const listed = poppler("pdfdetach", "-list", pdf);
    expect(listed).to.include(`${invoice.printedNumber}.xml`).and.include(`${invoice.printedNumber}.proof.json`);

    const ubl = attachment(pdf, `${invoice.printedNumber}.xml`);
    expect(await xsdErrorsOf(ubl, "Invoice")).to.deep.equal([]);
    expect(ubl).to.include(`<cbc:ID>${invoice.printedNumber}</cbc:ID>`).and.include("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>");
    expect(readFileSync(await download(cast.merchant.client, `/v1/invoices/${invoice.id}/ubl`, "application/xml"), "utf8")).to.equal(ubl);

    const authority = system.node.ready.authority;
    const attached = JSON.parse(attachment(pdf, `${invoice.printedNumber}.proof.json`)) as unknown;
    const offline = await verifyProofBundle(attached, { authority });
    expect(offline).to.deep.include({ valid: true });
    if (!offline.valid) return;
    expect(offline.proves).to.deep.include({ kind: "invoice", state: "Issued", total: invoice.total, documentMatches: true });

    // The proof route, to any party to the invoice; later it proves the later state.
    expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
    const proof = await cast.enterprise.client.get(`/v1/invoices/${invoice.id}/proof`);
    expect(proof.status).to.equal(200);
    const later = await verifyProofBundle(proof.body, { authority });
    expect(later.valid && later.proves.state).to.equal("Issued");
    expect(later.valid && Number(later.proves.blockNumber) > Number(offline.proves.blockNumber)).to.equal(true);
    // Another authority's key: refused.
    expect(await verifyProofBundle(proof.body, { authority: cast.merchant.account })).to.deep.include({ valid: false, reason: "SEAL_NOT_AUTHORITY" });

    // Not a party: each file reads as an unknown invoice.
    for (const file of ["pdf", "ubl", "proof"]) {
      const refused = await cast.otherMerchant.client.get(`/v1/invoices/${invoice.id}/${file}`);
      expect(refused.status, file).to.equal(404);
      expect(refused.body.error.code).to.equal("NOT_FOUND");
      expect((await cast.otherMerchant.client.get(`/v1/invoices/0x${"ab".repeat(32)}/${file}`)).body).to.deep.equal(refused.body);
    }
    expect((await system.bureau.get(`/v1/invoices/${invoice.id}/proof`)).status).to.equal(200);
  });

  it("prints an erased buyer as erased, in the PDF and the UBL; the proof then carries no document and still verifies", async () => {
    const invoice = (await cast.merchant.client.post("/v1/invoices", { reference: `hd-${Date.now()}-e`, buyer: { type: "individual", name: "待删除购买人" }, items: ITEMS, remarks: "联系电话 13900001111" })).body.invoice;
    const erased = await system.bureau.post(`/v1/invoices/${invoice.id}/erase`, { basis: "PIPL-47", requestReference: "CASE-2026-001" });
    expect(erased.status).to.equal(200);
    const text = poppler("pdftotext", "-layout", "-enc", "UTF-8", await download(cast.merchant.client, `/v1/invoices/${invoice.id}/pdf`, "application/pdf"), "-");
    expect(text).to.include("已删除").and.include(invoice.printedNumber).and.not.include("待删除购买人").and.not.include("13900001111");
    const ubl = readFileSync(await download(cast.merchant.client, `/v1/invoices/${invoice.id}/ubl`, "application/xml"), "utf8");
    expect(await xsdErrorsOf(ubl, "Invoice")).to.deep.equal([]);
    expect(ubl).to.include("已删除 (erased)").and.not.include("待删除购买人");
    const proof = (await cast.merchant.client.get(`/v1/invoices/${invoice.id}/proof`)).body;
    expect(proof.document).to.equal(undefined);
    const verdict = await verifyProofBundle(proof, { authority: system.node.ready.authority });
    expect(verdict.valid && verdict.proves).to.deep.include({ kind: "invoice", state: "Issued", total: invoice.total });
  });

  it("prints a red-letter credit note: negative amounts, the total in capitals after 负, the original's number; its UBL is a CreditNote", async () => {
    const invoice = (await cast.merchant.client.post("/v1/invoices", { reference: `hd-${Date.now()}-c`, buyer: { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }, items: ITEMS })).body.invoice;
    const note = (await cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: `hd-${Date.now()}-r`, reason: "discount", total: "1060", tax: "60" })).body.creditNote;
    const pdf = await download(cast.merchant.client, `/v1/credit-notes/${note.id}/pdf`, "application/pdf");
    const text = poppler("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-");
    expect(text).to.include(note.printedNumber).and.include(invoice.printedNumber).and.include(`负${capitalAmount(1060n)}`).and.include("-10.60").and.include("销售折让");
    expect(qrOf(pdf)).to.equal(verificationUrl(system.api.url, note));
    const ubl = readFileSync(await download(cast.merchant.client, `/v1/credit-notes/${note.id}/ubl`, "application/xml"), "utf8");
    expect(await xsdErrorsOf(ubl, "CreditNote")).to.deep.equal([]);
    expect(ubl).to.include("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>").and.include(`<cbc:ID>${invoice.printedNumber}</cbc:ID>`);
    const proof = await verifyProofBundle((await cast.merchant.client.get(`/v1/credit-notes/${note.id}/proof`)).body, { authority: system.node.ready.authority });
    expect(proof.valid && proof.proves).to.deep.include({ kind: "credit-note", total: "1060", documentMatches: true });
  });
});
