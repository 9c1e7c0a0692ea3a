import { expect } from "chai";
import type { Browser, Page } from "playwright-core";

import { verificationUrl } from "../../api/documents/verification-url";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type TestSystem } from "../api/helpers/system";
import { launchBrowser } from "../../scripts/lib/browser";

/**
 * The public verification page (GET /verify) in a real browser: what a phone shows after scanning an invoice's
 * QR code, in Chinese and English, and the claim from the address's fragment, which never reaches a server
 * until the person claims.
 */
describe("the public verification page, in Debian's chromium", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cast: Cast;
  let browser: Browser;
  let run = 0;
  const ref = () => `vp-${Date.now().toString(36)}-${run++}`;
  const BUYER = "扫码页面测试人";

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await system?.close();
  });

  async function issue() {
    const answer = await cast.merchant.client.post("/v1/invoices", { ...invoiceBody(ref(), { type: "individual", name: BUYER }), remarks: "13800138000" });
    expect(answer.status).to.equal(201);
    return answer.body.invoice as { id: string; number: string; printedNumber: string; checkCode: string; total: string; claimCode: string };
  }
  const urlOf = (invoice: Awaited<ReturnType<typeof issue>>, claim?: string) => verificationUrl(system.api.url, invoice, claim);

  /** A page whose every request is recorded (address and body), to show where the claim code goes. */
  async function open(url: string, locale = "zh-CN"): Promise<{ page: Page; status: number | undefined; sent: { url: string; body: string | null }[] }> {
    const context = await browser.newContext({ locale, extraHTTPHeaders: { "accept-language": locale } });
    const page = await context.newPage();
    const sent: { url: string; body: string | null }[] = [];
    page.on("request", (request) => sent.push({ url: request.url(), body: request.postData() }));
    const response = await page.goto(url);
    expect(response?.status(), url).to.be.oneOf([200, 400]);
    return { page, status: response?.status(), sent };
  }

  it("says authentic with the state, seller, date and amounts, in Chinese, and shows nothing personal", async () => {
    const invoice = await issue();
    const { page } = await open(urlOf(invoice));
    expect(await page.getAttribute(".verdict", "data-authentic")).to.equal("true");
    const text = await page.innerText("main");
    expect(text).to.include("查验结果：真实有效").and.include(invoice.printedNumber).and.include("深圳市测试餐饮有限公司").and.include("已开具");
    expect(text).to.include(`${(Number(invoice.total) / 100).toFixed(2)} 元`);
    expect(text).to.not.include(BUYER).and.not.include("13800138000");
    // No fragment: the buyer's claim form stays hidden.
    expect(await page.isVisible("#claim")).to.equal(false);
    await page.context().close();
  });

  it("speaks English when asked, and says not authentic for an altered total", async () => {
    const invoice = await issue();
    const english = await open(`${urlOf(invoice)}&lang=en`, "zh-CN");
    expect(await english.page.innerText("h2")).to.equal("Authentic");
    expect(await english.page.innerText("main")).to.include("Issued").and.include(invoice.printedNumber);
    await english.page.context().close();
    const byHeader = await open(urlOf(invoice), "en-GB");
    expect(await byHeader.page.innerText("h2")).to.equal("Authentic");
    await byHeader.page.context().close();
    const altered = await open(urlOf({ ...invoice, total: String(Number(invoice.total) + 1) }));
    expect(await altered.page.getAttribute(".verdict", "data-authentic")).to.equal("false");
    expect(await altered.page.innerText("h2")).to.equal("查验结果：不一致");
    expect(await altered.page.innerText("main")).to.not.include("深圳市测试餐饮有限公司");
    await altered.page.context().close();
    const broken = await open(`${system.api.url}/verify?number=12ab&checkCode=1&total=1`);
    // A malformed link: 400, the page says so (an alert, no verdict), and offers the form.
    expect(broken.status).to.equal(400);
    expect([await broken.page.$("[role=alert]") !== null, await broken.page.$("[data-authentic]"), await broken.page.$("form[method=get]") !== null]).to.deep.equal([true, null, true]);
    await broken.page.context().close();
  });

  it("verifies what a person types into the form, the total in yuan", async () => {
    const invoice = await issue();
    const { page } = await open(`${system.api.url}/verify`);
    await page.fill("input[name=number]", invoice.printedNumber);
    await page.fill("input[name=checkCode]", invoice.checkCode);
    await page.fill("input[name=totalYuan]", (Number(invoice.total) / 100).toFixed(2));
    await Promise.all([page.waitForURL(/totalYuan=/), page.click("form[method=get] button")]);
    expect(await page.getAttribute(".verdict", "data-authentic")).to.equal("true");
    await page.context().close();
  });

  it("shows a frozen invoice as frozen, with what that means", async () => {
    const invoice = await issue();
    expect((await system.bureau.post(`/v1/invoices/${invoice.id}/freeze`, { reason: "AUDIT" })).status).to.equal(200);
    const { page } = await open(urlOf(invoice));
    expect(await page.getAttribute(".state", "data-state")).to.equal("Frozen");
    expect(await page.innerText(".note")).to.include("冻结");
    await page.context().close();
  });

  it("claims from the fragment with a key that opens a session; the code reaches the server only in the claim's body, the key only in the sign-in", async () => {
    const invoice = await issue();
    const code = invoice.claimCode.slice(2);
    const key = cast.employee.client.apiKey!;
    const { page, sent } = await open(urlOf(invoice, invoice.claimCode));
    await page.waitForSelector("#claim:not([hidden])");
    // A wrong key: refused with the API's code, in words, and the form stays usable; the claim was not sent.
    await page.fill("input[name=apiKey]", "eil_000000000000_wrongwrongwrongwrongwrongwrongwro");
    await page.click("#claim button");
    await page.waitForSelector(".outcome[data-result=UNAUTHENTICATED]");
    await page.fill("input[name=apiKey]", key);
    await page.click("#claim button");
    await page.waitForSelector(".outcome[data-result=claimed]");
    expect(await page.innerText(".outcome")).to.include("已开具");
    expect(await page.isVisible(".to-console a")).to.equal(true);
    // The fragment is gone from the address (and so from history); the API has the employee as holder.
    expect(page.url()).to.not.include(code);
    expect((await cast.employee.client.get(`/v1/invoices/${invoice.id}`)).body.holder).to.equal(cast.employee.account);
    const carrying = sent.filter((request) => request.url.includes(code) || request.body?.includes(code));
    expect(carrying.map((request) => new URL(request.url).pathname)).to.deep.equal(["/v1/claims"]);
    expect(sent.every((request) => !request.url.includes(code))).to.equal(true);
    // The key went only to the sign-in, in its body; the session is an httpOnly cookie the page's script cannot read.
    const withKey = sent.filter((request) => request.url.includes(key) || request.body?.includes(key));
    expect(withKey.map((request) => new URL(request.url).pathname)).to.deep.equal(["/v1/sessions"]);
    expect(await page.evaluate("document.cookie")).to.equal("");
    const cookies = await page.context().cookies();
    expect(cookies.map((cookie) => [cookie.name, cookie.httpOnly, cookie.sameSite])).to.deep.equal([["eil_session", true, "Strict"]]);
    await page.context().close();
    // Reimbursed: nothing left to claim, and the page does not offer it, code or not.
    expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).status).to.equal(200);
    expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).status).to.equal(200);
    const later = await open(urlOf(invoice, invoice.claimCode));
    expect(await later.page.getAttribute(".state", "data-state")).to.equal("Reimbursed");
    expect(await later.page.$("#claim")).to.equal(null);
    await later.page.context().close();
  });

  it("claims as the party already signed in to the console, with no key to type", async () => {
    const invoice = await issue();
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    const opened = await page.request.post(`${system.api.url}/v1/sessions`, { data: { apiKey: cast.colleague.client.apiKey! } });
    expect(opened.status()).to.equal(201);
    await page.goto(urlOf(invoice, invoice.claimCode));
    await page.waitForSelector("#claim .signed-in:not([hidden])");
    expect(await page.isVisible("input[name=apiKey]")).to.equal(false);
    await page.click("#claim button");
    await page.waitForSelector(".outcome[data-result=claimed]");
    expect((await cast.colleague.client.get(`/v1/invoices/${invoice.id}`)).body.holder).to.equal(cast.colleague.account);
    await context.close();
  });
});
