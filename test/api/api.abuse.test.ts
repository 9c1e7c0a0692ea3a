import { expect } from "chai";

import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Abuse (OWASP API Security Top 10, 2023): object-level authorisation (BOLA), mass assignment, re-targeted
 * claim codes and rate limits. Whatever comes in, every refusal carries a machine-readable code, and what was
 * stored before is unchanged. (Function-level authorisation is the matrix in api.authorization.test.ts;
 * malformed JSON and oversized bodies are in the route tests; the schema-aware fuzzing of every route, as
 * every role, is api.fuzz.test.ts; the named validation regressions are api.validation.test.ts.)
 */
describe("API abuse", function () {
  this.timeout(600_000);
  let system: TestSystem;
  let cast: Cast;
  let invoice: { id: string; number: string; checkCode: string; total: string; claimCode: string };
  let unclaimed: typeof invoice;
  let run = 0;
  const ref = () => `abuse-${Date.now().toString(36)}-${run++}`;
  const buyer = () => ({ type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId });

  const expectRefusal = (answer: ApiAnswer, status: number, what: string) => {
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.equal(status);
    expect(answer.body?.error?.code, what).to.match(/^[A-Z_]+$/);
    expect(answer.body.error.message, what).to.be.a("string").and.not.be.empty;
  };

  before(async () => {
    system = await startSystem({ verifyRatePerMinute: 40 });
    cast = await registerCast(system.bureau);
    const issue = async () => {
      const answer = await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return answer.body.invoice as typeof invoice;
    };
    invoice = await issue();
    unclaimed = await issue();
    expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
  });
  after(async () => system?.close());

  it("reads every other party's objects as 404 and changes nothing (BOLA)", async () => {
    const before = (await system.bureau.get(`/v1/invoices/${invoice.id}`)).body;
    const employeeKeys = (await cast.employee.client.get("/v1/api-keys")).body.keys as { keyId: string }[];
    const attempts: [string, ApiClient, string, string, unknown?][] = [
      ["another merchant reads it", cast.otherMerchant.client, "GET", `/v1/invoices/${invoice.id}`],
      ["another merchant traces it", cast.otherMerchant.client, "GET", `/v1/invoices/${invoice.id}/trace`],
      ["another merchant reverses it", cast.otherMerchant.client, "POST", `/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "issue-error" }],
      ["a colleague reads the employee's invoice", cast.colleague.client, "GET", `/v1/invoices/${invoice.id}`],
      ["a colleague submits it", cast.colleague.client, "POST", `/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }],
      ["a colleague transfers it to himself", cast.colleague.client, "POST", `/v1/invoices/${invoice.id}/transfer`, { to: cast.colleague.account }],
      ["another enterprise's employee reads it", cast.outsider.client, "GET", `/v1/invoices/${invoice.id}`],
      ["another enterprise reads it", cast.otherEnterprise.client, "GET", `/v1/invoices/${invoice.id}`],
      ["another enterprise reads the employee", cast.otherEnterprise.client, "GET", `/v1/participants/${cast.employee.account}`],
      ["another merchant reads the merchant's quota", cast.otherMerchant.client, "GET", `/v1/merchants/${cast.merchant.account}/quotas/${cast.period}`],
      ["a colleague revokes the employee's API key", cast.colleague.client, "DELETE", `/v1/api-keys/${employeeKeys[0]!.keyId}`],
    ];
    for (const [what, client, method, path, body] of attempts) expectRefusal(await client.request(method, path, body), 404, what);
    expect((await system.bureau.get(`/v1/invoices/${invoice.id}`)).body).to.deep.equal(before);
    expect((await cast.employee.client.get("/v1/api-keys")).body.keys).to.deep.equal(employeeKeys);
  });

  it("refuses fields a client may not set (mass assignment), naming them", async () => {
    const attempts: [string, ApiClient, string, unknown][] = [
      ["an invoice with its own state", cast.merchant.client, "/v1/invoices", { ...invoiceBody(ref(), buyer()), state: "Reimbursed" }],
      ["an invoice in another seller's name", cast.merchant.client, "/v1/invoices", { ...invoiceBody(ref(), buyer()), seller: cast.otherMerchant.account }],
      ["a buyer with an ID number", cast.merchant.client, "/v1/invoices", { ...invoiceBody(ref(), buyer()), buyer: { type: "individual", name: "张三", idNumber: "440301199001011234" } }],
      ["a participant registered as bureau", system.bureau, "/v1/participants", { role: "bureau", name: "x", taxpayerId: randomTaxpayerId() }],
      ["a participant with its own account", system.bureau, "/v1/participants", { role: "merchant", name: "x", taxpayerId: randomTaxpayerId(), account: cast.merchant.account }],
      ["an employee of another enterprise", cast.enterprise.client, "/v1/employees", { name: "赵六", employer: cast.otherEnterprise.account }],
    ];
    const count = (await system.bureau.get("/v1/invoices?limit=500")).body.invoices.length;
    for (const [what, client, path, body] of attempts) {
      const answer = await client.post(path, body);
      expectRefusal(answer, 400, what);
      expect(answer.body.error.code, what).to.equal("VALIDATION_FAILED");
    }
    expect((await system.bureau.get("/v1/invoices?limit=500")).body.invoices).to.have.length(count);
  });

  it("refuses a claim code used on another invoice, or used twice", async () => {
    // The claim code is the key that signs the EIP-712 claim: re-targeted at another invoice it does not match that invoice's seal.
    expectRefusal(await cast.colleague.client.post(`/v1/invoices/${unclaimed.id}/claim`, { claimCode: invoice.claimCode }), 404, "re-targeted claim code");
    expectRefusal(await cast.colleague.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }), 409, "replayed claim code");
    expect((await system.bureau.get(`/v1/invoices/${unclaimed.id}`)).body.state).to.equal("Issued");
  });

  it("limits the public verify routes per client address with 429", async () => {
    const anyone = new ApiClient(system.api.url);
    const path = `/v1/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${invoice.total}`;
    const answers = await Promise.all(Array.from({ length: 60 }, () => anyone.get(path)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).to.be.at.most(40);
    const limited = answers.find((a) => a.status === 429)!;
    expectRefusal(limited, 429, "over the verify rate");
    expect(limited.body.error.code).to.equal("RATE_LIMITED");
    expect(limited.headers.get("retry-after")).to.match(/^\d+$/);
    // The public verification page (what QR codes open) draws on the same budget of the same address.
    const page = await anyone.get(`/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${invoice.total}`);
    expect(page.status).to.equal(429);
    expect(page.body.error.code).to.equal("RATE_LIMITED");
  });
});
