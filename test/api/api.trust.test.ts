import { expect } from "chai";

import { invoiceBody } from "../../scripts/lib/demo-data";

import pino from "pino";

import { startApi } from "../../api/api-server";
import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { withEmbeddedDatabase } from "./helpers/embedded-database";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Trust at the edges of the lifecycle: one execution per merchant reference under concurrency, access that
 * follows the registry (suspended: read-only, revoked: nothing), and refusals that read exactly like an
 * unknown id when the object is someone else's.
 */
describe("API trust: references, registry status, uniform refusals", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  let run = 0;
  const ref = () => `t-${Date.now().toString(36)}-${run++}`;
  const buyer = () => ({ type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId });
  const unknownId = `0x${"ab".repeat(32)}`;
  /** The cast's clients, pointed at a restarted API. */
  const rebind = (c: Cast, url: string): Cast =>
    Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === "object" && v !== null && "client" in v ? { ...v, client: new ApiClient(url, (v.client as ApiClient).apiKey) } : v])) as Cast;

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  async function issued() {
    const answer = await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.invoice as { id: string; number: string; checkCode: string; total: string; claimCode: string };
  }

  const verifyDocument = async (file: unknown) => (await system.bureau.as("").post("/v1/verify/document", file)).body as { authentic: boolean };

  describe("one execution per merchant reference", () => {
    it("concurrent issues with one reference yield one invoice, one document and one claim code that works", async () => {
      const body = invoiceBody(ref(), buyer(), { unitPrice: 12_345 });
      const answers = await Promise.all(Array.from({ length: 8 }, () => cast.merchant.client.post("/v1/invoices", body)));
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([200, 201]);
      expect(answers.filter((a) => a.status === 201)).to.have.length(1);
      const ids = new Set(answers.map((a) => a.body.invoice.id));
      const codes = new Set(answers.map((a) => a.body.invoice.claimCode));
      const totals = new Set(answers.map((a) => a.body.invoice.total));
      expect(ids.size).to.equal(1);
      expect(codes.size).to.equal(1);
      expect(totals.size).to.equal(1);
      const [first] = answers;
      const invoice = first!.body.invoice;
      // The document every answer showed is the one whose seal is on chain.
      for (const answer of answers) expect(await verifyDocument(answer.body.invoice.document)).to.include({ authentic: true });
      const byCode = await system.bureau.get(`/v1/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${invoice.total}`);
      expect(byCode.body).to.include({ authentic: true });
      const claim = await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode });
      expect(claim.status, JSON.stringify(claim.body)).to.equal(200);
    });

    it("a batch and single requests racing on the same references agree on every invoice", async () => {
      const bodies = [invoiceBody(ref(), buyer()), invoiceBody(ref(), buyer())];
      const [batch, ...singles] = await Promise.all([
        cast.merchant.client.post("/v1/invoices/batch", { invoices: bodies }),
        ...bodies.map((b) => cast.merchant.client.post("/v1/invoices", b)),
        ...bodies.map((b) => cast.merchant.client.post("/v1/invoices", b)),
      ]);
      expect(batch!.status, JSON.stringify(batch!.body)).to.be.oneOf([200, 201]);
      for (const single of singles) expect(single.status, JSON.stringify(single.body)).to.be.oneOf([200, 201]);
      const fromBatch = new Map<string, string>((batch!.body.results as { invoice: { id: string; claimCode: string } }[]).map((r) => [r.invoice.id, r.invoice.claimCode]));
      expect(fromBatch.size).to.equal(2);
      for (const single of singles) expect(single.body.invoice.claimCode).to.equal(fromBatch.get(single.body.invoice.id));
      for (const single of singles) expect(await verifyDocument(single.body.invoice.document)).to.include({ authentic: true });
    });

    it("the same reference twice inside one batch is refused before anything is sealed", async () => {
      const body = invoiceBody(ref(), buyer());
      const answer = await cast.merchant.client.post("/v1/invoices/batch", { invoices: [body, body] });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal("VALIDATION_FAILED");
      expect((await cast.merchant.client.post("/v1/invoices", body)).status).to.equal(201);
    });

    it("concurrent reversals with one reference yield one credit note whose document verifies", async () => {
      const invoice = await issued();
      const reversal = { reference: ref(), reason: "sales-return" };
      const answers = await Promise.all(Array.from({ length: 6 }, () => cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, reversal)));
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      expect(new Set(answers.map((a) => a.body.creditNote.id)).size).to.equal(1);
      expect(new Set(answers.map((a) => a.body.creditNote.document.salt)).size).to.equal(1);
      expect(await verifyDocument(answers[0]!.body.creditNote.document)).to.include({ authentic: true });
      expect(answers[0]!.body.invoice.state).to.equal("Reversed");
    });
  });

  describe("access follows the registry", () => {
    async function organisation(role: "merchant" | "enterprise") {
      const { randomTaxpayerId } = await import("../../scripts/lib/demo-data");
      const answer = await system.bureau.post("/v1/participants", { role, name: `深圳市状态测试${run++}有限公司`, taxpayerId: randomTaxpayerId() });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      const quota = await system.bureau.put(`/v1/merchants/${answer.body.participant.account}/quotas/${cast.period}`, { granted: "100000000" });
      if (role === "merchant") expect(quota.status).to.equal(200);
      return { account: answer.body.participant.account as string, client: system.bureau.as(answer.body.apiKey) };
    }

    it("a suspended merchant may read but not write, and is whole again when reinstated", async () => {
      const merchant = await organisation("merchant");
      const before = await merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()));
      expect(before.status).to.equal(201);
      expect((await system.bureau.post(`/v1/participants/${merchant.account}/suspend`)).status).to.equal(200);

      expect((await merchant.client.get(`/v1/invoices/${before.body.invoice.id}`)).status).to.equal(200);
      const write = await merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()));
      expect(write.status).to.equal(403);
      expect(write.body.error.code).to.equal("PARTICIPANT_SUSPENDED");
      expect((await merchant.client.post("/v1/api-keys", { label: "new till" })).body.error.code).to.equal("PARTICIPANT_SUSPENDED");

      expect((await system.bureau.post(`/v1/participants/${merchant.account}/reinstate`)).status).to.equal(200);
      expect((await merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()))).status).to.equal(201);
    });

    it("a revoked merchant can do nothing: no reads of claim codes, no new keys", async () => {
      const merchant = await organisation("merchant");
      const invoice = (await merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()))).body.invoice;
      expect(invoice.claimCode).to.be.a("string");
      expect((await system.bureau.post(`/v1/participants/${merchant.account}/revoke`)).status).to.equal(200);
      for (const answer of [
        await merchant.client.get(`/v1/invoices/${invoice.id}`),
        await merchant.client.get("/v1/invoices"),
        await merchant.client.post("/v1/api-keys", { label: "after revocation" }),
        await merchant.client.get("/v1/api-keys"),
      ]) {
        expect(answer.status, JSON.stringify(answer.body)).to.equal(403);
        expect(answer.body.error.code).to.equal("PARTICIPANT_REVOKED");
        expect(JSON.stringify(answer.body)).not.to.contain(invoice.claimCode);
      }
    });

    it("an organisation registered again after its revocation acts for its old account's invoices", async () => {
      const { randomTaxpayerId } = await import("../../scripts/lib/demo-data");
      const taxpayerId = randomTaxpayerId();
      const first = await system.bureau.post("/v1/participants", { role: "merchant", name: "深圳市继任测试有限公司", taxpayerId });
      const old = { account: first.body.participant.account as string, client: system.bureau.as(first.body.apiKey) };
      expect((await system.bureau.put(`/v1/merchants/${old.account}/quotas/${cast.period}`, { granted: "100000000" })).status).to.equal(200);
      const invoice = (await old.client.post("/v1/invoices", invoiceBody(ref(), buyer()))).body.invoice;
      expect((await system.bureau.post(`/v1/participants/${old.account}/revoke`)).status).to.equal(200);
      const again = await system.bureau.post("/v1/participants", { role: "merchant", name: "深圳市继任测试有限公司", taxpayerId });
      expect(again.status, JSON.stringify(again.body)).to.equal(201);
      const successor = system.bureau.as(again.body.apiKey);
      const read = await successor.get(`/v1/invoices/${invoice.id}`);
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      expect(read.body.claimCode).to.equal(invoice.claimCode);
      // Its search lists them as the single read shows them, filtered by the old account too, with their documents.
      for (const query of ["", `?merchant=${old.account}`, `?number=${invoice.number}&expand=document`]) {
        const found = await successor.get(`/v1/invoices${query}`);
        expect(found.status, JSON.stringify(found.body)).to.equal(200);
        expect(found.body.invoices.map((i: { id: string }) => i.id), query).to.deep.equal([invoice.id]);
      }
      expect((await successor.get(`/v1/invoices?number=${invoice.number}&expand=document`)).body.invoices[0].document.id).to.equal(invoice.id);
      const reversal = await successor.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "issue-error" });
      expect(reversal.status, JSON.stringify(reversal.body)).to.equal(201);
      expect(reversal.body.invoice.state).to.equal("Reversed");
    });

    it("concurrent registrations of one taxpayer ID register it once and keep its record", async () => {
      const { randomTaxpayerId } = await import("../../scripts/lib/demo-data");
      const taxpayerId = randomTaxpayerId();
      const answers = await Promise.all(Array.from({ length: 4 }, () => system.bureau.post("/v1/participants", { role: "enterprise", name: "深圳市并发注册有限公司", taxpayerId })));
      expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 409, 409, 409]);
      const winner = answers.find((a) => a.status === 201)!.body.participant.account as string;
      // The taxpayer ID still leads to the winner: registering it again is refused as taken, and once the winner is
      // revoked, the organisation's new account succeeds the winner (the losers' clean-up dropped nothing).
      const again = await system.bureau.post("/v1/participants", { role: "enterprise", name: "again", taxpayerId });
      expect([again.status, again.body.error.code]).to.deep.equal([409, "TAXPAYER_ID_TAKEN"]);
      expect((await system.bureau.get(`/v1/participants/${winner}`)).body).to.include({ taxpayerId, status: "Active" });
      expect((await system.bureau.post(`/v1/participants/${winner}/revoke`)).status).to.equal(200);
      const successor = await system.bureau.post("/v1/participants", { role: "enterprise", name: "深圳市并发注册有限公司", taxpayerId });
      expect(successor.status, JSON.stringify(successor.body)).to.equal(201);
      expect(successor.body.participant.predecessor).to.equal(winner);
    });

    it("an index written before it kept statuses is rebuilt at start, so a revoked party stays refused", async () => {
      const merchant = await organisation("merchant");
      expect((await system.bureau.post(`/v1/participants/${merchant.account}/revoke`)).status).to.equal(200);
      expect((await merchant.client.get("/v1/invoices")).body.error.code).to.equal("PARTICIPANT_REVOKED");
      // The API stopped; its index as an older API wrote it: no layout mark, no statuses.
      const config = system.api.ctx.config;
      const first = system.api;
      await first.close();
      await withEmbeddedDatabase(config.databaseDir, async (client) => {
        expect((await client.query("DELETE FROM participant_status")).rowCount).to.be.greaterThan(0);
        expect((await client.query("DELETE FROM settings WHERE name = 'index.format'")).rowCount).to.equal(1);
      });
      system.api = await startApi(config, pino({ level: "silent" }));
      // Closing the stopped API again does nothing: it must not stop the database server the new one runs on.
      await first.close();
      const refused = await new ApiClient(system.api.url, merchant.client.apiKey).get("/v1/invoices");
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal("PARTICIPANT_REVOKED");
      cast = rebind(cast, system.api.url);
      system.bureau = new ApiClient(system.api.url, system.bureau.apiKey);
    });

    it("a suspended employee keeps reading its invoices and cannot move them", async () => {
      const employer = cast.otherEnterprise;
      const hire = await employer.client.post("/v1/employees", { name: "赵六" });
      const employee = { account: hire.body.participant.account as string, client: employer.client.as(hire.body.apiKey) };
      const invoice = await issued();
      expect((await employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
      expect((await employer.client.post(`/v1/participants/${employee.account}/suspend`)).status).to.equal(200);
      expect((await employee.client.get(`/v1/invoices/${invoice.id}`)).status).to.equal(200);
      const submit = await employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account });
      expect(submit.status).to.equal(403);
      expect(submit.body.error.code).to.equal("PARTICIPANT_SUSPENDED");
    });
  });

  describe("refusals that reveal nothing", () => {
    const same = (a: ApiAnswer, b: ApiAnswer) => {
      expect(a.status, JSON.stringify(a.body)).to.equal(b.status);
      expect(a.body).to.deep.equal(b.body);
    };

    it("acting on another party's invoice reads exactly like an unknown id, on every lifecycle route", async () => {
      const invoice = await issued();
      // Locked by cast.enterprise: every other party's attempts must read as if the id did not exist.
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).status).to.equal(200);
      const attempts: [{ client: ApiClient }, string, unknown][] = [
        [cast.colleague, "transfer", { to: cast.outsider.account }],
        [cast.colleague, "submit", { enterprise: cast.enterprise.account }],
        [cast.outsider, "transfer", { to: cast.colleague.account }],
        [cast.otherEnterprise, "reimburse", undefined],
        [cast.otherEnterprise, "reject", { reason: "wrong-title" }],
        [cast.otherEnterprise, "file", { period: cast.period }],
        [cast.otherEnterprise, "submit", { enterprise: cast.otherEnterprise.account }],
      ];
      for (const [who, action, body] of attempts) {
        const theirs = await who.client.post(`/v1/invoices/${invoice.id}/${action}`, body);
        const unknown = await who.client.post(`/v1/invoices/${unknownId}/${action}`, body);
        expect(theirs.status, `${action}: ${JSON.stringify(theirs.body)}`).to.equal(404);
        same(theirs, unknown);
      }
      const reversal = { reference: ref(), reason: "issue-error" };
      same(await cast.otherMerchant.client.post(`/v1/invoices/${invoice.id}/reversals`, reversal), await cast.otherMerchant.client.post(`/v1/invoices/${unknownId}/reversals`, reversal));
      same(await cast.colleague.client.get(`/v1/invoices/${invoice.id}`), await cast.colleague.client.get(`/v1/invoices/${unknownId}`));
      same(await cast.colleague.client.get(`/v1/invoices/${invoice.id}/trace`), await cast.colleague.client.get(`/v1/invoices/${unknownId}/trace`));
    });

    it("a wrong claim code reads exactly like an unknown id", async () => {
      const invoice = await issued();
      const wrongCode = `0x${"11".repeat(32)}`;
      same(await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: wrongCode }), await cast.employee.client.post(`/v1/invoices/${unknownId}/claim`, { claimCode: wrongCode }));
    });

    it("someone else's credit note reads exactly like an unknown one", async () => {
      const invoice = await issued();
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).status).to.equal(200);
      expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).status).to.equal(200);
      const note = await cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "sales-return" });
      expect(note.status, JSON.stringify(note.body)).to.equal(201);
      const unknownNote = `0x${"cd".repeat(32)}`;
      for (const action of ["confirm", "cancel"]) {
        same(await cast.otherEnterprise.client.post(`/v1/credit-notes/${note.body.creditNote.id}/${action}`), await cast.otherEnterprise.client.post(`/v1/credit-notes/${unknownNote}/${action}`));
      }
      same(await cast.otherMerchant.client.post(`/v1/credit-notes/${note.body.creditNote.id}/cancel`), await cast.otherMerchant.client.post(`/v1/credit-notes/${unknownNote}/cancel`));
      same(await cast.otherEnterprise.client.get(`/v1/credit-notes/${note.body.creditNote.id}`), await cast.otherEnterprise.client.get(`/v1/credit-notes/${unknownNote}`));
    });
  });
});

