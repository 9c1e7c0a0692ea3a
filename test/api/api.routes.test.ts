import { setTimeout as delay } from "node:timers/promises";

import { expect } from "chai";
import { sql } from "kysely";

import { openDatabase, type Database } from "../../api/db/database";
import { embeddedUrl } from "../../api/db/embedded-server";
import { INDEX_TABLES } from "../../api/db/event-index";
import { EventIndexer } from "../../api/indexer/event-indexer";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { ApiClient } from "../../scripts/lib/api-client";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";
import { verdictOf } from "./helpers/verdict";

/**
 * Every route of the API in process (createApp via startApi) against a real ledger node process: the happy
 * path, validation, and who may do what. Assertions are on status codes and error codes.
 */
describe("API routes", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  let run = 0;
  const ref = () => `r-${Date.now().toString(36)}-${run++}`;
  const buyer = () => ({ type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId });

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  async function issued(body = invoiceBody(ref(), buyer())) {
    const answer = await cast.merchant.client.post("/v1/invoices", body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.invoice as { id: string; number: string; checkCode: string; total: string; claimCode: string; document: Record<string, unknown> };
  }
  async function claimedBy(who: { client: ApiClient }) {
    const invoice = await issued();
    const claim = await who.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode });
    expect(claim.status, JSON.stringify(claim.body)).to.equal(200);
    return invoice;
  }

  describe("participants and keys", () => {
    it("registers organisations with a checked taxpayer ID, once", async () => {
      const taxpayerId = randomTaxpayerId();
      const ok = await system.bureau.post("/v1/participants", { role: "enterprise", name: "深圳市新公司", taxpayerId });
      expect(ok.status).to.equal(201);
      expect(ok.body.participant).to.include({ role: "enterprise", taxpayerId });
      expect((await system.bureau.post("/v1/participants", { role: "merchant", name: "again", taxpayerId })).body.error.code).to.equal("TAXPAYER_ID_TAKEN");
      const wrongCheck = taxpayerId.slice(0, 17) + (taxpayerId.endsWith("0") ? "1" : "0");
      const bad = await system.bureau.post("/v1/participants", { role: "merchant", name: "x", taxpayerId: wrongCheck });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal("VALIDATION_FAILED");
      expect(bad.body.error.details.issues[0].path).to.equal("taxpayerId");
      expect((await system.bureau.post("/v1/participants", { role: "merchant", name: "x", taxpayerId: randomTaxpayerId(), quota: 1 })).status).to.equal(400);
      expect((await system.bureau.post("/v1/participants", { role: "bureau", name: "x", taxpayerId: randomTaxpayerId() })).status).to.equal(400);
    });

    it("lets an enterprise register and see its employees, and nobody else's", async () => {
      const list = await cast.enterprise.client.get("/v1/participants");
      expect(list.status).to.equal(200);
      const accounts = (list.body.participants as { account: string }[]).map((p) => p.account);
      expect(accounts).to.include.members([cast.employee.account, cast.colleague.account]);
      expect(accounts).not.to.include(cast.outsider.account);
      expect((await cast.enterprise.client.get(`/v1/participants/${cast.outsider.account}`)).status).to.equal(404);
      expect((await cast.employee.client.get(`/v1/participants/${cast.employee.account}`)).body.name).to.equal("张三");
    });

    it("issues, lists and revokes API keys; a revoked key is refused", async () => {
      const issuedKey = await cast.merchant.client.post("/v1/api-keys", { label: "till 2" });
      expect(issuedKey.status).to.equal(201);
      const second = cast.merchant.client.as(issuedKey.body.apiKey);
      expect((await second.get("/v1/api-keys")).body.keys).to.have.length(2);
      expect((await second.delete(`/v1/api-keys/${issuedKey.body.info.keyId}`)).body.revokedAt).to.be.a("string");
      expect((await second.get("/v1/api-keys")).status).to.equal(401);
      expect((await cast.otherMerchant.client.delete(`/v1/api-keys/${issuedKey.body.info.keyId}`)).status).to.equal(404);
      expect((await new ApiClient(system.api.url, "eil_000000000000_forged").get("/v1/invoices")).body.error.code).to.equal("UNAUTHENTICATED");
    });

    it("sets and reads quotas; a merchant sees only its own", async () => {
      const quota = await cast.merchant.client.get(`/v1/merchants/${cast.merchant.account}/quotas/${cast.period}`);
      expect(quota.status).to.equal(200);
      expect(BigInt(quota.body.granted)).to.equal(1_000_000_000n);
      expect((await cast.merchant.client.get(`/v1/merchants/${cast.otherMerchant.account}/quotas/${cast.period}`)).status).to.equal(404);
      expect((await system.bureau.put(`/v1/merchants/${cast.merchant.account}/quotas/202613`, { granted: "1" })).status).to.equal(400);
    });
  });

  describe("issue", () => {
    it("issues one invoice, durable and readable by its seller with the claim code", async () => {
      const invoice = await issued();
      expect(invoice.claimCode).to.match(/^0x[0-9a-f]{64}$/);
      expect(invoice.checkCode).to.match(/^[0-9]{20}$/);
      const read = await cast.merchant.client.get(`/v1/invoices/${invoice.id}`);
      expect(read.body).to.include({ state: "Issued", total: invoice.total });
      expect(read.body.document.document.buyer.taxpayerId).to.equal(cast.enterprise.taxpayerId);
    });

    it("answers an issue with exactly what reading the invoice back gives, for single and batch requests", async () => {
      // The answer is built from the request, its stored document and the transaction's events, not read back
      // from the chain: it must be the invoice as the chain then holds it, field for field.
      const single = await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()));
      const batch = await cast.merchant.client.post("/v1/invoices/batch", { invoices: [invoiceBody(ref(), buyer()), { ...invoiceBody(ref(), buyer()), buyer: { type: "individual", name: "张三" } }] });
      expect([single.status, batch.status]).to.deep.equal([201, 201]);
      const answered = [single.body.invoice, ...(batch.body.results as { invoice: unknown }[]).map((result) => result.invoice)] as { id: string }[];
      for (const invoice of answered) expect((await cast.merchant.client.get(`/v1/invoices/${invoice.id}`)).body).to.deep.equal(invoice);
    });

    it("checks amounts, rates and taxpayer IDs, naming the field", async () => {
      const body = invoiceBody(ref(), buyer());
      const wrongTax = { ...body, items: [{ ...body.items[0]!, tax: "1" }] };
      const answer = await cast.merchant.client.post("/v1/invoices", wrongTax);
      expect(answer.status).to.equal(400);
      expect(answer.body.error.details.issues.map((i: { path: string }) => i.path)).to.include("items.0.tax");
      expect((await cast.merchant.client.post("/v1/invoices", { ...body, items: [{ ...body.items[0]!, taxRate: 7 }] })).status).to.equal(400);
      expect((await cast.merchant.client.post("/v1/invoices", { ...body, buyer: { ...buyer(), taxpayerId: "91440300MA5FTE7X1A" } })).status).to.equal(400);
      expect((await cast.merchant.client.post("/v1/invoices", { ...body, items: [{ ...body.items[0]!, amount: 100.5 }] })).status).to.equal(400);
      expect((await cast.merchant.client.post("/v1/invoices", { ...body, seller: "me" })).status).to.equal(400);
    });

    it("answers a retried Idempotency-Key with the first answer and refuses the key for another body", async () => {
      const body = invoiceBody(ref(), buyer());
      const key = `key-${ref()}`;
      const first = await cast.merchant.client.post("/v1/invoices", body, { "idempotency-key": key });
      const again = await cast.merchant.client.post("/v1/invoices", body, { "idempotency-key": key });
      expect(first.status).to.equal(201);
      expect(again.status).to.equal(201);
      expect(again.body).to.deep.equal(first.body);
      expect(again.headers.get("idempotent-replayed")).to.equal("true");
      const other = await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()), { "idempotency-key": key });
      expect(other.status).to.equal(422);
      expect(other.body.error.code).to.equal("IDEMPOTENCY_KEY_REUSED");
    });

    it("maps one reference to one invoice: the same body returns it, another body is refused", async () => {
      const body = invoiceBody(ref(), buyer());
      const first = await cast.merchant.client.post("/v1/invoices", body);
      const again = await cast.merchant.client.post("/v1/invoices", body);
      expect(again.status).to.equal(200);
      expect(again.body.replayed).to.equal(true);
      expect(again.body.invoice.number).to.equal(first.body.invoice.number);
      const changed = await cast.merchant.client.post("/v1/invoices", { ...body, remarks: "changed" });
      expect(changed.status).to.equal(409);
      expect(changed.body.error.code).to.equal("DUPLICATE_REFERENCE");
    });

    it("issues a batch with consecutive numbers, all or nothing on validation", async () => {
      const bodies = [0, 1, 2].map(() => invoiceBody(ref(), buyer()));
      const answer = await cast.merchant.client.post("/v1/invoices/batch", { invoices: bodies });
      expect(answer.status).to.equal(201);
      const numbers = (answer.body.results as { invoice: { number: string } }[]).map((r) => Number(r.invoice.number));
      expect(numbers).to.deep.equal([numbers[0], numbers[0]! + 1, numbers[0]! + 2]);
      const duplicate = await cast.merchant.client.post("/v1/invoices/batch", { invoices: [bodies[0], bodies[0]] });
      expect(duplicate.status).to.equal(400);
    });

    it("issues the largest batch a request may carry (500 invoices) in one transaction on the ledger node", async () => {
      const answer = await cast.merchant.client.post("/v1/invoices/batch", { invoices: Array.from({ length: 500 }, () => invoiceBody(ref(), buyer())) });
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).to.equal(201);
      const results = answer.body.results as { transactionHash: string; invoice: { number: string } }[];
      expect(new Set(results.map((r) => r.transactionHash)).size).to.equal(1);
      expect(Number(results[499]!.invoice.number) - Number(results[0]!.invoice.number)).to.equal(499);
    });

    it("groups concurrent single issues of one merchant into shared transactions", async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()))));
      expect(answers.map((a) => a.status)).to.deep.equal(Array(12).fill(201));
      const transactions = new Set(answers.map((a) => a.body.transactionHash as string));
      expect(transactions.size).to.be.lessThan(12);
      const numbers = new Set(answers.map((a) => a.body.invoice.number as string));
      expect(numbers.size).to.equal(12);
    });

    it("refuses issuing beyond the quota with 422 QUOTA_EXCEEDED and keeps the others' requests", async () => {
      const { period } = cast;
      expect((await system.bureau.put(`/v1/merchants/${cast.otherMerchant.account}/quotas/${period}`, { granted: "25000" })).status).to.equal(200);
      const small = invoiceBody(ref(), buyer(), { unitPrice: 10_000 }); // 10,600 fen each
      const answers = await Promise.all([small, invoiceBody(ref(), buyer()), invoiceBody(ref(), buyer())].map((b) => cast.otherMerchant.client.post("/v1/invoices", b)));
      expect(answers.filter((a) => a.status === 201)).to.have.length(2);
      const refused = answers.find((a) => a.status !== 201)!;
      expect(refused.status).to.equal(422);
      expect(refused.body.error.code).to.equal("QUOTA_EXCEEDED");
      // A batch request is all or nothing: over the quota, none of it is issued.
      const batch = [0, 1].map(() => invoiceBody(ref(), buyer()));
      const over = await cast.otherMerchant.client.post("/v1/invoices/batch", { invoices: batch });
      expect(over.status).to.equal(422);
      expect(over.body.error.code).to.equal("QUOTA_EXCEEDED");
      const listed = (await cast.otherMerchant.client.get("/v1/invoices?limit=500")).body.invoices as unknown[];
      expect(listed).to.have.length(2);
      expect((await system.bureau.put(`/v1/merchants/${cast.otherMerchant.account}/quotas/${period}`, { granted: "1000000000" })).status).to.equal(200);
    });
  });

  describe("lifecycle", () => {
    it("claims with the claim code only, once", async () => {
      const invoice = await issued();
      const wrong = await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: `0x${"11".repeat(32)}` });
      // A wrong code reads like an unknown id (test/api/api.trust.test.ts): nothing to probe.
      expect(wrong.status).to.equal(404);
      expect(wrong.body.error.code, JSON.stringify(wrong.body)).to.equal("NOT_FOUND");
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).body.holder).to.equal(cast.employee.account);
      const second = await cast.colleague.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode });
      expect(second.status).to.equal(409);
      expect(second.body.error.code).to.equal("ALREADY_CLAIMED");
      expect((await cast.merchant.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(403);
      expect((await cast.merchant.client.get(`/v1/invoices/${invoice.id}`)).body.claimCode).to.equal(undefined);
    });

    it("reimburses once, only at the buyer, only by the locking enterprise; then files", async () => {
      const invoice = await claimedBy(cast.employee);
      const elsewhere = await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.otherEnterprise.account });
      expect(elsewhere.status).to.equal(422);
      expect(elsewhere.body.error.code).to.equal("BUYER_MISMATCH");
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).body.state).to.equal("Locked");
      expect((await cast.otherEnterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).status).to.equal(404);
      expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).body.state).to.equal("Reimbursed");
      const twice = await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`);
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal("INVALID_STATE");
      expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: 209912 })).body.error.code).to.equal("INVALID_PERIOD");
      expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: cast.period })).body).to.include({ state: "Filed", filedPeriod: cast.period });
    });

    it("rejects a claim back to the holder, and transfers between holders", async () => {
      const invoice = await claimedBy(cast.employee);
      await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account });
      const rejected = await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reject`, { reason: "NO_RECEIPT" });
      expect(rejected.body).to.include({ state: "Issued", enterprise: null });
      expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reject`, { reason: "free text, with spaces" })).status).to.equal(400);
      expect((await cast.colleague.client.post(`/v1/invoices/${invoice.id}/transfer`, { to: cast.colleague.account })).status).to.equal(404);
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/transfer`, { to: cast.colleague.account })).body.holder).to.equal(cast.colleague.account);
      expect((await cast.employee.client.get(`/v1/invoices/${invoice.id}`)).status).to.equal(404);
      expect((await cast.colleague.client.get(`/v1/invoices/${invoice.id}`)).status).to.equal(200);
    });

    it("reverses in part and in full; after reimbursement the enterprise confirms", async () => {
      const invoice = await issued();
      const partial = await cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "discount", total: "1060", tax: "60" });
      expect(partial.status).to.equal(201);
      expect(partial.body.creditNote.status).to.equal("Effective");
      expect(partial.body.invoice).to.include({ state: "Issued", reversedTotal: "1060" });
      const tooMuch = await cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "discount", total: "999999", tax: "60" });
      expect(tooMuch.body.error.code).to.equal("REVERSAL_EXCEEDS_REMAINING");
      expect((await cast.otherMerchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "sales-return" })).status).to.equal(404);
      const full = await cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "sales-return" });
      expect(full.body.invoice.state).to.equal("Reversed");

      const paid = await claimedBy(cast.employee);
      await cast.employee.client.post(`/v1/invoices/${paid.id}/submit`, { enterprise: cast.enterprise.account });
      await cast.enterprise.client.post(`/v1/invoices/${paid.id}/reimburse`);
      const pending = await cast.merchant.client.post(`/v1/invoices/${paid.id}/reversals`, { reference: ref(), reason: "service-stopped" });
      expect(pending.body.creditNote.status).to.equal("Pending");
      expect((await cast.otherEnterprise.client.post(`/v1/credit-notes/${pending.body.creditNote.id}/confirm`)).status).to.equal(404);
      const confirmed = await cast.enterprise.client.post(`/v1/credit-notes/${pending.body.creditNote.id}/confirm`);
      expect(confirmed.body.status).to.equal("Effective");
      expect((await cast.enterprise.client.get(`/v1/invoices/${paid.id}`)).body.state).to.equal("Reversed");
    });

    it("lets the bureau freeze and unfreeze, and nobody else", async () => {
      const invoice = await issued();
      expect((await cast.merchant.client.post(`/v1/invoices/${invoice.id}/freeze`, { reason: "AUDIT" })).status).to.equal(403);
      expect((await system.bureau.post(`/v1/invoices/${invoice.id}/freeze`, { reason: "AUDIT" })).body).to.include({ state: "Frozen", frozenFrom: "Issued" });
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(409);
      expect((await system.bureau.post(`/v1/invoices/${invoice.id}/unfreeze`)).body.state).to.equal("Issued");
    });
  });

  describe("verify, trace, lists and reports", () => {
    it("verifies by number + check code + total, publicly; a wrong code or amount does not verify", async () => {
      const invoice = await issued();
      const ok = await new ApiClient(system.api.url).get(`/v1/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${invoice.total}`);
      expect(verdictOf(ok.body)).to.deep.equal({ authentic: true, state: "Issued", kind: "invoice" });
      const wrongCode = (BigInt(invoice.checkCode) ^ 1n).toString().padStart(20, "0");
      expect((await new ApiClient(system.api.url).get(`/v1/verify?number=${invoice.number}&checkCode=${wrongCode}&total=${invoice.total}`)).body.authentic).to.equal(false);
      expect((await new ApiClient(system.api.url).get(`/v1/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${BigInt(invoice.total) + 1n}`)).body.authentic).to.equal(false);
      expect((await new ApiClient(system.api.url).get(`/v1/verify?number=x&checkCode=1&total=1`)).status).to.equal(400);
    });

    it("verifies the document file; one changed character fails", async () => {
      const invoice = await issued();
      const file = (await cast.merchant.client.get(`/v1/invoices/${invoice.id}`)).body.document;
      const anyone = new ApiClient(system.api.url);
      expect(verdictOf((await anyone.post("/v1/verify/document", file)).body)).to.deep.equal({ authentic: true, state: "Issued", kind: "invoice" });
      const altered = JSON.parse(JSON.stringify(file));
      altered.document.items[0].name = "餐饮服务X";
      expect((await anyone.post("/v1/verify/document", altered)).body).to.include({ authentic: false, mismatch: "document" });
      const otherSalt = { ...file, salt: `0x${"00".repeat(32)}` };
      expect((await anyone.post("/v1/verify/document", otherSalt)).body.authentic).to.equal(false);
      expect((await anyone.post("/v1/verify/document", { ...file, number: String(Number(file.number) + 1) })).body.mismatch).to.equal("number");
    });

    it("traces the whole history with actors, and only for parties to the invoice", async () => {
      const invoice = await claimedBy(cast.employee);
      await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account });
      const trace = await system.bureau.get(`/v1/invoices/${invoice.id}/trace`);
      expect(trace.status).to.equal(200);
      const events = trace.body.events as { type: string; actor: string; transactionHash: string; blockNumber: number; time: string }[];
      expect(events.map((e) => e.type)).to.deep.equal(["InvoiceIssued", "InvoiceClaimed", "InvoiceSubmitted"]);
      expect(events.map((e) => e.actor)).to.deep.equal([cast.merchant.account, cast.employee.account, cast.employee.account]);
      for (const e of events) {
        expect(e.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
        expect(Date.parse(e.time)).to.be.greaterThan(0);
      }
      expect((await cast.otherMerchant.client.get(`/v1/invoices/${invoice.id}/trace`)).status).to.equal(404);
      expect((await cast.outsider.client.get(`/v1/invoices/${invoice.id}/trace`)).status).to.equal(404);
    });

    it("lists each party's own invoices; the bureau sees all; totals per merchant and period", async () => {
      const mine = await cast.employee.client.get("/v1/invoices?limit=500");
      const all = await system.bureau.get("/v1/invoices?limit=500");
      const theirs = await cast.outsider.client.get("/v1/invoices?limit=500");
      expect(mine.body.invoices.length).to.be.greaterThan(0);
      expect(theirs.body.invoices).to.have.length(0);
      expect(all.body.invoices.length).to.be.greaterThan(mine.body.invoices.length);
      for (const s of mine.body.invoices as { holder: string | null; enterprise: string | null }[]) expect([s.holder, s.enterprise]).to.include(cast.employee.account);
      const locked = await system.bureau.get("/v1/invoices?state=Locked&limit=500");
      expect((locked.body.invoices as { state: string }[]).every((s) => s.state === "Locked")).to.equal(true);
      const page = await system.bureau.get("/v1/invoices?limit=2");
      const next = await system.bureau.get(`/v1/invoices?limit=2&after=${page.body.invoices[1].number}`);
      expect(Number(next.body.invoices[0].number)).to.equal(Number(page.body.invoices[1].number) + 1);
      const totals = await system.bureau.get(`/v1/reports/totals?merchant=${cast.merchant.account}&period=${cast.period}`);
      expect(totals.body.totals).to.have.length(1);
      expect(totals.body.totals[0].invoices).to.be.greaterThan(10);
      expect((await cast.merchant.client.get(`/v1/reports/totals?merchant=${cast.otherMerchant.account}`)).status).to.equal(404);
    });
  });

  describe("event index", () => {
    const answers = async () => ({
      all: (await system.bureau.get("/v1/invoices?limit=500")).body,
      mine: (await cast.employee.client.get("/v1/invoices?limit=500")).body,
      totals: (await system.bureau.get("/v1/reports/totals")).body,
      trace: (await system.bureau.get(`/v1/invoices/${(await system.bureau.get("/v1/invoices?limit=1")).body.invoices[0].id}/trace`)).body,
    });

    it("rebuilds from the chain with the same lists, traces and totals", async () => {
      const before = await answers();
      const { indexer } = system.api.ctx;
      await indexer.stop();
      const rebuilt = await indexer.rebuild();
      await indexer.start();
      expect(rebuilt.events).to.be.greaterThan(50);
      const after = await answers();
      expect(after).to.deep.equal(before);
    });

    it("rebuilds the same index when each range's write is slow to start (the next range is worked out meanwhile)", async () => {
      const { indexer: running, client, logger, config } = system.api.ctx;
      // A pool of its own on the API's database (the API's process runs the server).
      const database = await openDatabase({ databaseUrl: config.databaseUrl ?? embeddedUrl(config.databaseDir), embeddedDir: config.databaseDir }, logger);
      // Every row of every table of the index, in a stable order.
      const indexRows = async () => Object.fromEntries(await Promise.all(INDEX_TABLES.map(async (table) => [table, (await sql`select * from ${sql.table(table)}`.execute(database.db)).rows.map((row) => JSON.stringify(row)).sort()])));
      // Each write of a range waits before it opens its transaction: the next range's changes are then worked out
      // before this range is committed, and must start from what this range leaves, not from what was committed.
      const slow: Pick<Database, "db" | "pinned"> = { db: database.db, pinned: async (work) => (await delay(200), database.pinned(work)) };
      await running.stop();
      try {
        const before = await indexRows();
        expect(before.invoices!.length).to.be.greaterThan(500);
        const rebuilt = await new EventIndexer(client, slow, logger, { pollIntervalMs: 10 }).rebuild();
        expect(rebuilt.events).to.be.greaterThan(500);
        expect(await indexRows()).to.deep.equal(before);
      } finally {
        await running.start();
        await database.close();
      }
    });
  });

  describe("edges", () => {
    it("answers malformed JSON 400, an oversized body 413, an unknown route 404, all with codes", async () => {
      const malformed = await cast.merchant.client.request("POST", "/v1/invoices", "{not json", { "content-type": "application/json" });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.code).to.equal("MALFORMED_JSON");
      const huge = await cast.merchant.client.post("/v1/invoices", { reference: "x".repeat(3_000_000) });
      expect(huge.status).to.equal(413);
      expect(huge.body.error.code).to.equal("BODY_TOO_LARGE");
      expect((await cast.merchant.client.get("/v1/nothing")).body.error.code).to.equal("NO_SUCH_ROUTE");
      expect((await cast.merchant.client.get(`/v1/invoices/0x${"ab".repeat(32)}`)).status).to.equal(404);
      expect((await cast.merchant.client.get("/v1/invoices/not-an-id")).status).to.equal(400);
    });

    it("serves the OpenAPI document, health and metrics", async () => {
      const anyone = new ApiClient(system.api.url);
      const doc = await anyone.get("/openapi.json");
      expect(doc.body.openapi).to.equal("3.0.3");
      expect(Object.keys(doc.body.paths)).to.include.members(["/v1/invoices", "/v1/verify", "/v1/invoices/{id}/trace"]);
      expect((await anyone.get("/health")).body.status).to.equal("ok");
      expect(String((await anyone.get("/metrics")).body)).to.match(/api_issue_batch_size_bucket/);
    });
  });
});
