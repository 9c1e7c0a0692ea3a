import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";

import type { DemoParty } from "../../scripts/seed/demo-keys";
import { callApi, issueInvoice } from "./helpers/http";
import { seriousViolations, startConsoleSystem, type ConsoleSystem } from "./helpers/console-system";

describe("console: the merchant's pages (商户)", function () {
  this.timeout(180_000);
  let cs: ConsoleSystem;
  let merchantA: DemoParty;
  let enterpriseA: DemoParty;
  let context: BrowserContext;
  let page: Page;
  const run = Date.now();

  before(async function () {
    cs = await startConsoleSystem();
    merchantA = cs.party("merchant", "深圳市南山示范餐饮有限公司");
    enterpriseA = cs.party("enterprise", "深圳市前海示范科技有限公司");
    ({ context, page } = await cs.open());
    await cs.signIn(page, merchantA);
  });
  after(async () => {
    await context?.close();
    await cs?.close();
  });

  /** The API as merchant A's own systems see it: plain HTTP with its key. */
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    return callApi(cs.url, merchantA, method, path, body);
  };
  const byReference = async (reference: string) => (await api("GET", `/v1/invoices?reference=${encodeURIComponent(reference)}`)).body.invoices as { id: string; total: string; tax: string; state: string }[];
  const goto = async (path: string) => page.goto(`${cs.url}/console/merchant${path}`);
  const noSeriousViolations = async () => expect((await seriousViolations(page)).map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`)).to.deep.equal([]);

  async function fillIssueForm(reference: string, taxpayerId: string) {
    await goto("/issue");
    await page.locator("#issue-reference").fill(reference);
    await page.locator("#issue-buyer-name").fill(enterpriseA.name);
    await page.locator("#issue-buyer-taxpayer-id").fill(taxpayerId);
    await page.locator("#item-0-name").fill("工作餐");
    await page.locator("#item-0-quantity").fill("2");
    await page.locator("#item-0-unitPrice").fill("42.50");
    await page.locator("#item-0-taxRate").selectOption("6");
    await page.getByTestId("add-line").click();
    await page.locator("#item-1-name").fill("饮料");
    await page.locator("#item-1-specification").fill("500ml");
    await page.locator("#item-1-unit").fill("瓶");
    await page.locator("#item-1-quantity").fill("3");
    await page.locator("#item-1-unitPrice").fill("5");
    await page.locator("#item-1-taxRate").selectOption("13");
  }
  async function submitIssueForm() {
    await page.getByTestId("issue-form").locator("button[type=submit]").click();
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    await dialog.locator("button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
  }

  it("lists the merchant's issued invoices with their states, and opens one with its history", async () => {
    await goto("/invoices");
    const table = page.locator("div[aria-busy=false] [data-testid=merchant-invoices]");
    await table.waitFor();
    const api_ = (await api("GET", "/v1/invoices?limit=100")).body.invoices as { id: string; state: string }[];
    const rows = await table.locator("tbody tr").all();
    expect(rows.length).to.equal(Math.min(api_.length, 20));
    for (const invoice of api_.slice(0, rows.length)) {
      expect(await table.locator(`tr[data-invoice-id="${invoice.id}"] .badge`).getAttribute("class")).to.contain(`badge-${invoice.state.toLowerCase()}`);
    }
    await noSeriousViolations();

    // Filter by state: only reversed invoices remain.
    await page.locator("#filter-state").selectOption("Reversed");
    await page.locator("form[role=search] button[type=submit]").click();
    await page.waitForURL(/state=Reversed/);
    await table.waitFor();
    // The first render after the address changes may still be the table before the answer (or an empty one):
    // wait until the rows are the answer's, every badge reversed.
    await page
      .waitForFunction(
        `(() => { const badges = [...document.querySelectorAll('div[aria-busy=false] [data-testid=merchant-invoices] tbody tr .badge')]; return badges.length > 0 && badges.every((badge) => badge.classList.contains('badge-reversed')); })()`,
        undefined,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    const reversed = await table.locator("tbody tr .badge").all();
    expect(reversed.length).to.be.greaterThan(0);
    for (const badge of reversed) expect(await badge.getAttribute("class")).to.contain("badge-reversed");

    // A malformed number is the API's VALIDATION_FAILED, shown next to the filter.
    await page.locator("#filter-number").fill("12ab");
    await page.locator("form[role=search] button[type=submit]").click();
    await page.locator("#filter-number[aria-invalid=true]").waitFor();

    await table.waitFor({ state: "detached" });
    await goto("/invoices?state=Reversed");
    await table.locator("tbody tr th a").first().click();
    await page.locator("[data-testid=history] li[data-event=InvoiceIssued]").waitFor();
    await page.locator("[data-testid=credit-notes] tbody tr").first().waitFor();
  });

  it("issues an invoice from the form (organisation buyer, two items): the API then has it with the same totals", async () => {
    const reference = `console-form-${run}`;
    await fillIssueForm(reference, enterpriseA.taxpayerId!);
    await noSeriousViolations();
    // 2 x 42.50 = 85.00 at 6% = 5.10; 3 x 5.00 = 15.00 at 13% = 1.95: 107.05 in all.
    expect(await page.getByTestId("issue-total").textContent()).to.contain("107.05");
    await submitIssueForm();
    const claimCode = await page.getByTestId("issued-claim-code").textContent();
    expect(claimCode).to.match(/\S{8,}/);
    expect(await page.getByTestId("invoice-total").getAttribute("data-fen")).to.equal("10705");

    const found = await byReference(reference);
    expect(found).to.have.length(1);
    expect(found[0]).to.include({ total: "10705", tax: "705", state: "Issued" });
    const invoice = (await api("GET", `/v1/invoices/${found[0]!.id}`)).body;
    expect(invoice.document.document.items.map((item: { amount: string; tax: string; taxRate: number }) => [item.amount, item.tax, item.taxRate])).to.deep.equal([
      ["8500", "510", 6],
      ["1500", "195", 13],
    ]);
    expect(invoice.claimCode).to.equal(claimCode);

    // The PDF of the new invoice downloads.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`pdf-${found[0]!.id}`).first().click()]);
    expect(download.suggestedFilename()).to.match(/\.pdf$/);
  });

  it("shows the API's VALIDATION_FAILED next to a wrong taxpayer ID, and issues nothing", async () => {
    const reference = `console-bad-tin-${run}`;
    // Eighteen characters of the right kind, with a wrong check character.
    const wrong = `${enterpriseA.taxpayerId!.slice(0, 17)}${enterpriseA.taxpayerId!.endsWith("0") ? "1" : "0"}`;
    await fillIssueForm(reference, wrong);
    await submitIssueForm();
    await page.locator("#issue-buyer-taxpayer-id[aria-invalid=true]").waitFor();
    expect(await page.locator("#issue-buyer-taxpayer-id-error").isVisible()).to.equal(true);
    expect(await page.locator("[role=alert][data-code=VALIDATION_FAILED]").count()).to.equal(1);
    // The other fields were accepted: no error next to them.
    expect(await page.locator("[aria-invalid=true]").count()).to.equal(1);
    expect(await byReference(reference)).to.have.length(0);
  });

  it("reverses an invoice in full after confirmation: the API reports it Reversed with a credit note", async () => {
    const issued = await issueInvoice(cs.url, merchantA, enterpriseA, `console-to-reverse-${run}`, { item: "会议餐", quantity: 4, unitPrice: 3_000 });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    const id = issued.body.invoice.id as string;

    await goto(`/invoices/${id}`);
    await page.getByTestId("invoice-state").waitFor();
    expect(await page.getByTestId("invoice-state").getAttribute("data-state")).to.equal("Issued");
    await page.getByTestId("reverse-open").click();
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    await dialog.locator("#reverse-reference").fill(`refund-${run}`);
    await dialog.locator("#reverse-reason").selectOption("sales-return");
    await dialog.locator("button[type=submit]").click();
    await page.getByTestId("reversed").waitFor();
    const creditNoteId = await page.getByTestId("reversed").getAttribute("data-credit-note-id");

    const after = (await api("GET", `/v1/invoices/${id}`)).body;
    expect(after.state).to.equal("Reversed");
    expect(after.reversedTotal).to.equal(after.total);
    const trace = (await api("GET", `/v1/invoices/${id}/trace`)).body.events as { type: string; creditNoteId?: string }[];
    expect(trace.filter((event) => event.type === "InvoiceReversed").map((event) => event.creditNoteId)).to.deep.equal([creditNoteId]);
    const note = (await api("GET", `/v1/credit-notes/${creditNoteId}`)).body;
    expect(note).to.include({ invoiceId: id, total: after.total, reason: "sales-return", status: "Effective" });

    // The page shows it: the state, the credit note, its PDF.
    await page.locator("[data-testid=invoice-state][data-state=Reversed]").waitFor();
    await page.locator(`[data-testid=credit-notes] tbody tr[data-status=Effective]`).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(`[data-testid=credit-notes] [data-testid="pdf-${creditNoteId}"]`).click()]);
    expect(download.suggestedFilename()).to.match(/^credit-note-.*\.pdf$/);
    expect(await page.getByTestId("reverse-open").count()).to.equal(0);
  });

  it("shows the quota of this month with what is used of it", async () => {
    await goto("/quota");
    const quota = page.getByTestId("quota");
    await quota.waitFor();
    expect(BigInt((await quota.getAttribute("data-used"))!)).to.be.greaterThan(0n);
    expect(BigInt((await quota.getAttribute("data-granted"))!)).to.be.greaterThan(0n);
    expect(await page.locator("[role=progressbar]").getAttribute("aria-valuenow")).to.not.equal("0");
    await noSeriousViolations();
  });

  it("creates a webhook (secret shown once) and deletes it; a URL on a private network is refused with the API's code", async () => {
    await goto("/webhooks");
    const form = page.getByTestId("webhook-form");
    await form.waitFor();
    // The test system allows no private network (API_WEBHOOK_ALLOWED_NETWORKS is unset): loopback is refused.
    await page.locator("#webhook-url").fill("http://127.0.0.1:9/hooks/einvoice");
    await form.locator("input[value='invoice.claimed']").check();
    await form.locator("button[type=submit]").click();
    await form.locator("[role=alert][data-code=WEBHOOK_URL_NOT_ALLOWED]").waitFor();
    expect((await api("GET", "/v1/webhooks")).body.webhooks).to.have.length(0);

    // A public address (an IP literal: no DNS needed) is accepted; quota grants are all it asks for, so nothing is sent during the test.
    const url = "https://1.1.1.1/hooks/einvoice";
    await page.locator("#webhook-url").fill(url);
    await form.locator("input[value='invoice.claimed']").uncheck();
    await form.locator("input[value='quota.granted']").check();
    await form.locator("button[type=submit]").click();
    const secret = page.getByTestId("shown-once");
    await secret.waitFor();
    expect(await secret.getByTestId("secret").textContent()).to.match(/^whsec_/);
    const listed = (await api("GET", "/v1/webhooks")).body.webhooks as { id: string; url: string; eventTypes: string[] }[];
    expect(listed.map((w) => [w.url, w.eventTypes])).to.deep.equal([[url, ["quota.granted"]]]);
    await noSeriousViolations();

    const row = page.locator(`[data-webhook-id="${listed[0]!.id}"]`);
    await row.locator("button").nth(0).click();
    await page.locator("[data-testid=deliveries-panel] :is([data-testid=deliveries], .view-empty)").first().waitFor();
    await row.locator("button.button-danger").click();
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    await dialog.locator("button[type=submit]").click();
    await row.waitFor({ state: "detached" });
    expect((await api("GET", "/v1/webhooks")).body.webhooks).to.have.length(0);
  });
});