describe("API trust: an API without the ledger node's admin token", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  before(async () => {
    // As if the operator had not given the API the token: the node treats it as any anonymous caller.
    system = await startSystem({ adminTokenFile: "/nonexistent/admin.token" });
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  it("issues a batch beyond the node's anonymous gas cap (its gas is fixed by its size, nothing is simulated), and says so to the operator (502 LEDGER_GAS_CAP, not retryable) when explaining a refusal needs more", async () => {
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const small = await cast.merchant.client.post("/v1/invoices", invoiceBody("cap-1", buyer));
    expect(small.status, JSON.stringify(small.body)).to.equal(201);
    // 20 invoices need ~1.1M gas: more than the 500,000 the node gives an anonymous eth_call or eth_estimateGas.
    const issued = await cast.merchant.client.post("/v1/invoices/batch", { invoices: Array.from({ length: 20 }, (_, i) => invoiceBody(`cap-batch-${i}`, buyer)) });
    expect(issued.status, JSON.stringify(issued.body).slice(0, 300)).to.equal(201);
    // Refused in its block (beyond the quota), the batch is explained by a call, which the anonymous cap stops.
    const used = 21n * BigInt(small.body.invoice.total);
    expect((await system.bureau.put(`/v1/merchants/${cast.merchant.account}/quotas/${cast.period}`, { granted: (used + 5_000n).toString() })).status).to.equal(200);
    const refused = await cast.merchant.client.post("/v1/invoices/batch", { invoices: Array.from({ length: 20 }, (_, i) => invoiceBody(`cap-refused-${i}`, buyer)) });
    expect([refused.status, refused.body.error?.code, refused.headers.get("retry-after")], JSON.stringify(refused.body)).to.deep.equal([502, "LEDGER_GAS_CAP", null]);
    const listed = await cast.merchant.client.get("/v1/invoices?limit=100");
    expect(listed.body.invoices).to.have.length(21);
  });
});
