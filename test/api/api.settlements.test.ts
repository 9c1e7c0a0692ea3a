import { expect } from "chai";

import { periodOf } from "../../api/domain/tax-period";
import type { ApiAnswer, ApiClient } from "../../scripts/lib/api-client";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type Org, type Person, type TestSystem } from "./helpers/system";

/**
 * An enterprise's settlements of a tax period (GET /v1/reports/settlements) against a model built from the steps
 * taken through the API: invoices issued, claimed, submitted, reimbursed (one of them reversed afterwards), some
 * filed into the period, one rejected, one left locked; another enterprise reimburses and files its own. The
 * report's totals and rows, walked to the end page by page, equal the model's; the other enterprise's never
 * appear; other roles are refused with 403 FORBIDDEN and a malformed period with 400 VALIDATION_FAILED.
 */
describe("API enterprise settlements report", function () {
  this.timeout(300_000);

  interface Made {
    id: string;
    number: string;
    printedNumber: string;
    total: string;
    tax: string;
    /** The issue block's time (the trace's), as the index keeps it. */
    issuedAt: string;
    seller: string;
    holder: Person;
    enterprise: Org;
    /** When the enterprise reimbursed it (the event's time in the trace). */
    reimbursedAt?: string;
    filedPeriod?: number;
  }
  interface Row {
    kind: "reimbursed" | "filed";
    id: string;
    number: string;
    printedNumber: string | null;
    issuedAt: string;
    seller: { account: string; name: string | null };
    holder: { account: string; name: string | null } | null;
    total: string;
    tax: string;
    at: string | null;
    filedPeriod: number | null;
  }

  let system: TestSystem;
  let cast: Cast;
  const made: Made[] = [];
  let run = 0;

  async function ok(answer: Promise<ApiAnswer>, status = 200) {
    const got = await answer;
    if (got.status !== status) throw new Error(`status ${got.status}, expected ${status}: ${JSON.stringify(got.body)}`);
    return got.body;
  }

  async function invoiceFor(holder: Person, enterprise: Org): Promise<Made> {
    const body = invoiceBody(`settle-${Date.now().toString(36)}-${run++}`, { type: "organisation", name: enterprise.name, taxpayerId: enterprise.taxpayerId });
    const { invoice } = await ok(cast.merchant.client.post("/v1/invoices", body), 201);
    await ok(holder.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    await ok(holder.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: enterprise.account }));
    return { id: invoice.id, number: invoice.number, printedNumber: invoice.printedNumber, total: invoice.total, tax: invoice.tax, issuedAt: "", seller: invoice.seller.account, holder, enterprise };
  }

  async function reimburse(invoice: Made): Promise<void> {
    await ok(invoice.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`));
    invoice.reimbursedAt = "";
  }

  async function file(invoice: Made): Promise<void> {
    await ok(invoice.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: cast.period }));
    invoice.filedPeriod = cast.period;
  }

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
    const { employee, colleague, outsider, enterprise, otherEnterprise } = cast;
    // Ours: seven reimbursed (three by each employee and one more), four of them filed; one reversed afterwards.
    for (let i = 0; i < 7; i++) {
      const invoice = await invoiceFor(i % 2 === 0 ? employee : colleague, enterprise);
      await reimburse(invoice);
      if (i < 4) await file(invoice);
      made.push(invoice);
    }
    const reversed = made[5]!;
    const { creditNote } = await ok(cast.merchant.client.post(`/v1/invoices/${reversed.id}/reversals`, { reference: `settle-note-${run++}`, reason: "sales-return", total: reversed.total, tax: reversed.tax }), 201);
    await ok(enterprise.client.post(`/v1/credit-notes/${creditNote.id}/confirm`));
    // Rejected, and left locked: neither counts.
    const rejected = await invoiceFor(employee, enterprise);
    await ok(enterprise.client.post(`/v1/invoices/${rejected.id}/reject`, { reason: "NO-RECEIPT" }));
    made.push(rejected, await invoiceFor(colleague, enterprise));
    // The other enterprise reimburses and files its own.
    for (let i = 0; i < 3; i++) {
      const invoice = await invoiceFor(outsider, otherEnterprise);
      await reimburse(invoice);
      if (i < 2) await file(invoice);
      made.push(invoice);
    }
    // The times the index keeps: of the blocks the invoice was issued and reimbursed in (from the bureau's trace).
    for (const invoice of made) {
      const { events } = (await ok(system.bureau.get(`/v1/invoices/${invoice.id}/trace`))) as { events: { type: string; time: string }[] };
      invoice.issuedAt = events.find((event) => event.type === "InvoiceIssued")!.time;
      if (invoice.reimbursedAt !== undefined) invoice.reimbursedAt = events.find((event) => event.type === "InvoiceReimbursed")!.time;
    }
    // Everything was done now: in one period, unless the month turned meanwhile (China Standard Time).
    for (const invoice of made) if (invoice.reimbursedAt !== undefined) expect(periodOf(new Date(invoice.reimbursedAt))).to.equal(cast.period);
  });
  after(async () => system?.close());

  /** The report as the model says it: the enterprise's reimbursements, then its filings, each by number. */
  function modelOf(enterprise: Org) {
    const names = new Map([
      [cast.employee.account, "张三"],
      [cast.colleague.account, "李四"],
    ]);
    const mine = made.filter((invoice) => invoice.enterprise === enterprise);
    const byNumber = (a: Made, b: Made) => (BigInt(a.number) < BigInt(b.number) ? -1 : 1);
    const rowOf = (kind: Row["kind"], invoice: Made): Row => ({
      kind,
      id: invoice.id,
      number: invoice.number,
      printedNumber: invoice.printedNumber,
      issuedAt: invoice.issuedAt,
      seller: { account: invoice.seller, name: cast.merchant.name },
      // Names of its own employees only: the other enterprise's employee reads as null (never listed here anyway).
      holder: { account: invoice.holder.account, name: enterprise === cast.enterprise ? (names.get(invoice.holder.account) ?? null) : "王五" },
      total: invoice.total,
      tax: invoice.tax,
      at: kind === "reimbursed" ? invoice.reimbursedAt! : null,
      filedPeriod: invoice.filedPeriod ?? null,
    });
    const reimbursed = mine.filter((invoice) => invoice.reimbursedAt !== undefined).sort(byNumber);
    const filed = mine.filter((invoice) => invoice.filedPeriod === cast.period).sort(byNumber);
    const sums = (invoices: Made[]) => {
      const total = invoices.reduce((sum, invoice) => sum + BigInt(invoice.total), 0n);
      const tax = invoices.reduce((sum, invoice) => sum + BigInt(invoice.tax), 0n);
      return { count: invoices.length, amount: (total - tax).toString(), tax: tax.toString(), total: total.toString() };
    };
    return {
      totals: { reimbursed: sums(reimbursed), filed: sums(filed) },
      rows: [...reimbursed.map((invoice) => rowOf("reimbursed", invoice)), ...filed.map((invoice) => rowOf("filed", invoice))],
    };
  }

  /** Every page of the report, `limit` rows at a time. */
  async function walk(client: ApiClient, limit: number) {
    const rows: Row[] = [];
    const pages: { totals: unknown; size: number }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = new URLSearchParams({ period: String(cast.period), limit: String(limit), ...(cursor === null ? {} : { cursor }) }).toString();
      const body = await ok(client.get(`/v1/reports/settlements?${query}`));
      expect(body.period).to.equal(cast.period);
      expect(body.hasMore).to.equal(body.nextCursor !== null);
      rows.push(...body.rows);
      pages.push({ totals: body.totals, size: body.rows.length });
      cursor = body.nextCursor;
      if (pages.length > 100) throw new Error("the report does not end");
    } while (cursor !== null);
    return { rows, pages };
  }

  it("answers the totals and rows of what the enterprise reimbursed and filed in the period, as the model says", async () => {
    const model = modelOf(cast.enterprise);
    expect(model.totals.reimbursed.count).to.equal(7);
    expect(model.totals.filed.count).to.equal(4);
    const body = await ok(cast.enterprise.client.get(`/v1/reports/settlements?period=${cast.period}`));
    expect(body.enterprise).to.equal(cast.enterprise.account);
    expect(body.totals).to.deep.equal(model.totals);
    expect(body.rows).to.deep.equal(model.rows);
    expect(body.hasMore).to.equal(false);
    expect(body.nextCursor).to.equal(null);
  });

  it("pages through every row exactly once, with the totals of the whole period on every page", async () => {
    const model = modelOf(cast.enterprise);
    for (const limit of [1, 2, 3, 7, 11]) {
      const { rows, pages } = await walk(cast.enterprise.client, limit);
      expect(rows, `limit ${limit}`).to.deep.equal(model.rows);
      expect(pages.every((page) => page.size <= limit && JSON.stringify(page.totals) === JSON.stringify(model.totals))).to.equal(true);
    }
  });

  it("never shows another enterprise's settlements, and shows it its own", async () => {
    const ours = (await walk(cast.enterprise.client, 500)).rows.map((row) => row.id);
    const theirs = made.filter((invoice) => invoice.enterprise === cast.otherEnterprise).map((invoice) => invoice.id);
    expect(ours.filter((id) => theirs.includes(id))).to.deep.equal([]);
    const model = modelOf(cast.otherEnterprise);
    const body = await ok(cast.otherEnterprise.client.get(`/v1/reports/settlements?period=${cast.period}`));
    expect(body.totals).to.deep.equal(model.totals);
    expect(body.rows).to.deep.equal(model.rows);
    expect(body.rows.map((row: Row) => row.id).filter((id: string) => !theirs.includes(id))).to.deep.equal([]);
  });

  it("is empty for a period without settlements", async () => {
    const body = await ok(cast.enterprise.client.get("/v1/reports/settlements?period=202001"));
    const none = { count: 0, amount: "0", tax: "0", total: "0" };
    expect(body).to.deep.include({ totals: { reimbursed: none, filed: none }, rows: [], hasMore: false, nextCursor: null });
  });

  it("refuses other roles with 403 FORBIDDEN", async () => {
    for (const client of [cast.merchant.client, cast.employee.client, system.bureau]) {
      const answer = await client.get(`/v1/reports/settlements?period=${cast.period}`);
      expect(answer.status).to.equal(403);
      expect(answer.body.error.code).to.equal("FORBIDDEN");
    }
  });

  it("refuses a malformed period, a missing one and a cursor it did not give with 400 VALIDATION_FAILED", async () => {
    for (const query of ["period=202613", "period=2026-11", "", `period=${cast.period}&cursor=someday`, `period=${cast.period}&limit=0`]) {
      const answer = await cast.enterprise.client.get(`/v1/reports/settlements?${query}`);
      expect(answer.status, query).to.equal(400);
      expect(answer.body.error.code, query).to.equal("VALIDATION_FAILED");
    }
  });
});
