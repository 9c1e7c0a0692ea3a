import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { create as createQr } from "qrcode";

import { verificationUrl } from "../../api/documents/verification-url";
import { compact, parseClaimLink } from "../../console/src/pages/employee/claim-link";
import { launchBrowser } from "../../scripts/lib/browser";
import type { DemoParty } from "../../scripts/seed/demo-keys";
import { seriousViolations, startConsoleSystem, type ConsoleSystem } from "./helpers/console-system";
import { callApi, issueInvoice } from "./helpers/http";

/** An invoice as the issuing merchant's answer gives it: what is printed on the buyer's copy. */
interface Issued {
  id: string;
  number: string;
  printedNumber: string;
  checkCode: string;
  claimCode: string;
  total: string;
}

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "zh-CN", timezoneId: "Asia/Shanghai" } as const;

describe("console: the employee's pages (我的发票, on a phone)", function () {
  this.timeout(180_000);
  let cs: ConsoleSystem;
  let zhang: DemoParty;
  let merchantA: DemoParty;
  let enterpriseA: DemoParty;
  let sequence = 0;

  before(async function () {
    cs = await startConsoleSystem();
    zhang = cs.party("individual", "张三");
    merchantA = cs.party("merchant", "深圳市南山示范餐饮有限公司");
    enterpriseA = cs.party("enterprise", "深圳市前海示范科技有限公司");
  });
  after(async () => cs?.close());

  const api = async (key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    return callApi(cs.url, { apiKey: key }, method, path, body);
  };

  /** A fresh invoice from merchant A to enterprise A, through the API with the demo key, as a till would. */
  async function issueToEnterpriseA(): Promise<Issued> {
    sequence += 1;
    const answer = await issueInvoice(cs.url, merchantA, enterpriseA, `employee-console-${Date.now()}-${sequence}`, { item: "工作餐", quantity: 2, unitPrice: 4_250 });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.invoice as Issued;
  }

  const invoiceAs = async (party: DemoParty, id: string) => {
    const answer = await api(party.apiKey, "GET", `/v1/invoices/${id}`);
    expect(answer.status).to.equal(200);
    return answer.body as { state: string; holder: string | null; enterprise: string | null };
  };

  async function phone(party: DemoParty): Promise<Page> {
    const { page } = await cs.open({ phone: true });
    await cs.signIn(page, party);
    return page;
  }

  /** The folder's cards once its read is done (ids and states), as the page shows them. */
  const cardsOf = async (page: Page) => {
    await page.locator("div[aria-busy=false] > [data-testid=folder]").waitFor();
    // Read in one go in the page: card by card, a list that re-renders meanwhile (a view's answer) leaves a
    // locator waiting for a card that is gone (a clean-clone run waited 30 s for the second one).
    return page.locator("[data-testid=folder] > li").evaluateAll((items) => items.map((item) => ({ id: item.getAttribute("data-invoice-id"), state: item.getAttribute("data-state") })));
  };

  async function claimByTyping(page: Page, invoice: Issued, claimCode = invoice.claimCode) {
    await page.goto(`${cs.url}/console/me/claim`);
    await page.locator("#claim-number").fill(invoice.printedNumber);
    await page.locator("#claim-check-code").fill(invoice.checkCode);
    await page.locator("#claim-code").fill(claimCode);
    await page.getByTestId("claim-form").locator("button[type=submit]").click();
  }

  async function confirmSubmission(page: Page) {
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    await dialog.locator("button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
  }

  it("opens on the folder, which shows the invoices he holds with the states the API reports", async function () {
    const page = await phone(zhang);
    // Signing in lands on /console/ and the console then goes to the role's home: wait for it (a clean-clone run
    // read the address between the two).
    await page.waitForURL((url) => url.pathname === "/console/me/folder", { timeout: 10_000 }).catch(() => undefined);
    expect(new URL(page.url()).pathname).to.equal("/console/me/folder");
    const held = (await api(zhang.apiKey, "GET", "/v1/invoices?limit=500")).body.invoices as { id: string; state: string }[];
    expect(held.length).to.be.greaterThan(0);
    const cards = await cardsOf(page);
    expect(new Map(cards.map((card) => [card.id, card.state]))).to.deep.equal(new Map(held.map((invoice) => [invoice.id, invoice.state])));
    // Every state he holds in the demo shows as its badge.
    expect([...new Set(cards.map((card) => card.state))]).to.include.members(["Issued", "Locked", "Reimbursed", "Filed"]);
    // A view narrows to one state (the API filters).
    await page.getByRole("link", { name: "报销中" }).click();
    await page.waitForURL(/show=submitted/);
    const locked = held
      .filter((i) => i.state === "Locked")
      .map((i) => i.id)
      .sort();
    await until(async () => JSON.stringify((await cardsOf(page)).map((card) => card.id).sort()) === JSON.stringify(locked));
    // Nothing wider than the phone.
    expect(await page.locator("html").evaluate((html) => html.scrollWidth)).to.be.at.most(390);
    await page.context().close();
  });

  it("shows an invoice his employer sent back, with the reason code from its history", async function () {
    const li = cs.party("individual", "李四");
    const page = await phone(li);
    const held = (await api(li.apiKey, "GET", "/v1/invoices?state=Issued")).body.invoices as { id: string }[];
    const rejected: { id: string; reason: string | undefined }[] = [];
    for (const invoice of held) {
      const trace = (await api(li.apiKey, "GET", `/v1/invoices/${invoice.id}/trace`)).body;
      // Back from the employer: the last word on its submission is a rejection.
      const last = (trace.events as { type: string; reason?: string }[]).filter((e) => e.type === "InvoiceSubmitted" || e.type === "InvoiceRejected").at(-1);
      if (last?.type === "InvoiceRejected") rejected.push({ id: invoice.id, reason: last.reason });
    }
    expect(rejected).to.have.length.greaterThan(0);
    await cardsOf(page);
    for (const { id, reason } of rejected) {
      expect(await page.locator(`[data-invoice-id="${id}"] [data-testid=rejection]`).getAttribute("data-reason")).to.equal(reason);
    }
    await page.context().close();
  });

  it("claims a fresh invoice by typing its number, check code and claim code; it is held; he submits it and the API reports it Locked", async function () {
    const invoice = await issueToEnterpriseA();
    const page = await phone(zhang);
    await claimByTyping(page, invoice);
    expect(await page.getByTestId("claimed").getAttribute("data-invoice-id")).to.equal(invoice.id);
    const claimed = await invoiceAs(zhang, invoice.id);
    expect(claimed.state).to.equal("Issued");
    expect(claimed.holder?.toLowerCase()).to.equal(zhang.account.toLowerCase());

    // In the folder among the held ones, and submitted from its card.
    await page.goto(`${cs.url}/console/me/folder?show=held`);
    const card = page.locator(`[data-invoice-id="${invoice.id}"]`);
    expect(await card.getAttribute("data-state")).to.equal("Issued");
    await card.getByTestId("submit-invoice").click();
    await confirmSubmission(page);
    await page.locator(".notice-success").waitFor();
    const submitted = await invoiceAs(zhang, invoice.id);
    expect(submitted.state).to.equal("Locked");
    expect(submitted.enterprise?.toLowerCase()).to.equal(enterpriseA.account.toLowerCase());
    // The held view no longer lists it.
    await card.waitFor({ state: "detached" });
    await page.context().close();
  });

  it("claims by pasting the QR code's address, and submits from the claim page", async function () {
    const invoice = await issueToEnterpriseA();
    const page = await phone(zhang);
    await page.goto(`${cs.url}/console/me/claim`);
    await page.locator("#claim-link").fill(verificationUrl(cs.url, invoice, invoice.claimCode));
    expect(await page.locator("#claim-number").inputValue()).to.equal(invoice.printedNumber);
    expect(await page.locator("#claim-check-code").inputValue()).to.equal(invoice.checkCode);
    await page.getByTestId("claim-form").locator("button[type=submit]").click();
    expect(await page.getByTestId("claimed").getAttribute("data-invoice-id")).to.equal(invoice.id);
    expect((await invoiceAs(zhang, invoice.id)).holder?.toLowerCase()).to.equal(zhang.account.toLowerCase());
    await page.getByTestId("submit-invoice").click();
    await confirmSubmission(page);
    await page.locator(".notice-success").nth(1).waitFor();
    expect((await invoiceAs(zhang, invoice.id)).state).to.equal("Locked");
    await page.context().close();
  });

  it("shows the API's refusal NOT_FOUND for a wrong claim code, and the invoice stays unclaimed", async function () {
    const invoice = await issueToEnterpriseA();
    const page = await phone(zhang);
    const wrong = `${invoice.claimCode.replace(/^0x/, "").slice(0, -1)}${invoice.claimCode.endsWith("0") ? "1" : "0"}`;
    await claimByTyping(page, invoice, wrong);
    expect(await page.locator("[role=alert]").getAttribute("data-code")).to.equal("NOT_FOUND");
    expect((await invoiceAs(merchantA, invoice.id)).holder).to.equal(null);
    // A link that is not an invoice's QR code is said so, and fills nothing.
    await page.locator("#claim-link").fill("https://example.com/somewhere?else=1");
    expect(await page.locator("#claim-link").getAttribute("aria-invalid")).to.equal("true");
    await page.context().close();
  });

  it("shows an invoice with its document and history, and downloads its PDF", async function () {
    const held = (await api(zhang.apiKey, "GET", "/v1/invoices?state=Reimbursed")).body.invoices as { id: string }[];
    const id = held[0]!.id;
    const page = await phone(zhang);
    await page.goto(`${cs.url}/console/me/invoices/${id}`);
    await page.getByTestId("invoice-facts").waitFor();
    const events = (await api(zhang.apiKey, "GET", `/v1/invoices/${id}/trace`)).body.events as { type: string }[];
    await page
      .getByTestId("history")
      .locator("li")
      .nth(events.length - 1)
      .waitFor();
    const steps = await page.getByTestId("history").locator("li").all();
    expect(await Promise.all(steps.map((step) => step.getAttribute("data-event")))).to.deep.equal(events.map((e) => e.type));
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-testid^=pdf-]").click()]);
    expect(download.suggestedFilename()).to.match(/\.pdf$/);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString()).to.equal("%PDF-");
    await page.context().close();
  });

  it("has no serious accessibility violations on the folder, the claim page and an invoice page", async function () {
    const { context, page } = await cs.open({ phone: true });
    await cs.signIn(page, zhang);
    await cardsOf(page);
    await page.locator("[data-testid=folder] [data-testid=submit-invoice]").first().waitFor();
    const found: Record<string, unknown> = {};
    found.folder = await seriousViolations(page);
    await page.goto(`${cs.url}/console/me/claim`);
    await page.getByTestId("claim-form").waitFor();
    found.claim = await seriousViolations(page);
    const id = ((await api(zhang.apiKey, "GET", "/v1/invoices?state=Issued")).body.invoices as { id: string }[])[0]!.id;
    await page.goto(`${cs.url}/console/me/invoices/${id}`);
    await page.getByTestId("history").waitFor();
    found.invoice = await seriousViolations(page);
    expect(found).to.deep.equal({ folder: [], claim: [], invoice: [] });
    await page.context().close();
  });

  describe("scanning with the camera (chromium's fake camera showing a QR code)", function () {
    let browser: Browser | undefined;
    let video: string | undefined;
    afterEach(async () => {
      await browser?.close();
      browser = undefined;
      if (video !== undefined) rmSync(video, { force: true });
    });

    it("reads the QR code of a fresh invoice from the camera, fills the form, stops the camera and claims it", async function () {
      const invoice = await issueToEnterpriseA();
      video = join(tmpdir(), `employee-qr-${process.pid}.y4m`);
      writeFileSync(video, qrVideo(verificationUrl(cs.url, invoice, invoice.claimCode)));
      browser = await launchBrowser({ args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`] });
      const context = await browser.newContext({ ...PHONE, permissions: ["camera"] });
      const page = await context.newPage();
      await cs.signIn(page, zhang);
      await page.goto(`${cs.url}/console/me/claim`);
      await page.getByTestId("scanner").locator("button").click();
      await until(async () => (await page.locator("#claim-number").inputValue()) === invoice.printedNumber, 20_000);
      expect(await page.getByTestId("scanner").getAttribute("data-status")).to.equal("idle");
      // The camera is released: no live track is left.
      expect(await page.locator("[data-testid=scanner] video").evaluate((video) => (video as unknown as { srcObject: unknown }).srcObject === null)).to.equal(true);
      await page.getByTestId("claim-form").locator("button[type=submit]").click();
      expect(await page.getByTestId("claimed").getAttribute("data-invoice-id")).to.equal(invoice.id);
      expect((await invoiceAs(zhang, invoice.id)).holder?.toLowerCase()).to.equal(zhang.account.toLowerCase());
    });

    it("says in words that the camera was not allowed, and keeps the form", async function () {
      browser = await launchBrowser({ args: ["--use-fake-device-for-media-stream"] });
      const context = await browser.newContext({ ...PHONE });
      const page = await context.newPage();
      await cs.signIn(page, zhang);
      await page.goto(`${cs.url}/console/me/claim`);
      await page.getByTestId("scanner").locator("button").click();
      expect(await page.getByTestId("scanner").locator("[role=alert]").getAttribute("data-reason")).to.equal("employee.scan.denied");
      await page.getByTestId("claim-form").waitFor();
    });
  });

  describe("reading an invoice's QR address", function () {
    it("takes number, check code and total from the query and the claim code from the fragment", function () {
      const url = verificationUrl("https://fapiao.example.cn", { printedNumber: "26441000000000000042", checkCode: "12345678901234567890", total: "9010" }, `0x${"ab".repeat(32)}`);
      expect(parseClaimLink(url)).to.deep.equal({ number: "26441000000000000042", checkCode: "12345678901234567890", claimCode: "ab".repeat(32), total: "9010" });
      expect(parseClaimLink(`  ${url}\n`)).to.deep.equal(parseClaimLink(url));
    });
    it("has no claim code on a copy printed for verification only", function () {
      expect(parseClaimLink("https://x.cn/verify?number=1&checkCode=2&total=3")).to.deep.equal({ number: "1", checkCode: "2", total: "3" });
    });
    it("is not an invoice's address without the verification page, its number or its check code", function () {
      expect(parseClaimLink("not a link")).to.equal(undefined);
      expect(parseClaimLink("https://x.cn/other?number=1&checkCode=2")).to.equal(undefined);
      expect(parseClaimLink("https://x.cn/verify?checkCode=2")).to.equal(undefined);
      expect(parseClaimLink("https://x.cn/verify?number=1")).to.equal(undefined);
    });
    it("reads a code as grouped on paper", function () {
      expect(compact(" 2644 1000-0000\n0000 0042 ")).to.equal("26441000000000000042");
    });
  });
});

/** Polls `check` until it holds (a page that re-reads after a click), failing after `ms`. */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A Y4M video (the format chromium's fake camera plays, looped) of a QR code holding `text`, black on white,
 * centred: what a phone's camera sees when held over the printed invoice.
 */
function qrVideo(text: string): Buffer {
  const width = 640;
  const height = 480;
  const { modules } = createQr(text, { errorCorrectionLevel: "M" });
  const scale = Math.floor(Math.min(width, height) / (modules.size + 8));
  const left = Math.floor((width - modules.size * scale) / 2);
  const top = Math.floor((height - modules.size * scale) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col) !== 1) continue;
      for (let y = 0; y < scale; y++) luma.fill(16, (top + row * scale + y) * width + left + col * scale, (top + row * scale + y) * width + left + (col + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}
