import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";

import { randomTaxpayerId } from "../../scripts/lib/demo-data";
import { callApi } from "./helpers/http";
import {
  seriousViolations,
  startConsoleSystem,
  type ConsoleSystem,
} from "./helpers/console-system";

/**
 * The tax bureau's pages in a real browser over the seeded demo: the search desk against the API's own search,
 * an invoice's history as the trace has it, freezing and unfreezing, the statistics, the anomalies, registering
 * a merchant (its key shown once), granting a quota; accessibility and the English catalogue.
 */
describe("console: the tax bureau's pages", function () {
  this.timeout(240_000);
  let cs: ConsoleSystem;
  let context: BrowserContext;
  let page: Page;
  const shots = process.env["BUREAU_SHOTS"] === "1";
  /** The merchant the participants test registers, found and suspended by the next one. */
  let registered: { name: string; account: string } | undefined;

  /** What the API answers the bureau for a path, read over HTTP with its key (the page is not asked). */
  async function api<T = Record<string, unknown>>(
    path: string,
    init: { method?: string; body?: unknown; key?: string } = {},
  ): Promise<T> {
    const answer = await callApi(cs.url, { apiKey: init.key ?? cs.party("bureau").apiKey }, init.method ?? "GET", path, init.body);
    expect(answer.status, `${init.method ?? "GET"} ${path}`).to.be.lessThan(300);
    return answer.body as T;
  }
  const period = () => {
    const cst = new Date(Date.now() + 8 * 3600 * 1000);
    return cst.getUTCFullYear() * 100 + cst.getUTCMonth() + 1;
  };
  const month = (p: number) =>
    `${Math.floor(p / 100)}-${String(p % 100).padStart(2, "0")}`;
  const merchantA = () => cs.party("merchant", "深圳市南山示范餐饮有限公司");
  const go = (path: string) => page.goto(`${cs.url}/console/bureau${path}`);
  const shot = async (name: string) => {
    if (shots)
      await page.screenshot({
        path: `/tmp/bureau-${name}.png`,
        fullPage: true,
      });
  };
  /** Waits until no view on the page says it is loading. */
  const settled = () =>
    page.waitForFunction(
      "document.querySelectorAll('.view-loading').length === 0 && document.querySelectorAll('[aria-busy=true]').length === 0",
    );

  before(async () => {
    cs = await startConsoleSystem();
    ({ context, page } = await cs.open());
    await cs.signIn(page, cs.party("bureau"));
  });
  after(async () => {
    await context?.close();
    await cs?.close();
  });

  it("starts at the search desk and finds merchant A's invoices of this period, as the API's search does", async () => {
    await page.waitForURL("**/console/bureau/search");
    const merchant = merchantA();
    const p = period();
    // The merchant by its taxpayer ID: the API's sellerTaxId (every account registered under it), no lookup.
    await page.locator("#search-merchant").fill(merchant.taxpayerId!);
    await page.locator("#search-periodFrom").fill(month(p));
    await page.locator("#search-periodTo").fill(month(p));
    await page.locator("[data-testid=search-form] button[type=submit]").click();
    const expected = await api<{
      invoices: { id: string; number: string; printedNumber: string | null }[];
      hasMore: boolean;
    }>(
      `/v1/invoices?sellerTaxId=${merchant.taxpayerId!}&periodFrom=${p}&periodTo=${p}&limit=500`,
    );
    // The desk's first listing (before this search) may still be on screen: wait for this search's address and rows.
    await page.waitForURL((url) => url.searchParams.get("sellerTaxId") === merchant.taxpayerId);
    await page
      .waitForFunction(`document.querySelectorAll('[data-testid=invoice-row]').length === ${expected.invoices.length}`, undefined, { timeout: 10_000 })
      .catch(() => undefined);
    const shown = await page.locator("[data-testid=invoice-row]").count();
    expect(expected.hasMore).to.equal(false);
    expect(shown).to.equal(expected.invoices.length).and.be.greaterThan(0);
    expect(
      Number(
        await page.getAttribute("[data-testid=result-count]", "data-count"),
      ),
    ).to.equal(expected.invoices.length);
    const numbers = await page
      .locator("[data-testid=invoice-row] th a")
      .allInnerTexts();
    expect([...numbers].sort()).to.deep.equal(
      expected.invoices.map((i) => i.printedNumber ?? i.number).sort(),
    );

    // The filters are in the address (the taxpayer ID stays one): a reload shows the same search, filled in.
    const address = new URL(page.url());
    expect(address.searchParams.get("sellerTaxId")).to.equal(
      merchant.taxpayerId,
    );
    expect(address.searchParams.get("merchant")).to.equal(null);
    expect(address.searchParams.get("periodFrom")).to.equal(String(p));
    await page.reload();
    await page.locator("[data-testid=result-count]").waitFor();
    expect(await page.locator("[data-testid=invoice-row]").count()).to.equal(
      expected.invoices.length,
    );
    expect(await page.inputValue("#search-merchant")).to.equal(
      merchant.taxpayerId,
    );

    // A filter that matches nothing shows the empty view, and the back button returns to the results.
    await page.locator("details.bureau-more > summary").click();
    await page.locator("#search-minYuan").fill("99999999");
    await page.locator("[data-testid=search-form] button[type=submit]").click();
    await page.locator(".view-empty").waitFor();
    await page.goBack();
    await page.locator("[data-testid=result-count]").waitFor();
    expect(await page.locator("[data-testid=invoice-row]").count()).to.equal(
      expected.invoices.length,
    );
    await shot("search");
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  it("finds the seller by its name through the API's q: one match is the seller, several are offered to choose from", async () => {
    const merchant = merchantA();
    await go("/search");
    // The full name: the API finds this one merchant, and the search takes its account.
    await page.locator("#search-merchant").fill(merchant.name);
    await page.locator("[data-testid=search-form] button[type=submit]").click();
    await page.waitForURL(/merchant=0x/);
    expect(new URL(page.url()).searchParams.get("merchant")).to.equal(
      merchant.account,
    );
    const byAccount = await api<{ invoices: unknown[] }>(
      `/v1/invoices?merchant=${merchant.account}&limit=500`,
    );
    // The page's first render after the address changes may still be the empty form: wait for its answer's rows.
    const rows = Math.min(byAccount.invoices.length, 50);
    await page.waitForFunction(`document.querySelectorAll('[data-testid=invoice-row]').length === ${rows}`, undefined, { timeout: 10_000 }).catch(() => undefined);
    expect(await page.locator("[data-testid=invoice-row]").count()).to.equal(rows);

    // Part of a name both demo merchants share: the page lists what the API's q answers, and the person chooses.
    await page.locator("#search-merchant").fill("示范");
    await page.locator("[data-testid=search-form] button[type=submit]").click();
    await page.locator("[data-testid=merchant-choices]").waitFor();
    const matches = await api<{ participants: { account: string }[] }>(
      `/v1/participants?role=merchant&q=${encodeURIComponent("示范")}&limit=20`,
    );
    expect(matches.participants.length).to.be.greaterThan(1);
    const offered = await page
      .locator("[data-testid=merchant-choices] button")
      .evaluateAll((buttons) =>
        buttons.map((b) => b.getAttribute("data-account")),
      );
    expect(offered).to.deep.equal(
      matches.participants.map((m) => m.account),
    );
    expect(
      await page.getAttribute("#search-merchant", "aria-invalid"),
    ).to.equal("true");
    expect(await seriousViolations(page)).to.deep.equal([]);
    await shot("search-choose");
    await page
      .locator(
        `[data-testid=merchant-choices] button[data-account="${merchant.account}"]`,
      )
      .click();
    await page.waitForURL(/merchant=0x/);
    expect(new URL(page.url()).searchParams.get("merchant")).to.equal(
      merchant.account,
    );

    // A name no merchant has: the field says so, nothing is searched.
    const before = page.url();
    await page.locator("#search-merchant").fill("没有这个商户名称");
    await page.locator("[data-testid=search-form] button[type=submit]").click();
    await page.locator("#search-merchant[aria-invalid=true]").waitFor();
    expect(page.url()).to.equal(before);
  });

  it("opens the filed invoice from the results and shows its history as the trace has it", async () => {
    const merchant = merchantA();
    const filed = (
      await api<{ invoices: { id: string; number: string }[] }>(
        `/v1/invoices?merchant=${merchant.account}&state=Filed`,
      )
    ).invoices[0]!;
    await go(`/search?merchant=${merchant.account}&state=Filed`);
    await page
      .locator(`[data-testid=invoice-row] a[href$="${filed.id}"]`)
      .click();
    await page.locator("[data-testid=timeline] li").first().waitFor();
    expect(new URL(page.url()).pathname).to.equal(
      `/console/bureau/invoices/${filed.id}`,
    );
    const trace = await api<{
      events: { type: string; transactionHash: string }[];
    }>(`/v1/invoices/${filed.id}/trace`);
    const steps = await page
      .locator("[data-testid=timeline] li")
      .evaluateAll((items) =>
        items.map((item) => item.getAttribute("data-event")),
      );
    expect(steps).to.deep.equal(trace.events.map((e) => e.type));
    expect(steps).to.include.members([
      "InvoiceIssued",
      "InvoiceClaimed",
      "InvoiceSubmitted",
      "InvoiceReimbursed",
      "InvoiceFiled",
    ]);
    // Actors by name (the employee 张三 claimed and submitted it), with each step's transaction.
    await page.locator("[data-testid=timeline]", { hasText: "张三" }).waitFor();
    await page
      .locator("[data-testid=timeline]", {
        hasText: "深圳市前海示范科技有限公司",
      })
      .waitFor();
    expect(
      await page.getAttribute(
        "[data-testid=timeline] li:first-child .hex",
        "title",
      ),
    ).to.equal(trace.events[0]!.transactionHash);
    expect(
      await page.getAttribute("[data-testid=invoice-state]", "data-state"),
    ).to.equal("Filed");
    await settled();
    await shot("invoice");
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  it("freezes an invoice after confirming, the API then reports it Frozen, and unfreezes it back", async () => {
    const merchant = merchantA();
    const invoice = (
      await api<{ invoices: { id: string }[] }>(
        `/v1/invoices?merchant=${merchant.account}&state=Reimbursed`,
      )
    ).invoices[0]!;
    await go(`/invoices/${invoice.id}`);
    await page.locator("[data-testid=freeze]").click();
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    await dialog.locator("#freeze-reason").selectOption("SUSPECTED_FRAUD");
    await dialog.locator("button[type=submit]").click();
    await page
      .locator("[data-testid=invoice-state][data-state=Frozen]")
      .waitFor();
    expect(
      (
        await api<{ state: string; frozenFrom: string }>(
          `/v1/invoices/${invoice.id}`,
        )
      ).state,
    ).to.equal("Frozen");
    await page
      .locator("[data-testid=timeline] li[data-event=InvoiceFrozen]")
      .waitFor();
    await shot("frozen");

    await page.locator("[data-testid=unfreeze]").click();
    await page.locator("dialog[open] button[type=submit]").click();
    await page
      .locator("[data-testid=invoice-state][data-state=Reimbursed]")
      .waitFor();
    expect(
      (await api<{ state: string }>(`/v1/invoices/${invoice.id}`)).state,
    ).to.equal("Reimbursed");

    // Freezing with a free code that is not a reason code is stopped at the field, nothing is sent.
    await page.locator("[data-testid=freeze]").click();
    await page.locator("#freeze-reason").selectOption("OTHER");
    await page.locator("#freeze-code").fill("不是代码");
    await page.locator("dialog[open] button[type=submit]").click();
    expect(await page.getAttribute("#freeze-code", "aria-invalid")).to.equal(
      "true",
    );
    await page.locator("dialog[open] button[type=button]").click();
    expect(
      (await api<{ state: string }>(`/v1/invoices/${invoice.id}`)).state,
    ).to.equal("Reimbursed");
  });

  it("shows the statistics as charts with the figures as a table", async () => {
    await go("/dashboard");
    await page.locator("[data-testid=chart-period] canvas").waitFor();
    await page.locator("[data-testid=chart-merchant] canvas").waitFor();
    await page.locator("[data-testid=chart-rate] canvas").waitFor();
    await page.locator("[data-testid=chart-day] canvas").waitFor();
    const p = period();
    const totals = await api<{
      totals: { period: number; invoices: number }[];
    }>(`/v1/reports/totals?groupBy=period`);
    const now = totals.totals.find((t) => t.period === p);
    expect(now, JSON.stringify(totals)).to.not.equal(undefined);
    // Evaluated in the page (this file is compiled without the DOM's types).
    const rows = (await page.evaluate(
      "Array.from(document.querySelectorAll('[data-testid=figures-period] tbody tr'), (tr) => Array.from(tr.children, (cell) => (cell.textContent || '').trim()))",
    )) as string[][];
    expect(rows).to.have.length(6);
    expect(Number(rows[rows.length - 1]![1])).to.equal(now!.invoices);
    await page.locator("[data-testid=chart-period] summary").click();
    expect(await page.isVisible("[data-testid=figures-period]")).to.equal(true);
    await settled();
    await shot("dashboard");
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  it("loads the anomalies and the audit of refused attempts", async () => {
    await go("/anomalies");
    await page.locator("[data-testid=anomalies]").waitFor();
    await settled();
    expect(await page.locator(".notice-error").count()).to.equal(0);
    // The demo rejected one submission; whatever the audit holds, its table or its empty view is there.
    const refusals = await api<{ refusals: unknown[] }>("/v1/reports/refusals");
    expect(
      await page.locator("[data-testid=refusals] tbody tr").count(),
    ).to.equal(Math.min(refusals.refusals.length, 50));
    await shot("anomalies");
  });

  it("registers a merchant and shows its API key once", async () => {
    await go("/participants");
    await page.locator("[data-testid=participants]").waitFor();
    const name = `测试登记商户${Date.now().toString(36)}`;
    await page.locator("#register-role").selectOption("merchant");
    await page.locator("#register-name").fill(name);
    await page.locator("#register-taxpayer").fill(randomTaxpayerId());
    await page
      .locator("[data-testid=register-form] button[type=submit]")
      .click();
    const key = (
      await page.locator("[data-testid=secret]").innerText()
    ).trim();
    expect(key).to.match(/^eil_/);
    const me = await api<{ role: string; name: string; account: string }>(
      "/v1/me",
      { key },
    );
    expect(me).to.include({ role: "merchant", name });
    await page
      .locator(`[data-testid=participants] tr:has-text("${name}")`)
      .waitFor();
    await shot("participants");
    // Once stored, the key is gone from the page.
    await page.locator("[data-testid=shown-once] button").nth(1).click();
    expect(await page.locator("[data-testid=secret]").count()).to.equal(0);
    expect(await page.content()).to.not.include(key);
    registered = { name, account: me.account };
  });

  it("finds participants by q and filters them by status, as the API answers", async () => {
    expect(registered, "the merchant registered above").to.not.equal(undefined);
    const { name, account } = registered!;
    await go("/participants");
    await page.locator("[data-testid=participants]").waitFor();
    /** Waits until the table (or its empty view) shows exactly these accounts. */
    const shows = (accounts: string[]) =>
      page.waitForFunction(
        `(() => { const table = document.querySelector('[data-testid=participants]'); if (table && table.closest('[aria-busy=true]')) return false; const got = Array.from(document.querySelectorAll('[data-testid=participants] tbody tr'), (tr) => tr.getAttribute('data-account')).sort(); return JSON.stringify(got) === ${JSON.stringify(JSON.stringify([...accounts].sort()))}; })()`,
      );
    type Listed = { participants: { account: string; status: string }[] };

    // By part of its name: the API's q.
    const part = name.slice(-6);
    await page.locator("#filter-q").fill(part);
    const byName = await api<Listed>(
      `/v1/participants?q=${encodeURIComponent(part)}&limit=50`,
    );
    expect(byName.participants.map((p) => p.account)).to.deep.equal([account]);
    await shows([account]);

    // Suspended after confirming; the status filter then lists what the API lists as suspended.
    await page
      .locator(`tr[data-account="${account}"] [data-testid=participant-suspend]`)
      .click();
    await page.locator("dialog[open] button[type=submit]").click();
    await page
      .locator(`tr[data-account="${account}"] [data-testid=participant-reinstate]`)
      .waitFor();
    await page.locator("#filter-q").fill("");
    await page.locator("#filter-status").selectOption("Suspended");
    const suspended = await api<Listed>(
      "/v1/participants?status=Suspended&limit=50",
    );
    expect(suspended.participants.map((p) => p.account)).to.include(account);
    expect(suspended.participants.every((p) => p.status === "Suspended")).to.equal(true);
    await shows(suspended.participants.map((p) => p.account));

    // Both: the suspended one by its name, and none of them active.
    await page.locator("#filter-q").fill(part);
    await shows([account]);
    await page.locator("#filter-status").selectOption("Active");
    const activeByName = await api<Listed>(
      `/v1/participants?q=${encodeURIComponent(part)}&status=Active&limit=50`,
    );
    expect(activeByName.participants).to.deep.equal([]);
    await page.locator("#participants .view-empty").first().waitFor();
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  it("grants a merchant a quota and shows it", async () => {
    const merchant = merchantA();
    const p = period();
    await go(`/quotas?merchant=${merchant.account}&period=${p}`);
    await page.locator("[data-testid=quota]").waitFor();
    const before = await api<{ granted: string; used: string }>(
      `/v1/merchants/${merchant.account}/quotas/${p}`,
    );
    expect(
      await page.getAttribute("[data-testid=quota]", "data-used"),
    ).to.equal(before.used);
    await page.locator("#quota-granted").fill("2,000,000.50");
    await page.locator("[data-testid=quota-form] button[type=submit]").click();
    await page
      .locator("[data-testid=quota][data-granted='200000050']")
      .waitFor();
    expect(
      (
        await api<{ granted: string }>(
          `/v1/merchants/${merchant.account}/quotas/${p}`,
        )
      ).granted,
    ).to.equal("200000050");
    await shot("quotas");

    // Another merchant found by part of its name (the API's q), picked, and its quota shown.
    const other = cs.party("merchant", "深圳市福田示范酒店有限公司");
    await page.locator("#quota-find").fill("福田");
    const found = await api<{ participants: { account: string }[] }>(
      `/v1/participants?role=merchant&q=${encodeURIComponent("福田")}&limit=50`,
    );
    expect(found.participants.map((m) => m.account)).to.include(other.account);
    await page.locator(`#quota-merchant option[value="${other.account}"]`).waitFor({ state: "attached" });
    await page.locator("#quota-merchant").selectOption(other.account);
    await page.locator("#quota-which button[type=submit]").click();
    await page.waitForURL(new RegExp(`merchant=${other.account}`));
    const otherQuota = await api<{ granted: string }>(
      `/v1/merchants/${other.account}/quotas/${p}`,
    );
    await page
      .locator(`[data-testid=quota][data-granted='${otherQuota.granted}']`)
      .waitFor();
  });

  it("shows the pages in English after the language switch", async () => {
    await go("/dashboard");
    await page.locator("h1").waitFor();
    await page.locator(".top-bar button[lang]").click();
    await page.waitForFunction("document.documentElement.lang === 'en'");
    expect(await page.innerText("h1")).to.equal("Statistics");
    expect(await page.locator("nav.side-nav a").allInnerTexts()).to.deep.equal([
      "Invoice search",
      "Statistics",
      "Anomalies",
      "Participants",
      "Quotas",
    ]);
    await go("/search");
    expect(await page.innerText("h1")).to.equal("Invoice search");
    expect(await page.locator("h2").allInnerTexts()).to.deep.equal([
      "Filters",
      "Results",
    ]);
    await page.locator(".top-bar button[lang]").click();
    await page.waitForFunction("document.documentElement.lang === 'zh-CN'");
    expect(await page.innerText("h1")).to.equal("发票查询");
  });

  it("fits a phone", async () => {
    if (!shots) return;
    const phone = await cs.open({ phone: true });
    await cs.signIn(phone.page, cs.party("bureau"));
    for (const path of ["/search", "/dashboard", "/participants"]) {
      await phone.page.goto(`${cs.url}/console/bureau${path}`);
      await phone.page.waitForFunction(
        "document.querySelectorAll('.view-loading').length === 0",
      );
      await phone.page.screenshot({
        path: `/tmp/bureau-phone-${path.slice(1)}.png`,
        fullPage: true,
      });
    }
    await phone.context.close();
  });
});
