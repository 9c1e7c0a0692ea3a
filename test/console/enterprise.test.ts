import { readFileSync } from "node:fs";

import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";

import { invoiceBody } from "../../scripts/lib/demo-data";
import type { DemoParty } from "../../scripts/seed/demo-keys";
import { seriousViolations, startConsoleSystem, type ConsoleSystem } from "./helpers/console-system";
import { buyerOf, callApi } from "./helpers/http";

interface ApiInvoice {
  id: string;
  number: string;
  printedNumber: string | null;
  state: string;
  total: string;
  tax: string;
  filedPeriod: number | null;
  enterprise: string | null;
}

/** Fen as the CSV writes yuan: two decimals, no grouping, exact. */
const yuan = (fen: string) => `${BigInt(fen) / 100n}.${(BigInt(fen) % 100n).toString().padStart(2, "0")}`;
/** This month as a tax period, China Standard Time (what the filing page defaults to). */
const thisPeriod = () => {
  const cst = new Date(Date.now() + 8 * 3600 * 1000);
  return cst.getUTCFullYear() * 100 + cst.getUTCMonth() + 1;
};

describe("console: the enterprise's pages (企业财务)", function () {
  this.timeout(240_000);
  let cs: ConsoleSystem;
  let enterpriseA: DemoParty;
  let context: BrowserContext;
  let page: Page;
  /** The claims this test adds: issued by merchant A to enterprise A, claimed by 张三 and submitted to enterprise A. */
  let mine: ApiInvoice[] = [];
  let demoLocked: ApiInvoice;
  let merchantA: DemoParty;
  const run = Date.now().toString(36);

  /** The API as a party's own systems see it: plain HTTP with its key. */
  const api = async (party: DemoParty, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    return callApi(cs.url, party, method, path, body);
  };
  const invoiceNow = async (id: string) => (await api(enterpriseA, "GET", `/v1/invoices/${id}`)).body as ApiInvoice;
  const goto = async (path: string) => page.goto(`${cs.url}/console/finance${path}`);
  const noSeriousViolations = async () => expect((await seriousViolations(page)).map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`)).to.deep.equal([]);
  const row = (id: string) => page.locator(`div[aria-busy=false] [data-testid=invoice-row][data-invoice-id="${id}"]`);
  const confirmDialog = async () => {
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    const summary = (await dialog.getByTestId("confirm-summary").textContent()) ?? "";
    await dialog.locator("button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    return summary;
  };
  const finished = () => page.locator("[data-testid=bulk-progress][data-finished=true]").waitFor();
  const outcomes = async () =>
    Object.fromEntries(await Promise.all((await page.getByTestId("bulk-result").all()).map(async (r) => [await r.getAttribute("data-invoice-id"), await r.getAttribute("data-outcome")] as const)));

  before(async function () {
    cs = await startConsoleSystem();
    enterpriseA = cs.party("enterprise", "深圳市前海示范科技有限公司");
    merchantA = cs.party("merchant", "深圳市南山示范餐饮有限公司");
    const zhang = cs.party("individual", "张三");
    const buyer = buyerOf(enterpriseA);
    const bodies = [12_345, 6_789, 100_001, 55_555].map((unitPrice, i) => invoiceBody(`ent-${run}-${i}`, buyer, { unitPrice, quantity: i + 1 }));
    const issued = await api(merchantA, "POST", "/v1/invoices/batch", { invoices: bodies });
    expect(issued.status).to.equal(201);
    for (const { invoice } of issued.body.results as { invoice: { id: string; claimCode: string } }[]) {
      expect((await api(zhang, "POST", `/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
      expect((await api(zhang, "POST", `/v1/invoices/${invoice.id}/submit`, { enterprise: enterpriseA.account })).status).to.equal(200);
    }
    const ids = new Set((issued.body.results as { invoice: { id: string } }[]).map((r) => r.invoice.id.toLowerCase()));
    const locked = (await api(enterpriseA, "GET", `/v1/invoices?state=Locked&enterprise=${enterpriseA.account}&limit=100`)).body.invoices as ApiInvoice[];
    mine = locked.filter((i) => ids.has(i.id.toLowerCase()));
    expect(mine).to.have.length(4);
    demoLocked = locked.find((i) => !ids.has(i.id.toLowerCase()))!;
    expect(demoLocked, "the demo's Locked invoice").to.not.equal(undefined);
    ({ context, page } = await cs.open());
    await cs.signIn(page, enterpriseA);
  });
  after(async () => {
    await context?.close();
    await cs?.close();
  });

  it("starts at the inbox: every claim locked to the enterprise, the demo's with 张三's name and its items", async () => {
    await page.waitForURL(/\/console\/finance\/inbox$/);
    await row(demoLocked.id).waitFor();
    expect(await page.locator("[data-testid=invoice-row]").count()).to.equal(mine.length + 1);
    expect(await row(demoLocked.id).textContent()).to.contain("张三");
    expect(await row(demoLocked.id).locator(".ent-items li").count()).to.be.greaterThan(0);
    await noSeriousViolations();
  });

  it("reimburses several in bulk after confirming count and total; a claim another step took first is refused with its code", async () => {
    await goto("/inbox");
    const chosen = [...mine.slice(0, 3), demoLocked];
    for (const invoice of chosen) await row(invoice.id).locator("input[type=checkbox]").check();
    await page.getByTestId("reimburse-selected").click();
    // The demo's claim is reimbursed elsewhere (the API, as another clerk) while the dialog is open.
    expect((await api(enterpriseA, "POST", `/v1/invoices/${demoLocked.id}/reimburse`)).status).to.equal(200);
    const total = chosen.reduce((sum, i) => sum + BigInt(i.total), 0n).toString();
    const summary = await confirmDialog();
    expect(summary).to.contain("4").and.to.contain(yuan(total).replace(/\B(?=(\d{3})+(?!\d))/g, ","));
    await finished();
    const result = await outcomes();
    for (const invoice of mine.slice(0, 3)) expect(result[invoice.id], invoice.number).to.equal("done");
    expect(result[demoLocked.id]).to.equal("refused");
    expect(await page.locator(`[data-testid=bulk-result][data-invoice-id="${demoLocked.id}"] [data-code]`).getAttribute("data-code")).to.equal("INVALID_STATE");
    for (const invoice of mine.slice(0, 3)) expect((await invoiceNow(invoice.id)).state).to.equal("Reimbursed");
    // The list now holds only what is still waiting.
    await row(mine[3]!.id).waitFor();
    expect(await page.locator("[data-testid=invoice-row]").count()).to.equal(1);
  });

  it("rejects one from its row with a reason code, which the trace then shows", async () => {
    const invoice = mine[3]!;
    await row(invoice.id).getByTestId("reject-one").click();
    await page.locator("dialog[open] #reject-reason").selectOption("OVER_BUDGET");
    await confirmDialog();
    await finished();
    expect((await outcomes())[invoice.id]).to.equal("done");
    // Back with its holder, it is no longer the enterprise's to read (404): the seller reads its trace.
    const traced = (await api(merchantA, "GET", `/v1/invoices/${invoice.id}/trace`)).body as { invoice: ApiInvoice; events: { type: string; reason?: string }[] };
    expect(traced.events.filter((e) => e.type === "InvoiceRejected").map((e) => e.reason)).to.deep.equal(["OVER_BUDGET"]);
    expect(traced.invoice.state).to.equal("Issued");
    // A reimbursed one's page shows its history (a rejected one is no longer the enterprise's to read: the API answers 404).
    await page.goto(`${cs.url}/console/finance/invoices/${mine[0]!.id}`);
    await page.locator("[data-testid=trace] li[data-event=InvoiceReimbursed]").waitFor();
  });

  it("files reimbursed invoices for the current period in bulk; a period before the invoice's is refused in the API's words", async () => {
    await goto("/filing");
    expect(await page.locator("#filing-period").inputValue()).to.equal(`${String(thisPeriod()).slice(0, 4)}-${String(thisPeriod()).slice(4)}`);
    await noSeriousViolations();

    // Out of range: the API's refusal, per row.
    await page.locator("#filing-period").fill("2020-01");
    await row(demoLocked.id).getByTestId("file-one").click();
    await confirmDialog();
    await finished();
    expect(await page.locator(`[data-testid=bulk-result][data-invoice-id="${demoLocked.id}"] [data-code]`).getAttribute("data-code")).to.equal("FILING_PERIOD_OUT_OF_RANGE");
    expect((await invoiceNow(demoLocked.id)).state).to.equal("Reimbursed");

    await page.locator("#filing-period").fill(`${String(thisPeriod()).slice(0, 4)}-${String(thisPeriod()).slice(4)}`);
    for (const invoice of mine.slice(0, 3)) await row(invoice.id).locator("input[type=checkbox]").check();
    await page.getByTestId("file-selected").click();
    expect(await confirmDialog()).to.contain("3");
    await finished();
    const result = await outcomes();
    for (const invoice of mine.slice(0, 3)) {
      expect(result[invoice.id]).to.equal("done");
      const now = await invoiceNow(invoice.id);
      expect(now.state).to.equal("Filed");
      expect(now.filedPeriod).to.equal(thisPeriod());
    }
  });

  it("totals the period's reimbursements and filings as GET /v1/reports/settlements does, and exports every row as CSV with exact yuan", async () => {
    type SettlementRow = { kind: string; number: string; printedNumber: string | null; total: string; tax: string; filedPeriod: number | null };
    // The report, every page of it, as the API answers it (the page must show its totals and the file hold its rows).
    const report = async (cursor?: string) => (await api(enterpriseA, "GET", `/v1/reports/settlements?period=${thisPeriod()}&limit=500${cursor === undefined ? "" : `&cursor=${cursor}`}`)).body;
    const first = await report();
    const rows: SettlementRow[] = [...first.rows];
    for (let next = first.nextCursor as string | null; next !== null; ) {
      const page = await report(next);
      rows.push(...page.rows);
      next = page.nextCursor;
    }
    // This test reimbursed and filed some of them this month: the comparison is not of empty answers.
    expect(first.totals.filed.count).to.be.greaterThan(0);
    expect(first.totals.reimbursed.count).to.be.greaterThan(0);
    await goto("/totals");
    await page.locator("div[aria-busy=false] [data-testid=totals-filed-count]").waitFor();
    for (const kind of ["reimbursed", "filed"] as const) {
      expect(await page.getByTestId(`totals-${kind}-count`).textContent()).to.equal(String(first.totals[kind].count));
      // The page shows money grouped (1,234.50): the digits and point of the API's sum, exactly.
      const shownTotal = ((await page.getByTestId(`totals-${kind}-total`).textContent()) ?? "").replace(/[^0-9.]/g, "");
      expect(shownTotal, kind).to.equal(yuan(first.totals[kind].total));
    }
    expect(await page.locator("[data-testid=totals-row]").count()).to.equal(Math.min(rows.length, 100));

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString("utf8").slice(1).trim().split("\r\n");
    expect(lines).to.have.length(1 + rows.length);
    const cells = lines.slice(1).map((line) => line.split(","));
    rows.forEach((row, i) => {
      const c = cells[i]!;
      expect(c[1], row.number).to.equal(row.printedNumber ?? row.number);
      expect(c[5]).to.equal(yuan((BigInt(row.total) - BigInt(row.tax)).toString()));
      expect(c[6]).to.equal(yuan(row.tax));
      expect(c[7]).to.equal(yuan(row.total));
      expect(c[8]).to.equal(row.filedPeriod === null ? "" : String(row.filedPeriod));
    });
    expect(cells.filter((c) => c[8] === String(thisPeriod())).length).to.be.at.least(first.totals.filed.count);
  });

  it("shows the invoice pool titled to the enterprise, by state, without serious accessibility violations", async () => {
    await goto("/pool");
    await page.locator("div[aria-busy=false] [data-testid=pool-row]").first().waitFor();
    await noSeriousViolations();
    const filed = (await api(enterpriseA, "GET", `/v1/invoices?buyerTaxId=${enterpriseA.taxpayerId}&state=Filed&limit=50`)).body.invoices as ApiInvoice[];
    await page.locator("#pool-state").selectOption("Filed");
    // The list once the filtered page has arrived: only filed invoices, the ones the API lists.
    await page.waitForFunction(`[...document.querySelectorAll("div[aria-busy=false] [data-testid=pool-row] .badge")].every((b) => b.classList.contains("badge-filed")) && document.querySelectorAll("div[aria-busy=false] [data-testid=pool-row]").length === ${filed.length}`);
    const shown = await page.locator("[data-testid=pool-row]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-invoice-id")));
    expect(shown.sort()).to.deep.equal(filed.map((i) => i.id).sort());
  });
  it("lists a credit note awaiting the enterprise's confirmation, and confirms it", async () => {
    const invoice = mine[2]!;
    const reversal = await api(merchantA, "POST", `/v1/invoices/${invoice.id}/reversals`, { reference: `ent-${run}-refund`, reason: "sales-return" });
    expect(reversal.status).to.equal(201);
    const note = reversal.body.creditNote as { id: string; status: string };
    expect(note.status).to.equal("Pending");
    await goto("/credit-notes");
    const credit = page.locator(`div[aria-busy=false] [data-testid=credit-row][data-credit-note-id="${note.id}"]`);
    await credit.waitFor();
    // The page lists what the API's search answers for a credit note awaiting this enterprise's confirmation.
    const awaiting = (await api(enterpriseA, "GET", `/v1/invoices?enterprise=${enterpriseA.account}&reversalPending=true&limit=50`)).body.invoices as { id: string; pendingCreditNote: string }[];
    expect(awaiting.map((i) => i.id)).to.include(invoice.id);
    const listed = await page.locator("div[aria-busy=false] [data-testid=credit-row]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-credit-note-id")));
    expect(listed.sort()).to.deep.equal(awaiting.map((i) => i.pendingCreditNote).sort());
    await noSeriousViolations();
    await credit.getByTestId("credit-confirm").click();
    await confirmDialog();
    await page.locator("p.notice-success").waitFor();
    expect((await api(enterpriseA, "GET", `/v1/credit-notes/${note.id}`)).body.status).to.equal("Effective");
    expect((await invoiceNow(invoice.id)).state).to.equal("Reversed");
    await credit.waitFor({ state: "detached" });
  });

  it("registers an employee (the key shown once works), then suspends them", async () => {
    await goto("/employees");
    await page.locator("div[aria-busy=false] [data-testid=employee-row]").first().waitFor();
    await page.locator("#employee-name").fill(`赵六${run}`);
    await page.locator("#employee-number").fill(`A-${run}`);
    await page.getByTestId("employee-form").locator("button[type=submit]").click();
    const key = ((await page.getByTestId("secret").textContent()) ?? "").trim();
    expect(key).to.match(/^eil_/);
    const me = await fetch(`${cs.url}/v1/invoices`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).to.equal(200);
    const listed = (await api(enterpriseA, "GET", "/v1/participants?limit=500")).body.participants as { account: string; name: string; status: string }[];
    const added = listed.find((p) => p.name === `赵六${run}`)!;
    expect(added.status).to.equal("Active");
    const employeeRow = page.locator(`div[aria-busy=false] [data-testid=employee-row][data-account="${added.account}"]`);
    await employeeRow.getByTestId("employee-suspend").click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("button[type=submit]").click();
    await employeeRow.getByTestId("employee-reinstate").waitFor();
    expect((await api(enterpriseA, "GET", `/v1/participants/${added.account}`)).body.status).to.equal("Suspended");
  });
});
