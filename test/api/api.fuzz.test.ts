import { expect } from "chai";

import { ApiClient } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { fuzzApi, type FuzzWorld, type Role } from "./fuzz/api-fuzzer";
import { catalogueRoutes } from "./fuzz/route-catalogue";
import { registerCast, startSystem, type TestSystem } from "./helpers/system";

/**
 * Schema-aware fuzzing of every route of the OpenAPI document, as every role that may call it, with
 * values derived from the routes' own zod schemas (test/api/fuzz). A fixed seed and a size that keeps this
 * under about a minute in `npm test`; `npm run test:fuzz -- --runs 200 --seed random` runs it larger
 * (FUZZ_RUNS requests per route and role, FUZZ_SEED).
 */
describe("API fuzz (schema-aware)", function () {
  this.timeout(3_600_000);
  const runs = Number(process.env.FUZZ_RUNS ?? 30);
  const seed = Number(process.env.FUZZ_SEED ?? 20261125);
  let system: TestSystem;
  let world: FuzzWorld;
  let known: { id: string; number: string }[];

  before(async () => {
    system = await startSystem({ verifyRatePerMinute: 1_000_000, apiRatePerMinute: 1_000_000 });
    const cast = await registerCast(system.bureau, (2n ** 64n - 1n).toString());
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const ok = async (answer: Promise<{ status: number; body: any }>, status: number) => {
      const { status: got, body } = await answer;
      expect(got, JSON.stringify(body)).to.equal(status);
      return body;
    };
    const issue = async () => (await ok(cast.merchant.client.post("/v1/invoices", invoiceBody(`fz-setup-${Date.now()}-${Math.random()}`, buyer)), 201)).invoice as { id: string; number: string; claimCode: string };
    // Invoices in several states: claimed, unclaimed, locked by the enterprise, and one partly reversed.
    const claimed = await issue();
    await ok(cast.employee.client.post(`/v1/invoices/${claimed.id}/claim`, { claimCode: claimed.claimCode }), 200);
    const unclaimed = await issue();
    const locked = await issue();
    await ok(cast.employee.client.post(`/v1/invoices/${locked.id}/claim`, { claimCode: locked.claimCode }), 200);
    await ok(cast.employee.client.post(`/v1/invoices/${locked.id}/submit`, { enterprise: cast.enterprise.account }), 200);
    const reversed = await issue();
    const note = (await ok(cast.merchant.client.post(`/v1/invoices/${reversed.id}/reversals`, { reference: `fz-note-${Date.now()}`, reason: "discount", total: "100", tax: "6" }), 201)).creditNote as { id: string };
    const documentFile = (await ok(cast.merchant.client.get(`/v1/invoices/${claimed.id}`), 200)).document;
    // Participants the fuzz may suspend, reinstate and revoke, and a merchant whose quota it may set.
    const sacrificialMerchant = (await ok(system.bureau.post("/v1/participants", { role: "merchant", name: "深圳市模糊测试有限公司", taxpayerId: randomTaxpayerId() }), 201)).participant.account as string;
    const sacrificialEmployees: string[] = [];
    for (const name of ["模糊一", "模糊二"]) sacrificialEmployees.push((await ok(cast.enterprise.client.post("/v1/employees", { name }), 201)).participant.account);
    const clients: Record<Role, ApiClient> = { bureau: system.bureau, merchant: cast.merchant.client, enterprise: cast.enterprise.client, individual: cast.employee.client };
    const keyIds: string[] = [];
    for (const client of Object.values(clients)) keyIds.push((await ok(client.post("/v1/api-keys", { label: "fuzz" }), 201)).info.keyId);
    known = [claimed, unclaimed, locked, reversed];
    world = {
      baseUrl: system.api.url,
      keys: { bureau: system.bureau.apiKey!, merchant: cast.merchant.client.apiKey!, enterprise: cast.enterprise.client.apiKey!, individual: cast.employee.client.apiKey! },
      period: cast.period,
      accounts: [cast.merchant, cast.otherMerchant, cast.enterprise, cast.otherEnterprise, cast.employee, cast.colleague, cast.outsider].map((p) => p.account),
      buyerTaxpayerId: cast.enterprise.taxpayerId,
      buyerName: cast.enterprise.name,
      invoiceIds: known.map((i) => i.id),
      creditNoteIds: [note.id],
      claimCodes: [unclaimed.claimCode, claimed.claimCode],
      documentFiles: [documentFile],
      sacrificial: { byBureau: [sacrificialMerchant], byEnterprise: sacrificialEmployees, merchants: [sacrificialMerchant, cast.otherMerchant.account] },
      keyIds,
    };
  });
  after(async () => system?.close());

  it("covers every route of the OpenAPI document with the schemas the route parses", async () => {
    const document = (await new ApiClient(system.api.url).get("/openapi.json")).body as { paths: Record<string, Record<string, { "x-roles"?: string[]; security?: unknown }>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, op]) => `${method} ${path} ${op.security === undefined ? "public" : (op["x-roles"] ?? []).join(",")}`));
    const catalogued = catalogueRoutes().map((r) => `${r.method} ${r.path} ${r.roles === "public" ? "public" : r.roles.join(",")}`);
    expect(catalogued.sort()).to.deep.equal(documented.sort());
  });

  it("answers every route, as every role, with a coded 4xx or a success and never a 5xx; what its schema refuses is a 400", async () => {
    const started = Date.now();
    const report = await fuzzApi(world, catalogueRoutes(), { runs, seed });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`      fuzz: ${report.requests} requests in ${seconds} s (runs ${runs} per route and role, seed ${seed}); statuses ${JSON.stringify(report.byStatus)}; ${report.invalidRefused} invalid inputs refused, ${report.validAccepted} valid ones succeeded`);
    if (process.env.FUZZ_VERBOSE) for (const [route, statuses] of Object.entries(report.byRoute)) console.log(`        ${route}: ${JSON.stringify(statuses)}`);
    expect(report.invalidRefused, "the fuzz reaches validation").to.be.greaterThan(report.requests / 10);
    expect(report.validAccepted, "some fuzzed requests get through to the services").to.be.greaterThan(runs);
    // Nothing crashed: the API and the node still answer, and the invoices are still there.
    expect((await new ApiClient(system.api.url).get("/health")).status).to.equal(200);
    for (const invoice of known) expect((await system.bureau.get(`/v1/invoices/${invoice.id}`)).body.number).to.equal(invoice.number);
  });
});
