import { expect } from "chai";
import fc from "fast-check";

import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: "path" | "query" | "header" }[];
  requestBody?: unknown;
}

/**
 * Abuse (OWASP API Security Top 10, 2023): object-level authorisation (BOLA), mass assignment, re-targeted
 * claim codes, rate limits, and property-based fuzzing of every route's body, query and headers. Whatever
 * comes in, the answer is never a 5xx, every refusal carries a machine-readable code, and what was stored
 * before is unchanged. (Function-level authorisation is the matrix in api.authorization.test.ts; malformed
 * JSON and oversized bodies are in the route tests.)
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
  });

  it("answers every route's fuzzed body, query and headers with a coded 4xx or a success, never a 5xx", async () => {
    const document = (await new ApiClient(system.api.url).get("/openapi.json")).body as { paths: Record<string, Record<string, Operation>> };
    const keys = [system.bureau, cast.merchant.client, cast.otherMerchant.client, cast.enterprise.client, cast.employee.client, cast.outsider.client];
    const pathValues: Record<string, string[]> = {
      id: [invoice.id, unclaimed.id, `0x${"00".repeat(32)}`],
      account: [cast.employee.account, cast.otherMerchant.account, "0x000000000000000000000000000000000000dEaD"],
      period: [String(cast.period), "202613", "190001"],
      keyId: ["0123456789ab"],
    };
    const valid: Record<string, () => unknown> = {
      "post /v1/invoices": () => invoiceBody(ref(), buyer()),
      "post /v1/invoices/batch": () => ({ invoices: [invoiceBody(ref(), buyer()), invoiceBody(ref(), buyer())] }),
      "post /v1/participants": () => ({ role: "enterprise", name: "深圳市模糊测试有限公司", taxpayerId: randomTaxpayerId() }),
      "post /v1/employees": () => ({ name: "模糊" }),
      "post /v1/invoices/{id}/claim": () => ({ claimCode: unclaimed.claimCode }),
      "post /v1/invoices/{id}/submit": () => ({ enterprise: cast.enterprise.account }),
      "post /v1/invoices/{id}/transfer": () => ({ to: cast.colleague.account }),
      "post /v1/invoices/{id}/reversals": () => ({ reference: ref(), reason: "discount", total: "100", tax: "6" }),
      "post /v1/verify/document": () => ({ kind: "invoice", version: 1 }),
      "put /v1/merchants/{account}/quotas/{period}": () => ({ granted: "1000" }),
      "post /v1/api-keys": () => ({ label: "fuzz" }),
    };
    const ascii = fc.string({ unit: "grapheme-ascii", maxLength: 40 });
    const json = fc.jsonValue({ maxDepth: 3 });
    // A body: a valid one as it is, anything JSON, a valid body with one field replaced / removed / added, or bytes that are not JSON.
    const body = (validBody: unknown) =>
      fc.oneof(
        { arbitrary: fc.constant({ json: validBody }), weight: 3 },
        json.map((v) => ({ json: v })),
        fc.tuple(fc.string({ maxLength: 12 }), json, fc.boolean()).map(([field, value, remove]) => {
          const base = (typeof validBody === "object" && validBody !== null ? { ...validBody } : {}) as Record<string, unknown>;
          const keys = Object.keys(base);
          const target = keys.length > 0 && field.length % 2 === 0 ? keys[field.length % keys.length]! : field;
          if (remove) delete base[target];
          else base[target] = value;
          return { json: base };
        }),
        fc.string({ maxLength: 60 }).map((raw) => ({ raw })),
      );

    let requests = 0;
    let successes = 0;
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const pathNames = (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        const queryNames = (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
        const validBody = valid[`${method} ${template}`]?.() ?? {};
        const request = fc.record({
          path: fc.tuple(...pathNames.map((name) => fc.oneof({ arbitrary: fc.constantFrom(...(pathValues[name] ?? ["x"])), weight: 3 }, ascii))),
          query: fc.oneof(fc.constant({}), fc.dictionary(fc.oneof(fc.constantFrom(...queryNames, "limit", "after"), ascii), fc.oneof(ascii, fc.integer().map(String)), { maxKeys: 4 })),
          body: body(validBody),
          key: fc.oneof({ arbitrary: fc.constantFrom(...keys.map((k) => k.apiKey!)), weight: 8 }, fc.constant(undefined), ascii),
          contentType: fc.constantFrom("application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"),
          idempotencyKey: fc.option(ascii, { nil: undefined }),
        });
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            let path = template;
            pathNames.forEach((name, i) => (path = path.replace(`{${name}}`, encodeURIComponent(r.path[i]!))));
            const query = new URLSearchParams(r.query).toString();
            const headers: Record<string, string> = { "content-type": r.contentType };
            if (r.key !== undefined) headers.authorization = `Bearer ${r.key}`;
            if (r.idempotencyKey !== undefined) headers["idempotency-key"] = r.idempotencyKey;
            const hasBody = method !== "get" && method !== "delete";
            const payload = hasBody ? ("raw" in r.body ? r.body.raw : JSON.stringify(r.body.json)) : undefined;
            const answer = await new ApiClient(system.api.url).request(method.toUpperCase(), `${path}${query ? `?${query}` : ""}`, payload, headers);
            requests++;
            if (answer.status < 300) successes++;
            expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).to.be.below(500);
            if (answer.status >= 400) expect(answer.body?.error?.code, `${method} ${path}`).to.match(/^[A-Z_]+$/);
          }),
          { numRuns: Number(process.env.FUZZ_RUNS ?? 50), seed: Number(process.env.FUZZ_SEED ?? 20261121) },
        );
      }
    }
    expect(requests).to.be.greaterThan(500);
    expect(successes, "some fuzzed requests get through to the services").to.be.greaterThan(20);
    // Nothing crashed: the API and the node still answer, and the invoices are still there (a fuzzed request
    // with a valid key and body may legitimately have moved them on).
    expect((await new ApiClient(system.api.url).get("/health")).body.status).to.equal("ok");
    for (const known of [invoice, unclaimed]) expect((await system.bureau.get(`/v1/invoices/${known.id}`)).body.number).to.equal(known.number);
  });
});
