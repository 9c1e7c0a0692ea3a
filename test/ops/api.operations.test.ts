import { readFileSync, rmSync } from "node:fs";
import { Writable } from "node:stream";

import { expect } from "chai";

import { startApi, type RunningApi } from "../../api/api-server";
import { ApiClient } from "../../scripts/lib/api-client";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { createLogger } from "../../lib/logger";
import { registerCast, testApiConfig, type Cast } from "../api/helpers/system";

/**
 * What an operator sees of a running API: a Request-Id on every answer, the request's context on every log
 * line written while serving it (never a secret), business figures in /metrics, and /docs that work over plain
 * HTTP behind any host name.
 */
describe("operations: request ids, log context, business metrics, /docs behind any host", function () {
  this.timeout(300_000);
  const lines: Record<string, unknown>[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  let dataDir: string;
  let node: NodeProcess;
  let api: RunningApi;
  let bureau: ApiClient;
  let cast: Cast;

  before(async () => {
    dataDir = freshDataDir();
    node = await startNodeProcess(dataDir, {}, 2);
    api = await startApi(testApiConfig(dataDir, node.url), createLogger("api", "debug", capture));
    bureau = new ApiClient(api.url, readFileSync(api.bureauKeyFile, "utf8").trim());
    cast = await registerCast(bureau);
  });
  after(async () => {
    await api?.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers every request with a Request-Id, keeping a well-formed one the client sent", async () => {
    const anonymous = new ApiClient(api.url);
    for (const answer of [await bureau.get("/v1/participants"), await anonymous.get("/v1/participants"), await anonymous.get("/no/such/route"), await anonymous.get("/health")]) {
      expect(answer.headers.get("request-id")).to.match(/^[0-9a-f-]{36}$/);
    }
    const ids = new Set([(await anonymous.get("/health")).headers.get("request-id"), (await anonymous.get("/health")).headers.get("request-id")]);
    expect(ids.size).to.equal(2);
    expect((await anonymous.request("GET", "/health", undefined, { "request-id": "shop-42.order-7" })).headers.get("request-id")).to.equal("shop-42.order-7");
    expect((await anonymous.request("GET", "/health", undefined, { "x-request-id": "erp:batch:9" })).headers.get("request-id")).to.equal("erp:batch:9");
    // Not kept: spaces (a forged log line), too long.
    for (const bad of ["two words", "x".repeat(129)]) {
      const id = (await anonymous.request("GET", "/health", undefined, { "request-id": bad })).headers.get("request-id");
      expect(id).to.not.equal(bad);
      expect(id).to.match(/^[0-9a-f-]{36}$/);
    }
  });

  it("puts the request id, the acting party, its role, the route and the error code on the request's log lines, and no key", async () => {
    const issued = await cast.merchant.client.post("/v1/invoices", invoiceBody("ops-log-1", { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }));
    expect(issued.status).to.equal(201);
    // Reimbursing an invoice that was never submitted is refused.
    const refused = await cast.enterprise.client.request("POST", `/v1/invoices/${issued.body.invoice.id}/reimburse`, undefined, { "request-id": "audit-me-1" });
    expect(refused.status).to.be.within(400, 499);
    const code = refused.body.error.code as string;
    const mine = lines.filter((line) => line.reqId === "audit-me-1");
    expect(mine.length, "log lines of the refused request").to.be.greaterThan(0);
    const completion = mine.find((line) => (line.res as { statusCode?: number } | undefined)?.statusCode === refused.status);
    expect(completion, JSON.stringify(mine)).to.not.equal(undefined);
    expect(completion).to.include({ party: cast.enterprise.account, role: "enterprise", route: "POST /v1/invoices/{id}/reimburse", code });
    const everything = JSON.stringify(lines);
    for (const secret of [cast.enterprise.client.apiKey, cast.merchant.client.apiKey, bureau.apiKey]) expect(everything).to.not.include(secret);
  });

  it("counts invoices issued, lifecycle actions and refusals by code in /metrics", async () => {
    const metric = async (name: string, labels: string) => {
      const text = (await new ApiClient(api.url).get("/metrics")).body as string;
      const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}{${labels}}`));
      return line === undefined ? 0 : Number(line.split(" ").pop());
    };
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const phases = ["store", "queue", "send", "block", "index"] as const;
    const phaseCounts = async () => Object.fromEntries(await Promise.all(phases.map(async (phase) => [phase, await metric("api_issue_phase_seconds_count", `phase="${phase}"`)] as const)));
    const phasesBefore = await phaseCounts();
    const before = { single: await metric("api_invoices_issued_total", 'channel="single"'), batch: await metric("api_invoices_issued_total", 'channel="batch"'), batches: await metric("api_lifecycle_actions_total", 'action="issue-batch"') };
    const single = invoiceBody("ops-metrics-1", buyer);
    expect((await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "ops-metrics-1" })).status).to.equal(201);
    // A replay of the same request is not a second invoice.
    expect((await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "ops-metrics-1" })).status).to.equal(201);
    expect((await cast.merchant.client.post("/v1/invoices/batch", { invoices: ["ops-metrics-2", "ops-metrics-3", "ops-metrics-4"].map((ref) => invoiceBody(ref, buyer)) })).status).to.equal(201);
    expect(await metric("api_invoices_issued_total", 'channel="single"')).to.equal(before.single + 1);
    expect(await metric("api_invoices_issued_total", 'channel="batch"')).to.equal(before.batch + 3);
    expect(await metric("api_lifecycle_actions_total", 'action="issue-batch"')).to.equal(before.batches + 1);
    // Where their time went, one observation per invoice issued and phase: the queue is the single request's
    // (a batch request is its own transaction); a replay stores nothing and sends nothing.
    const phasesAfter = await phaseCounts();
    expect(Object.fromEntries(phases.map((phase) => [phase, phasesAfter[phase]! - phasesBefore[phase]!]))).to.deep.equal({ store: 4, queue: 1, send: 4, block: 4, index: 4 });
    const refusalsBefore = await metric("api_refusals_total", 'code="UNAUTHENTICATED",status="401"');
    expect((await new ApiClient(api.url, "not-a-key").get("/v1/participants")).status).to.equal(401);
    expect(await metric("api_refusals_total", 'code="UNAUTHENTICATED",status="401"')).to.equal(refusalsBefore + 1);
  });

  it("serves /docs over plain HTTP behind any host name: no HSTS, no upgrade-insecure-requests", async () => {
    for (const path of ["/docs/", "/openapi.json", "/health"]) {
      const answer = await fetch(`${api.url}${path}`, { headers: { host: "ledger.bureau.example:8080", "x-forwarded-proto": "http" } });
      expect(answer.status, path).to.equal(200);
      expect(answer.headers.get("strict-transport-security"), path).to.equal(null);
      expect(answer.headers.get("content-security-policy") ?? "", path).to.not.include("upgrade-insecure-requests");
    }
  });
});
