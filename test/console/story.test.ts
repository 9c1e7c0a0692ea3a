import { expect } from "chai";
import type { Page } from "playwright-core";

import { periodOf } from "../../api/domain/tax-period";
import type { DemoParty } from "../../scripts/seed/demo-keys";
import { seriousViolations, startConsoleSystem, type ConsoleSystem } from "./helpers/console-system";
import { callApi, issueInvoice } from "./helpers/http";

/**
 * The console's story across the four roles, against the real processes as `npm start` runs them (the ledger
 * node and the built API, which serves the built console) with the demo seeded, in Debian's chromium: an
 * employee claims invoices on a phone by typing what the QR code holds and submits them; another enterprise tries
 * to reimburse one and the bureau finds the attempt among its anomalies, then finds the merchant's invoices of
 * the period and reads one's history; the finance clerk reimburses in bulk and files; the merchant reverses one.
 * Every page it visits passes axe-core with no serious violation; the bureau switches to English.
 */
describe("the console, four roles, one story (real processes, chromium)", function () {
  this.timeout(600_000);
  let cs: ConsoleSystem;
  const party = (role: DemoParty["role"], name: string) => cs.party(role, name);
  const period = periodOf(new Date());
  const run = Date.now().toString(36);
  type Issued = { id: string; number: string; printedNumber: string; checkCode: string; total: string; claimCode: string };
  let invoices: Issued[];
  let toReverse: Issued;

  /** A party's own systems: plain HTTP with its key. */
  const api = (who: DemoParty, method: string, path: string, body?: unknown) => callApi(cs.url, who, method, path, body);

  async function signedIn(who: DemoParty, options: { phone?: boolean } = {}): Promise<Page> {
    const { page } = await cs.open(options);
    await cs.signIn(page, who);
    return page;
  }
  const accessible = async (page: Page, what: string) => expect((await seriousViolations(page)).map((v) => `${v.id}: ${v.help}`), what).to.deep.equal([]);
  const confirm = async (page: Page) => {
    await page.locator("dialog[open] button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
  };

  before(async () => {
    cs = await startConsoleSystem({ processes: "real" });
    // The merchant's own systems issue four invoices to enterprise A (their buyer): three to be claimed, one to be refunded.
    const merchant = party("merchant", "深圳市南山示范餐饮有限公司");
    const enterpriseA = party("enterprise", "深圳市前海示范科技有限公司");
    const issued: Issued[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await issueInvoice(cs.url, merchant, enterpriseA, `story-${run}-${i}`, { item: "工作餐", quantity: i + 1, unitPrice: 6_600 });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      issued.push(answer.body.invoice as Issued);
    }
    invoices = issued.slice(0, 3);
    toReverse = issued[3]!;
  });
  after(async () => {
    await cs?.close();
  });

  it("an employee claims three invoices on a phone by typing what their QR codes hold, and submits each to his employer", async () => {
    const zhang = party("individual", "张三");
    const page = await signedIn(zhang, { phone: true });
    for (const invoice of invoices) {
      await page.goto(`${cs.url}/console/me/claim`);
      await page.locator("#claim-number").fill(invoice.printedNumber);
      await page.locator("#claim-check-code").fill(invoice.checkCode);
      await page.locator("#claim-code").fill(invoice.claimCode);
      if (invoice === invoices[0]) await accessible(page, "the claim page");
      await page.getByTestId("claim-form").locator("button[type=submit]").click();
      expect(await page.getByTestId("claimed").getAttribute("data-invoice-id")).to.equal(invoice.id);
      await page.getByTestId("submit-invoice").click();
      await confirm(page);
      await page.locator(".notice-success").nth(1).waitFor();
      const now = (await api(zhang, "GET", `/v1/invoices/${invoice.id}`)).body;
      expect([now.state, now.enterprise.toLowerCase()]).to.deep.equal(["Locked", party("enterprise", "深圳市前海示范科技有限公司").account.toLowerCase()]);
    }
    await page.goto(`${cs.url}/console/me/folder`);
    for (const invoice of invoices) await page.locator(`[data-invoice-id="${invoice.id}"]`).waitFor();
    await accessible(page, "the invoice folder");
    await page.context().close();
  });

  it("a second enterprise's attempt to reimburse one is refused, and the bureau finds it first among its anomalies", async () => {
    const enterpriseB = party("enterprise", "深圳市罗湖示范贸易有限公司");
    const attempt = await api(enterpriseB, "POST", `/v1/invoices/${invoices[0]!.id}/reimburse`);
    expect(attempt.status).to.be.oneOf([404, 409]);
    const bureau = cs.party("bureau");
    const page = await signedIn(bureau);
    await page.goto(`${cs.url}/console/bureau/anomalies`);
    const row = page.locator(`[data-testid=repeated-attempts] tbody tr:has(a[href$="${invoices[0]!.id}"])`);
    await row.waitFor();
    // Flagged as tried at several enterprises, and listed first (the one-invoice-reimbursed-twice risk).
    expect(await row.locator(".bureau-flag").count()).to.equal(1);
    expect(await page.locator("[data-testid=repeated-attempts] tbody tr").first().locator(`a[href$="${invoices[0]!.id}"]`).count()).to.be.greaterThan(0);
    await accessible(page, "the anomalies page");
    // From the anomaly to the invoice and its history: issued, claimed, submitted to enterprise A.
    await row.locator(`a[href$="${invoices[0]!.id}"]`).first().click();
    await page.locator("[data-testid=timeline] li").nth(2).waitFor();
    const events = await page.locator("[data-testid=timeline] li").evaluateAll((items) => items.map((li) => li.getAttribute("data-event")));
    expect(events).to.include.members(["InvoiceIssued", "InvoiceClaimed", "InvoiceSubmitted"]);
    await page.context().close();
  });

  it("the bureau finds the merchant's invoices of this period and opens one's timeline, then reads the desk in English", async () => {
    const bureau = cs.party("bureau");
    const merchant = party("merchant", "深圳市南山示范餐饮有限公司");
    const page = await signedIn(bureau);
    await page.waitForURL(/\/console\/bureau\/search/);
    const month = `${String(period).slice(0, 4)}-${String(period).slice(4)}`;
    await page.locator("#search-merchant").fill(merchant.taxpayerId!);
    await page.locator("#search-periodFrom").fill(month);
    await page.locator("#search-periodTo").fill(month);
    await page.locator("[data-testid=search-form] button[type=submit]").click();
    const listed = (await api(bureau, "GET", `/v1/invoices?merchant=${merchant.account}&periodFrom=${period}&periodTo=${period}&limit=50`)).body.invoices as { id: string }[];
    for (const invoice of [...invoices, toReverse]) expect(listed.map((i) => i.id)).to.include(invoice.id);
    // The desk's first listing (every invoice) may still be on screen: wait for this search's address and rows.
    await page.waitForURL((url) => url.searchParams.get("sellerTaxId") === merchant.taxpayerId);
    await page.waitForFunction(`document.querySelectorAll('[data-testid=invoice-row]').length === ${listed.length}`, undefined, { timeout: 10_000 }).catch(() => undefined);
    await page.locator(`[data-testid=invoice-row] a[href$="${toReverse.id}"]`).waitFor();
    expect(await page.locator("[data-testid=invoice-row]").count()).to.equal(listed.length);
    await accessible(page, "the search desk");
    await page.locator(`[data-testid=invoice-row] a[href$="${invoices[1]!.id}"]`).click();
    await page.locator("[data-testid=timeline] li[data-event=InvoiceSubmitted]").waitFor();
    await accessible(page, "an invoice's page");
    // English: the switch in the frame; the choice outlasts a reload.
    await page.getByRole("button", { name: "English" }).click();
    await page.locator("html[lang=en]").waitFor();
    await page.reload();
    await page.locator("html[lang=en]").waitFor();
    expect(await page.locator("nav.side-nav").innerText()).to.match(/[A-Za-z]{4,}/);
    expect(await page.locator("nav.side-nav").innerText()).to.not.match(/[\u4e00-\u9fff]/);
    await page.context().close();
  });

  it("the finance clerk reimburses the three in bulk and files them for this period", async () => {
    const enterpriseA = party("enterprise", "深圳市前海示范科技有限公司");
    const page = await signedIn(enterpriseA);
    await page.waitForURL(/\/console\/finance\/inbox/);
    const row = (id: string) => page.locator(`div[aria-busy=false] [data-testid=invoice-row][data-invoice-id="${id}"]`);
    for (const invoice of invoices) await row(invoice.id).locator("input[type=checkbox]").check();
    await accessible(page, "the inbox");
    await page.getByTestId("reimburse-selected").click();
    await confirm(page);
    await page.locator("[data-testid=bulk-progress][data-finished=true]").waitFor();
    for (const invoice of invoices) expect((await api(enterpriseA, "GET", `/v1/invoices/${invoice.id}`)).body.state).to.equal("Reimbursed");
    await page.goto(`${cs.url}/console/finance/filing`);
    for (const invoice of invoices) await row(invoice.id).locator("input[type=checkbox]").check();
    await accessible(page, "the filing page");
    await page.getByTestId("file-selected").click();
    await confirm(page);
    await page.locator("[data-testid=bulk-progress][data-finished=true]").waitFor();
    for (const invoice of invoices) {
      const now = (await api(enterpriseA, "GET", `/v1/invoices/${invoice.id}`)).body;
      expect([now.state, now.filedPeriod]).to.deep.equal(["Filed", period]);
    }
    await page.context().close();
  });

  it("the merchant reverses the fourth in full, and the API then reports it reversed by a credit note", async () => {
    const merchant = party("merchant", "深圳市南山示范餐饮有限公司");
    const page = await signedIn(merchant);
    await page.waitForURL(/\/console\/merchant\/invoices/);
    await accessible(page, "the merchant's invoices");
    await page.goto(`${cs.url}/console/merchant/invoices/${toReverse.id}`);
    await page.getByTestId("reverse-open").click();
    await page.locator("dialog[open] #reverse-reference").fill(`refund-${run}`);
    await page.locator("dialog[open] #reverse-reason").selectOption("sales-return");
    await page.locator("dialog[open] button[type=submit]").click();
    await page.getByTestId("reversed").waitFor();
    const after = (await api(merchant, "GET", `/v1/invoices/${toReverse.id}`)).body;
    expect([after.state, after.reversedTotal]).to.deep.equal(["Reversed", after.total]);
    await page.context().close();
  });
});
