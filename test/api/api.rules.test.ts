import { expect } from "chai";

import { ApiClient } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type Org, type Person, type TestSystem } from "./helpers/system";
import { verdictOf } from "./helpers/verdict";

/**
 * Business rules through the API against a real ledger node: the filing period, credit notes verified by their
 * printed number, public verification that reveals no more than it was given, the bureau's ways out for invoices
 * stranded with a suspended or revoked party, and re-registration of a revoked organisation's taxpayer ID.
 */
describe("API business rules", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  let run = 0;
  const ref = () => `rule-${Date.now().toString(36)}-${run++}`;
  const anyone = () => new ApiClient(system.api.url);

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  type InvoiceAnswer = { id: string; number: string; checkCode: string; total: string; claimCode: string };

  async function ok(answer: Promise<{ status: number; body: any }>, status = 200): Promise<any> {
    const { status: actual, body } = await answer;
    expect(actual, JSON.stringify(body)).to.equal(status);
    return body;
  }

  /** An enterprise of its own with one employee, so that suspending or revoking it leaves the cast alone. */
  async function freshEnterprise(): Promise<{ enterprise: Org; employee: Person }> {
    const name = `深圳市规则测试${run++}有限公司`;
    const body = await ok(system.bureau.post("/v1/participants", { role: "enterprise", name, taxpayerId: randomTaxpayerId() }), 201);
    const enterprise: Org = { account: body.participant.account, taxpayerId: body.participant.taxpayerId, name, client: system.bureau.as(body.apiKey) };
    const hired = await ok(enterprise.client.post("/v1/employees", { name: "赵六" }), 201);
    return { enterprise, employee: { account: hired.participant.account, client: enterprise.client.as(hired.apiKey) } };
  }

  /** Issued by the cast's merchant to `enterprise` (or to an individual), claimed and submitted by `employee`. */
  async function lockedAt(enterprise: Org, employee: Person, buyer: "organisation" | "individual" = "organisation"): Promise<InvoiceAnswer> {
    const to = buyer === "organisation" ? { type: "organisation" as const, name: enterprise.name, taxpayerId: enterprise.taxpayerId } : { type: "individual" as const, name: "赵六" };
    const invoice = (await ok(cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), to)), 201)).invoice as InvoiceAnswer;
    await ok(employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    await ok(employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: enterprise.account }));
    return invoice;
  }

  async function reimbursedAt(enterprise: Org, employee: Person): Promise<InvoiceAnswer> {
    const invoice = await lockedAt(enterprise, employee);
    await ok(enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`));
    return invoice;
  }

  describe("filing period", () => {
    it("refuses a period before the invoice was issued with 422 FILING_PERIOD_OUT_OF_RANGE and both bounds", async () => {
      const invoice = await reimbursedAt(cast.enterprise, cast.employee);
      const refused = await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: 202001 });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(422);
      expect(refused.body.error.code).to.equal("FILING_PERIOD_OUT_OF_RANGE");
      expect(refused.body.error.details).to.include({ period: "202001", earliest: String(cast.period), latest: String(cast.period) });
      const filed = await ok(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: cast.period }));
      expect(filed).to.include({ state: "Filed", filedPeriod: cast.period });
    });
  });

  describe("public verification", () => {
    it("verifies a credit note by its printed number, check code and total, saying what it is and its status", async () => {
      const invoice = await reimbursedAt(cast.enterprise, cast.employee);
      const reversal = await ok(cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "discount", total: "1060", tax: "60" }), 201);
      const note = reversal.creditNote as { id: string; number: string; checkCode: string; total: string };
      const byNumber = (total: string) => anyone().get(`/v1/verify?number=${note.number}&checkCode=${note.checkCode}&total=${total}`);
      expect(verdictOf(await ok(byNumber(note.total)))).to.deep.equal({ authentic: true, state: "Reimbursed", kind: "credit-note", creditNoteStatus: "Pending" });
      await ok(cast.enterprise.client.post(`/v1/credit-notes/${note.id}/confirm`));
      expect(verdictOf(await ok(byNumber(note.total)))).to.deep.equal({ authentic: true, state: "Reimbursed", kind: "credit-note", creditNoteStatus: "Effective" });
      expect(verdictOf(await ok(byNumber("1061")))).to.deep.equal({ authentic: false, state: null });
      // The invoice itself still verifies, as an invoice.
      expect(verdictOf(await ok(anyone().get(`/v1/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${invoice.total}`))))
        .to.deep.equal({ authentic: true, state: "Reimbursed", kind: "invoice" });
    });

    it("answers an unknown id exactly as a wrong document: nothing tells which ids exist", async () => {
      const invoice = (await ok(cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), { type: "individual", name: "游客" })), 201)).invoice as InvoiceAnswer;
      const file = (await ok(cast.merchant.client.get(`/v1/invoices/${invoice.id}`))).document;
      const altered = JSON.parse(JSON.stringify(file));
      altered.document.items[0].name = "另一种服务";
      const unknownId = { ...file, id: `0x${"ab".repeat(32)}` };
      const wrong = await anyone().post("/v1/verify/document", altered);
      const unknown = await anyone().post("/v1/verify/document", unknownId);
      expect([unknown.status, unknown.body]).to.deep.equal([wrong.status, wrong.body]);
      expect(verdictOf(unknown.body)).to.deep.equal({ authentic: false, state: null, mismatch: "document" });
      expect(verdictOf(await ok(anyone().post("/v1/verify/document", file)))).to.deep.equal({ authentic: true, state: "Issued", kind: "invoice" });
    });
  });

  describe("stranded invoices: the bureau's ways out", () => {
    it("releases an invoice locked by a suspended enterprise; its holder submits it elsewhere", async () => {
      const { enterprise, employee } = await freshEnterprise();
      const invoice = await lockedAt(enterprise, employee, "individual");
      const early = await system.bureau.post(`/v1/invoices/${invoice.id}/release`);
      expect([early.status, early.body.error.code]).to.deep.equal([409, "PARTY_ACTIVE"]);
      expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/release`)).status).to.equal(403);
      await ok(system.bureau.post(`/v1/participants/${enterprise.account}/suspend`));
      const released = await ok(system.bureau.post(`/v1/invoices/${invoice.id}/release`));
      expect(released).to.include({ state: "Issued", enterprise: null, holder: employee.account });
      await ok(employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }));
      expect(await ok(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`))).to.include({ state: "Reimbursed" });
      const trace = await ok(system.bureau.get(`/v1/invoices/${invoice.id}/trace`));
      expect((trace.events as { type: string; actor: string }[]).find((e) => e.type === "InvoiceReleased")).to.include({ actor: (await bureauAccount()) });
    });

    it("reassigns an invoice whose holder was revoked to another employee", async () => {
      const { enterprise, employee } = await freshEnterprise();
      const colleague = await ok(enterprise.client.post("/v1/employees", { name: "钱七" }), 201);
      const invoice = (await ok(cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), { type: "individual", name: "赵六" })), 201)).invoice as InvoiceAnswer;
      await ok(employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
      const early = await system.bureau.post(`/v1/invoices/${invoice.id}/reassign`, { to: colleague.participant.account });
      expect([early.status, early.body.error.code]).to.deep.equal([409, "PARTY_ACTIVE"]);
      await ok(enterprise.client.post(`/v1/participants/${employee.account}/revoke`));
      const toMerchant = await system.bureau.post(`/v1/invoices/${invoice.id}/reassign`, { to: cast.merchant.account });
      expect([toMerchant.status, toMerchant.body.error.code]).to.deep.equal([422, "INVALID_RECIPIENT"]);
      const reassigned = await ok(system.bureau.post(`/v1/invoices/${invoice.id}/reassign`, { to: colleague.participant.account }));
      expect(reassigned.holder).to.equal(colleague.participant.account);
      const newHolder = enterprise.client.as(colleague.apiKey);
      expect(await ok(newHolder.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: enterprise.account }))).to.include({ state: "Locked" });
    });

    it("confirms a pending credit note for a revoked enterprise", async () => {
      const { enterprise, employee } = await freshEnterprise();
      const invoice = await reimbursedAt(enterprise, employee);
      const reversal = await ok(cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "sales-return" }), 201);
      const noteId = reversal.creditNote.id as string;
      const early = await system.bureau.post(`/v1/credit-notes/${noteId}/settle`, { outcome: "confirm" });
      expect([early.status, early.body.error.code]).to.deep.equal([409, "PARTY_ACTIVE"]);
      const notTheSeller = await system.bureau.post(`/v1/credit-notes/${noteId}/settle`, { outcome: "cancel" });
      expect([notTheSeller.status, notTheSeller.body.error.code]).to.deep.equal([409, "PARTY_ACTIVE"]);
      await ok(system.bureau.post(`/v1/participants/${enterprise.account}/revoke`));
      expect(await ok(system.bureau.post(`/v1/credit-notes/${noteId}/settle`, { outcome: "confirm" }))).to.include({ status: "Effective" });
      expect(await ok(cast.merchant.client.get(`/v1/invoices/${invoice.id}`))).to.include({ state: "Reversed", reversalPending: false });
      expect((await system.bureau.post(`/v1/credit-notes/${noteId}/settle`, { outcome: "later" })).status).to.equal(400);
    });
  });

  describe("participants", () => {
    it("registers a revoked organisation's taxpayer ID again, as a new account; the old one stays readable as revoked", async () => {
      const taxpayerId = randomTaxpayerId();
      const first = await ok(system.bureau.post("/v1/participants", { role: "merchant", name: "深圳市旧账户有限公司", taxpayerId }), 201);
      const old = first.participant.account as string;
      const taken = await system.bureau.post("/v1/participants", { role: "merchant", name: "again", taxpayerId });
      expect([taken.status, taken.body.error.code]).to.deep.equal([409, "TAXPAYER_ID_TAKEN"]);
      await ok(system.bureau.post(`/v1/participants/${old}/revoke`));
      const again = await ok(system.bureau.post("/v1/participants", { role: "merchant", name: "深圳市旧账户有限公司", taxpayerId }), 201);
      expect(again.participant.account).to.not.equal(old);
      expect(again.participant).to.include({ taxpayerId, predecessor: old, role: "merchant" });
      expect(await ok(system.bureau.get(`/v1/participants/${old}`))).to.include({ account: old, status: "Revoked", taxpayerId });
      expect(await ok(system.bureau.get(`/v1/participants/${again.participant.account}`))).to.include({ status: "Active" });
      // The new account works: its key reads its quota, and the old key is refused.
      const merchant = system.bureau.as(again.apiKey);
      expect((await merchant.get(`/v1/merchants/${again.participant.account}/quotas/${cast.period}`)).status).to.equal(200);
      expect((await system.bureau.as(first.apiKey).get("/v1/invoices")).body.error.code).to.equal("PARTICIPANT_REVOKED");
    });
  });

  describe("listing participants", () => {
    type Listed = { account: string; name: string; role: string; taxpayerId?: string; employer?: string; status: string | null };
    const list = async (client: ApiClient, query: Record<string, string>): Promise<Listed[]> => (await ok(client.get(`/v1/participants?${new URLSearchParams(query)}`))).participants;
    const accounts = (listed: Listed[]) => listed.map((p) => p.account);
    const byAccount = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);

    it("narrows by registry status and by a search text (part of the name, the start of a taxpayer ID or account), each only narrowing", async () => {
      const token = `筛选${Date.now().toString(36)}`;
      const register = async (name: string) => (await ok(system.bureau.post("/v1/participants", { role: "merchant", name, taxpayerId: randomTaxpayerId() }), 201)).participant as Listed;
      const active = await register(`深圳市${token}餐饮有限公司`);
      const suspended = await register(`深圳市${token}酒店有限公司`);
      const literal = await register(`深圳市${token}折扣50%_有限公司`);
      // Answered once indexed, with every block before it: the three registrations' statuses are in the index too.
      await ok(system.bureau.post(`/v1/participants/${suspended.account}/suspend`));
      const mine = [active, suspended, literal].map((p) => p.account).sort(byAccount);

      expect(accounts(await list(system.bureau, { q: token }))).to.deep.equal(mine);
      expect(accounts(await list(system.bureau, { q: token, role: "merchant", limit: "500" }))).to.deep.equal(mine);
      expect(await list(system.bureau, { q: token, role: "enterprise" })).to.deep.equal([]);
      expect(accounts(await list(system.bureau, { q: token, status: "Suspended" }))).to.deep.equal([suspended.account]);
      expect(accounts(await list(system.bureau, { q: token, status: "Active" }))).to.deep.equal(mine.filter((a) => a !== suspended.account));
      expect(await list(system.bureau, { q: token, status: "Revoked" })).to.deep.equal([]);
      for (const p of await list(system.bureau, { status: "Suspended", limit: "500" })) expect(p.status, p.account).to.equal("Suspended");
      // Paged by account, the filters kept.
      const first = await list(system.bureau, { q: token, limit: "2" });
      expect([...accounts(first), ...accounts(await list(system.bureau, { q: token, limit: "2", after: first[1]!.account }))]).to.deep.equal(mine);

      // A taxpayer ID, whole or its start, in either case; an account's start, in either case.
      expect(accounts(await list(system.bureau, { q: active.taxpayerId! }))).to.deep.equal([active.account]);
      expect(accounts(await list(system.bureau, { q: active.taxpayerId!.slice(0, 17).toLowerCase() }))).to.include(active.account);
      for (const prefix of [active.account.slice(0, 14), active.account.slice(0, 14).toLowerCase(), active.account.toUpperCase().replace("0X", "0x")]) {
        const found = await list(system.bureau, { q: prefix, limit: "500" });
        expect(accounts(found), prefix).to.include(active.account);
        for (const p of found) expect(p.account.toLowerCase().startsWith(prefix.toLowerCase()) || p.name.includes(prefix), `${prefix}: ${p.account}`).to.equal(true);
      }
      // % and _ are themselves, not wildcards; case-insensitive in Latin letters.
      expect(accounts(await list(system.bureau, { q: `${token}折扣50%_` }))).to.deep.equal([literal.account]);
      for (const wildcard of ["%", "_", "50%_"]) {
        const found = await list(system.bureau, { q: wildcard, limit: "500" });
        expect(accounts(found), wildcard).to.include(literal.account);
        for (const p of found) expect(p.name.includes(wildcard) || (p.taxpayerId ?? "").startsWith(wildcard), `${wildcard}: ${p.name}`).to.equal(true);
      }
      expect(accounts(await list(system.bureau, { q: token.toUpperCase() }))).to.deep.equal(mine);
      expect(await list(system.bureau, { q: `${token}不存在` })).to.deep.equal([]);
    });

    it("shows an enterprise only its own employees, whatever it searches for", async () => {
      const { enterprise, employee } = await freshEnterprise();
      const other = await freshEnterprise();
      // Both enterprises have an employee named 赵六: each finds its own.
      expect(accounts(await list(enterprise.client, { q: "赵六" }))).to.deep.equal([employee.account]);
      expect(accounts(await list(other.enterprise.client, { q: "赵六" }))).to.deep.equal([other.employee.account]);
      expect(accounts(await list(system.bureau, { q: "赵六", limit: "500" }))).to.include.members([employee.account, other.employee.account]);
      expect(accounts(await list(enterprise.client, { q: employee.account.slice(0, 12) }))).to.deep.equal([employee.account]);
      // Another's people, merchants, organisations, the bureau: nothing, by name, taxpayer ID or account.
      for (const q of [other.employee.account, other.employee.account.slice(0, 12), cast.employee.account, "张三", cast.merchant.taxpayerId, cast.merchant.account, "深圳市", "Tax bureau", "%", "_"]) {
        expect(await list(enterprise.client, { q }), q).to.deep.equal([]);
      }
      // By status: the other enterprise suspends its employee (answered once indexed, with every block before it).
      await ok(other.enterprise.client.post(`/v1/participants/${other.employee.account}/suspend`));
      expect(accounts(await list(enterprise.client, { status: "Active" }))).to.deep.equal([employee.account]);
      expect(await list(enterprise.client, { status: "Suspended" })).to.deep.equal([]);
      expect(accounts(await list(other.enterprise.client, { status: "Suspended" }))).to.deep.equal([other.employee.account]);
      await ok(enterprise.client.post(`/v1/participants/${employee.account}/suspend`));
      expect(accounts(await list(enterprise.client, { status: "Suspended" }))).to.deep.equal([employee.account]);
      expect(await list(enterprise.client, { status: "Active" })).to.deep.equal([]);
      // Only the bureau and enterprises list participants.
      expect((await cast.merchant.client.get(`/v1/participants?q=${encodeURIComponent("赵六")}`)).status).to.equal(403);
    });

    it("refuses invalid filters with the field", async () => {
      for (const [query, path] of [
        ["status=active", "status"],
        ["status=Unknown", "status"],
        ["status=Active&status=Suspended", "status"],
        ["q=", "q"],
        ["q=%20%20", "q"],
        [`q=${"长".repeat(101)}`, "q"],
        ["q=a&q=b", "q"],
        ["query=x", ""],
      ] as const) {
        const answer = await system.bureau.get(`/v1/participants?${query}`);
        expect([answer.status, answer.body.error?.code], query).to.deep.equal([400, "VALIDATION_FAILED"]);
        expect(answer.body.error.details.issues.map((i: { path: string }) => i.path), query).to.include(path);
      }
      const nul = await system.bureau.get("/v1/participants?q=a%00b");
      expect([nul.status, nul.body.error?.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
      // The longest text is taken.
      expect((await system.bureau.get(`/v1/participants?q=${encodeURIComponent("长".repeat(100))}`)).status).to.equal(200);
    });
  });

  async function bureauAccount(): Promise<string> {
    const list = await ok(system.bureau.get("/v1/participants?role=bureau"));
    return (list.participants as { account: string }[])[0]!.account;
  }
});
