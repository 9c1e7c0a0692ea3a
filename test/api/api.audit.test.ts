import { expect } from "chai";
import { Client } from "pg";

import { lineAmount, lineTax, type TaxRate } from "../../api/domain/money";
import { AUDITED_ACTIONS } from "../../api/http/audited-actions";
import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type Org, type Person, type TestSystem } from "./helpers/system";

/**
 * The tax bureau's audit and reports: every refused lifecycle attempt is recorded with who, what, which invoice
 * and the code (never the body), the answer unchanged; the anomaly report finds an invoice someone tried to
 * reimburse at a second employer, invoices locked too long, merchants reversing much of what they issue and
 * quotas nearly used up; totals by tax rate and a series by day add up to the invoices issued.
 */
describe("API audit of refused attempts, anomalies and totals", function () {
  this.timeout(120_000);
  let system: TestSystem;
  let cast: Cast;
  let run = 0;
  const ref = () => `audit-${Date.now().toString(36)}-${run++}`;
  const unknownId = `0x${"ab".repeat(32)}`;

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  type InvoiceAnswer = { id: string; number: string; total: string; tax: string; claimCode: string };
  type Refusal = { id: string; at: string; account: string; role: string; action: string; invoiceId: string | null; invoiceNumber: string | null; creditNoteId: string | null; status: number; code: string };

  async function ok(answer: Promise<ApiAnswer>, status = 200): Promise<any> {
    const { status: actual, body } = await answer;
    expect(actual, JSON.stringify(body)).to.equal(status);
    return body;
  }

  async function refused(answer: Promise<ApiAnswer>, status: number, code: string): Promise<ApiAnswer> {
    const got = await answer;
    expect([got.status, got.body?.error?.code], JSON.stringify(got.body)).to.deep.equal([status, code]);
    return got;
  }

  const individual = { type: "individual" as const, name: "张三" };
  const issue = async (merchant: Org, body: unknown = invoiceBody(ref(), individual)) => (await ok(merchant.client.post("/v1/invoices", body), 201)).invoice as InvoiceAnswer;

  /** The audit's entries, as the bureau reads them, with these filters. */
  async function audit(filter: Record<string, string>): Promise<Refusal[]> {
    return (await ok(system.bureau.get(`/v1/reports/refusals?${new URLSearchParams(filter).toString()}`))).refusals as Refusal[];
  }

  /** An organisation of its own, so that its numbers are the test's alone. */
  async function organisation(role: "merchant" | "enterprise", quota?: string): Promise<Org> {
    const name = `深圳市审计测试${run++}有限公司`;
    const body = await ok(system.bureau.post("/v1/participants", { role, name, taxpayerId: randomTaxpayerId() }), 201);
    const org: Org = { account: body.participant.account, taxpayerId: body.participant.taxpayerId, name, client: system.bureau.as(body.apiKey) };
    if (quota !== undefined) await ok(system.bureau.put(`/v1/merchants/${org.account}/quotas/${cast.period}`, { granted: quota }));
    return org;
  }

  it("names only routes the API has", async () => {
    const document = (await new ApiClient(system.api.url).get("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    for (const key of Object.keys(AUDITED_ACTIONS)) {
      const [method, path] = key.split(" ") as [string, string];
      expect(document.paths[path]?.[method], key).to.be.an("object");
    }
  });

  it("records every refused lifecycle attempt with who, which invoice, the action and the code, and answers as before", async () => {
    const invoice = await issue(cast.merchant);
    const wrongCode = `0x${"11".repeat(32)}`;
    const before = await audit({ invoice: invoice.id });
    expect(before).to.deep.equal([]);

    // Not a party, an unknown id, a wrong claim code: 404 alike, and each in the audit.
    const theirs = await refused(cast.colleague.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: wrongCode }), 404, "NOT_FOUND");
    const unknown = await refused(cast.colleague.client.post(`/v1/invoices/${unknownId}/claim`, { claimCode: wrongCode }), 404, "NOT_FOUND");
    expect(theirs.body).to.deep.equal(unknown.body);
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    const transfer = await refused(cast.outsider.client.post(`/v1/invoices/${invoice.id}/transfer`, { to: cast.outsider.account }), 404, "NOT_FOUND");
    expect(transfer.body).to.deep.equal((await cast.outsider.client.post(`/v1/invoices/${unknownId}/transfer`, { to: cast.outsider.account })).body);
    await refused(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`), 404, "NOT_FOUND");
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }));
    await refused(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: cast.period }), 409, "INVALID_STATE");
    await refused(cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: "not an account" }), 400, "VALIDATION_FAILED");
    await refused(cast.merchant.client.post(`/v1/invoices/${invoice.id}/freeze`, { reason: "SUSPICIOUS" }), 403, "FORBIDDEN");
    await refused(system.bureau.post(`/v1/invoices/${invoice.id}/unfreeze`), 409, "INVALID_STATE");
    await refused(system.bureau.post(`/v1/invoices/${invoice.id}/release`), 409, "PARTY_ACTIVE");
    const unknownNote = `0x${"cd".repeat(32)}`;
    await refused(cast.merchant.client.post(`/v1/credit-notes/${unknownNote}/cancel`), 404, "NOT_FOUND");

    const bureau = (await ok(system.bureau.get("/v1/participants?role=bureau"))).participants[0].account as string;
    const entries = await audit({ invoice: invoice.id });
    expect(entries.map((e) => [e.account, e.role, e.action, e.status, e.code])).to.deep.equal([
      [cast.colleague.account, "individual", "claim", 404, "NOT_FOUND"],
      [cast.outsider.account, "individual", "transfer", 404, "NOT_FOUND"],
      [cast.enterprise.account, "enterprise", "reimburse", 404, "NOT_FOUND"],
      [cast.enterprise.account, "enterprise", "file", 409, "INVALID_STATE"],
      [cast.employee.account, "individual", "submit", 400, "VALIDATION_FAILED"],
      [cast.merchant.account, "merchant", "freeze", 403, "FORBIDDEN"],
      [bureau, "bureau", "unfreeze", 409, "INVALID_STATE"],
      [bureau, "bureau", "release", 409, "PARTY_ACTIVE"],
    ]);
    for (const entry of entries) expect(entry).to.include({ invoiceId: invoice.id, invoiceNumber: invoice.number, creditNoteId: null });
    // The bureau may tell an unknown id from someone else's invoice; the caller could not.
    expect((await audit({ invoice: unknownId })).map((e) => [e.action, e.code, e.invoiceNumber])).to.deep.equal([
      ["claim", "NOT_FOUND", null],
      ["transfer", "NOT_FOUND", null],
    ]);
    expect((await audit({ account: cast.merchant.account, action: "cancel-reversal" })).map((e) => [e.creditNoteId, e.invoiceId, e.code])).to.deep.equal([[unknownNote, null, "NOT_FOUND"]]);
    // Nothing of the bodies: no claim code, right or wrong.
    const everything = JSON.stringify(await audit({ limit: "500" }));
    expect(everything).not.to.contain(wrongCode.slice(2));
    expect(everything).not.to.contain(invoice.claimCode.slice(2));
    // Paging by entry id.
    const [first, second] = entries;
    expect((await audit({ invoice: invoice.id, after: first!.id, limit: "1" })).map((e) => e.id)).to.deep.equal([second!.id]);
  });

  it("records a refusal of a credit note with its invoice, and of a suspended participant", async () => {
    const invoice = await issue(cast.merchant);
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }));
    await ok(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`));
    const note = (await ok(cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "sales-return" }), 201)).creditNote as { id: string };
    await refused(cast.otherEnterprise.client.post(`/v1/credit-notes/${note.id}/confirm`), 404, "NOT_FOUND");
    const hired = await ok(cast.otherEnterprise.client.post("/v1/employees", { name: "赵六" }), 201);
    const suspended: Person = { account: hired.participant.account, client: cast.otherEnterprise.client.as(hired.apiKey) };
    await ok(cast.otherEnterprise.client.post(`/v1/participants/${suspended.account}/suspend`));
    await refused(suspended.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.otherEnterprise.account }), 403, "PARTICIPANT_SUSPENDED");
    expect((await audit({ invoice: invoice.id })).map((e) => [e.account, e.action, e.creditNoteId, e.code])).to.deep.equal([
      [cast.otherEnterprise.account, "confirm-reversal", note.id, "NOT_FOUND"],
      [suspended.account, "submit", null, "PARTICIPANT_SUSPENDED"],
    ]);
  });

  it("answers a refusal exactly as before when the audit cannot be written", async () => {
    const invoice = await issue(cast.merchant);
    const expected = await refused(cast.outsider.client.post(`/v1/invoices/${invoice.id}/transfer`, { to: cast.colleague.account }), 404, "NOT_FOUND");
    const database = new Client({ connectionString: `postgresql://ledger@localhost/ledger_api?host=${encodeURIComponent(system.api.ctx.config.databaseDir)}` });
    await database.connect();
    try {
      await database.query("ALTER TABLE refused_attempts RENAME TO refused_attempts_away");
      const answer = await cast.outsider.client.post(`/v1/invoices/${invoice.id}/transfer`, { to: cast.colleague.account });
      expect([answer.status, answer.body]).to.deep.equal([expected.status, expected.body]);
    } finally {
      await database.query("ALTER TABLE refused_attempts_away RENAME TO refused_attempts");
      await database.end();
    }
    expect(await audit({ invoice: invoice.id })).to.have.length(1);
  });

  it("reports an invoice reimbursed at one enterprise that another enterprise's people then tried to reimburse", async () => {
    const invoice = await issue(cast.merchant);
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }));
    await ok(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`));
    // The holder takes it to a second employer; that employer and its employee try as well; the first tries again.
    await refused(cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.otherEnterprise.account }), 409, "INVALID_STATE");
    await refused(cast.outsider.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.otherEnterprise.account }), 404, "NOT_FOUND");
    await refused(cast.otherEnterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`), 404, "NOT_FOUND");
    await refused(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`), 409, "INVALID_STATE");

    const report = await ok(system.bureau.get("/v1/reports/anomalies"));
    const item = (report.repeatedAttempts as any[]).find((i) => i.invoiceId === invoice.id);
    expect(item, JSON.stringify(report.repeatedAttempts)).to.be.an("object");
    expect(item).to.include({ number: invoice.number, state: "Reimbursed", enterprise: cast.enterprise.account, holder: cast.employee.account, seller: cast.merchant.account, attempts: 4, crossEnterprise: true });
    expect(item.enterprises).to.have.members([cast.enterprise.account, cast.otherEnterprise.account]);
    expect(item.accounts).to.have.members([cast.employee.account, cast.outsider.account, cast.otherEnterprise.account, cast.enterprise.account]);
    expect(item.codes).to.deep.equal(["INVALID_STATE", "NOT_FOUND"]);
    expect(report.repeatedAttempts[0].crossEnterprise, "several enterprises come first").to.equal(true);
  });

  it("is for the bureau only (403), the merchant's totals and series only its own (404 for another's)", async () => {
    for (const client of [cast.merchant.client, cast.enterprise.client, cast.employee.client]) {
      for (const path of ["/v1/reports/anomalies", "/v1/reports/refusals"]) await refused(client.get(path), 403, "FORBIDDEN");
    }
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const client of [cast.enterprise.client, cast.employee.client]) {
      await refused(client.get(`/v1/reports/series?from=${today}&to=${today}`), 403, "FORBIDDEN");
      await refused(client.get("/v1/reports/totals?groupBy=taxRate"), 403, "FORBIDDEN");
    }
    const mine = await ok(cast.merchant.client.get(`/v1/reports/series?from=${today}&to=${today}`));
    expect(mine.merchant).to.equal(cast.merchant.account);
    const another = await refused(cast.merchant.client.get(`/v1/reports/series?from=${today}&to=${today}&merchant=${cast.otherMerchant.account}`), 404, "NOT_FOUND");
    const nobody = await refused(cast.merchant.client.get(`/v1/reports/series?from=${today}&to=${today}&merchant=0x000000000000000000000000000000000000dEaD`), 404, "NOT_FOUND");
    expect(another.body).to.deep.equal(nobody.body);
    await refused(cast.merchant.client.get(`/v1/reports/totals?groupBy=state&merchant=${cast.otherMerchant.account}`), 404, "NOT_FOUND");
  });

  it("validates its parameters (400)", async () => {
    for (const query of ["lockedDays=-1", "lockedDays=1e3", "reversalRatio=1.5", "quotaRatio=0.12345", "minIssued=0", "limit=501", "period=202613", "extra=1"]) {
      const answer = await refused(system.bureau.get(`/v1/reports/anomalies?${query}`), 400, "VALIDATION_FAILED");
      expect(answer.body.error.details.issues[0].in, query).to.equal("query");
    }
    for (const query of ["from=2026-02-30&to=2026-03-01", "from=2026-03-02&to=2026-03-01", "from=2025-01-01&to=2026-01-03", "from=2026-03-01", "to=2026-03-01"]) {
      await refused(system.bureau.get(`/v1/reports/series?${query}`), 400, "VALIDATION_FAILED");
    }
    for (const query of ["groupBy=taxRate,taxRate", "groupBy=colour", "groupBy=", "state=Issued", "groupBy=state&state=None", "groupBy=buyer&buyerTaxId=123"]) {
      await refused(system.bureau.get(`/v1/reports/totals?${query}`), 400, "VALIDATION_FAILED");
    }
    await refused(system.bureau.get("/v1/reports/refusals?action=steal"), 400, "VALIDATION_FAILED");
    // The edges of what the schemas accept are answered, not failed.
    for (const [from, to] of [["9999-12-31", "9999-12-31"], ["1970-01-01", "1970-01-02"]]) {
      const answer = await ok(system.bureau.get(`/v1/reports/series?from=${from}&to=${to}`));
      expect(answer.days.map((d: { day: string; invoices: number }) => [d.day, d.invoices])).to.deep.equal(from === to ? [[from, 0]] : [[from, 0], [to, 0]]);
    }
    await ok(system.bureau.get("/v1/reports/anomalies?period=999912&lockedDays=3650&reversalRatio=1&quotaRatio=0&minIssued=1000000&minAttempts=1000&limit=1"));
  });

  it("reports invoices locked too long and merchants with a high reversal ratio", async () => {
    const merchant = await organisation("merchant", "1000000000");
    const locked = await issue(merchant);
    await ok(cast.employee.client.post(`/v1/invoices/${locked.id}/claim`, { claimCode: locked.claimCode }));
    await ok(cast.employee.client.post(`/v1/invoices/${locked.id}/submit`, { enterprise: cast.enterprise.account }));
    const reimbursed = await issue(merchant);
    await ok(cast.employee.client.post(`/v1/invoices/${reimbursed.id}/claim`, { claimCode: reimbursed.claimCode }));
    await ok(cast.employee.client.post(`/v1/invoices/${reimbursed.id}/submit`, { enterprise: cast.enterprise.account }));
    await ok(cast.enterprise.client.post(`/v1/invoices/${reimbursed.id}/reimburse`));
    const reversed = await issue(merchant);
    await ok(merchant.client.post(`/v1/invoices/${reversed.id}/reversals`, { reference: ref(), reason: "issue-error" }), 201);

    // Locked since a moment ago: locked for at least 0 days, not for 1.
    const now = await ok(system.bureau.get("/v1/reports/anomalies?lockedDays=0&limit=500"));
    const lockedItem = (now.lockedTooLong as any[]).find((i) => i.invoiceId === locked.id);
    expect(lockedItem).to.include({ number: locked.number, seller: merchant.account, holder: cast.employee.account, enterprise: cast.enterprise.account, days: 0 });
    expect(Date.parse(lockedItem.lockedSince)).to.be.within(Date.now() - 60_000, Date.now());
    expect((now.lockedTooLong as any[]).map((i) => i.invoiceId)).not.to.include(reimbursed.id);
    expect((await ok(system.bureau.get("/v1/reports/anomalies?lockedDays=1"))).lockedTooLong.map((i: any) => i.invoiceId)).not.to.include(locked.id);

    // One of three invoices, all the same amount, reversed in full: a third.
    const ratioOf = async (query: string) => ((await ok(system.bureau.get(`/v1/reports/anomalies?${query}`))).highReversalRatio as any[]).find((i) => i.merchant === merchant.account);
    const item = await ratioOf("reversalRatio=0.3333&minIssued=3");
    expect(item).to.deep.equal({ merchant: merchant.account, invoices: 3, total: String(3n * BigInt(locked.total)), reversedTotal: locked.total, ratio: "0.3333", reversedInvoiceIds: [reversed.id] });
    expect(await ratioOf("reversalRatio=0.34&minIssued=3")).to.equal(undefined);
    expect(await ratioOf("reversalRatio=0.3&minIssued=4")).to.equal(undefined);
    expect((await ratioOf("")), "default thresholds: at least 10 invoices").to.equal(undefined);
  });

  it("reports quotas nearly used up in the period, and merchants refused for theirs", async () => {
    const body = () => invoiceBody(ref(), individual); // 10,000 fen + 6 % tax = 10,600 fen
    const full = await organisation("merchant", "25000");
    await issue(full, body());
    await issue(full, body());
    await refused(full.client.post("/v1/invoices", body()), 422, "QUOTA_EXCEEDED");
    const empty = await organisation("merchant", "0");
    await refused(empty.client.post("/v1/invoices", body()), 422, "QUOTA_EXCEEDED");
    expect((await audit({ account: full.account })).map((e) => [e.role, e.action, e.invoiceId, e.code])).to.deep.equal([["merchant", "issue", null, "QUOTA_EXCEEDED"]]);

    const quotas = (query: string) => ok(system.bureau.get(`/v1/reports/anomalies?${query}`)).then((r) => r.quotasNearlyUsed as any[]);
    const at80 = await quotas(`quotaRatio=0.8&period=${cast.period}`);
    expect(at80.find((q) => q.merchant === full.account)).to.deep.equal({ merchant: full.account, period: cast.period, granted: "25000", used: "21200", ratio: "0.8480", refusals: 1 });
    expect(at80.find((q) => q.merchant === empty.account)).to.deep.equal({ merchant: empty.account, period: cast.period, granted: "0", used: "0", ratio: null, refusals: 1 });
    expect(at80.map((q) => q.merchant)).not.to.include(cast.merchant.account);
    // Below the threshold, a merchant refused for its quota is listed all the same.
    expect((await quotas("quotaRatio=0.9")).map((q) => q.merchant)).to.include.members([full.account, empty.account]);
  });

  it("gives totals by tax rate, state and buyer, and a daily series, that add up to the invoices issued", async () => {
    const merchant = await organisation("merchant", "1000000000");
    const line = (name: string, quantity: string, unitPrice: number, taxRate: TaxRate) => {
      const amount = lineAmount(quantity, BigInt(unitPrice));
      return { name, unit: "次", quantity, unitPrice: String(unitPrice), amount: String(amount), taxRate, tax: String(lineTax(amount, taxRate)) };
    };
    const organisationBuyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const bodies = [
      { reference: ref(), buyer: organisationBuyer, items: [line("餐饮服务", "2", 12_345, 6), line("住宿服务", "1", 50_000, 9)] },
      { reference: ref(), buyer: individual, items: [line("设备", "3", 99_999, 13)] },
      { reference: ref(), buyer: individual, items: [line("咨询", "1", 7_777, 6), line("设备", "1", 1_000, 13), line("图书", "5", 3_333, 9)] },
    ];
    const issued = [];
    for (const body of bodies) issued.push(await issue(merchant, body));
    await ok(merchant.client.post(`/v1/invoices/${issued[1]!.id}/reversals`, { reference: ref(), reason: "discount", total: "1130", tax: "130" }), 201);

    // By tax rate: the lines' amounts and taxes, rate by rate.
    const expected = new Map<number, { invoices: Set<number>; amount: bigint; tax: bigint }>();
    bodies.forEach((body, i) => {
      for (const item of body.items) {
        const entry = expected.get(item.taxRate) ?? { invoices: new Set<number>(), amount: 0n, tax: 0n };
        entry.invoices.add(i);
        entry.amount += BigInt(item.amount);
        entry.tax += BigInt(item.tax);
        expected.set(item.taxRate, entry);
      }
    });
    const byRate = await ok(system.bureau.get(`/v1/reports/totals?groupBy=taxRate&merchant=${merchant.account}`));
    expect(byRate).to.deep.equal({
      groupBy: ["taxRate"],
      truncated: false,
      totals: [...expected.entries()]
        .sort(([a], [b]) => a - b)
        .map(([taxRate, e]) => ({ taxRate, invoices: e.invoices.size, amount: e.amount.toString(), tax: e.tax.toString(), total: (e.amount + e.tax).toString() })),
    });
    const sum = (values: string[]) => values.reduce((a, b) => a + BigInt(b), 0n).toString();
    expect(sum(byRate.totals.map((t: any) => t.total))).to.equal(sum(issued.map((i) => i.total)));
    // The merchant's own view is the same; by merchant and period it matches the original answer's issued totals.
    expect(await ok(merchant.client.get("/v1/reports/totals?groupBy=taxRate"))).to.deep.equal(byRate);
    const original = await ok(system.bureau.get(`/v1/reports/totals?merchant=${merchant.account}`));
    expect(Object.keys(original)).to.deep.equal(["totals"]);
    const grouped = await ok(system.bureau.get(`/v1/reports/totals?groupBy=merchant,period&merchant=${merchant.account}`));
    expect(grouped.totals).to.have.length(1);
    expect(grouped.totals[0]).to.include({ merchant: merchant.account, period: cast.period, invoices: original.totals[0].invoices, total: original.totals[0].total, tax: original.totals[0].tax, reversedTotal: "1130", reversedTax: "130" });
    // By state and buyer, filtered.
    const byState = await ok(system.bureau.get(`/v1/reports/totals?groupBy=state,buyer&merchant=${merchant.account}`));
    expect(byState.totals.map((t: any) => [t.state, t.buyerTaxId, t.invoices, t.total])).to.deep.equal([
      ["Issued", cast.enterprise.taxpayerId, 1, issued[0]!.total],
      ["Issued", null, 2, sum([issued[1]!.total, issued[2]!.total])],
    ]);
    const toBuyer = await ok(system.bureau.get(`/v1/reports/totals?groupBy=taxRate&merchant=${merchant.account}&buyerTaxId=${cast.enterprise.taxpayerId}`));
    expect(toBuyer.totals.map((t: any) => t.taxRate)).to.deep.equal([6, 9]);
    const limited = await ok(system.bureau.get(`/v1/reports/totals?groupBy=taxRate&merchant=${merchant.account}&limit=2`));
    expect([limited.totals.length, limited.truncated]).to.deep.equal([2, true]);

    // The series: the day (China Standard Time) of each invoice's block holds it; the days around are zeros.
    const dayOf = (time: number) => new Date(time + 8 * 3_600_000).toISOString().slice(0, 10);
    const issuedAt: number[] = [];
    for (const invoice of issued) issuedAt.push(Date.parse((await ok(merchant.client.get(`/v1/invoices/${invoice.id}/trace`))).events[0].time));
    const day = (offset: number) => dayOf(Math.min(...issuedAt) + offset * 86_400_000);
    const last = dayOf(Math.max(...issuedAt)) === day(0) ? 0 : 1;
    const series = await ok(system.bureau.get(`/v1/reports/series?from=${day(-2)}&to=${day(last + 1)}&merchant=${merchant.account}`));
    expect(series).to.include({ from: day(-2), to: day(last + 1), merchant: merchant.account });
    const zero = { invoices: 0, amount: "0", tax: "0", total: "0" };
    const expectedDays = new Map<string, { invoices: number; amount: bigint; tax: bigint }>();
    bodies.forEach((body, i) => {
      const entry = expectedDays.get(dayOf(issuedAt[i]!)) ?? { invoices: 0, amount: 0n, tax: 0n };
      entry.invoices++;
      for (const item of body.items) [entry.amount, entry.tax] = [entry.amount + BigInt(item.amount), entry.tax + BigInt(item.tax)];
      expectedDays.set(dayOf(issuedAt[i]!), entry);
    });
    expect(series.days).to.deep.equal(
      Array.from({ length: last + 4 }, (_, i) => day(i - 2)).map((d) => {
        const e = expectedDays.get(d);
        return e === undefined ? { day: d, ...zero } : { day: d, invoices: e.invoices, amount: e.amount.toString(), tax: e.tax.toString(), total: (e.amount + e.tax).toString() };
      }),
    );
    expect(sum(series.days.map((d: any) => d.total))).to.equal(sum(issued.map((i) => i.total)));
    expect(await ok(merchant.client.get(`/v1/reports/series?from=${day(-2)}&to=${day(last + 1)}`))).to.deep.equal(series);
    const all = await ok(system.bureau.get(`/v1/reports/series?from=${day(0)}&to=${day(0)}`));
    expect(all.merchant).to.equal(null);
    expect(all.days[0].invoices).to.be.at.least(3);
  });
});
