import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

import { ApiClient } from "../../scripts/lib/api-client";
import { builtProgram } from "../../scripts/lib/built-program";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { scanChain, scanDatabase, scanLevelDb } from "./helpers/privacy-scan";
import { RealProcesses } from "./helpers/processes";
import { registerCast } from "./helpers/system";

const run = promisify(execFile);

/**
 * The whole story over HTTP against the real processes, started the way `npm start` starts them; then both
 * are killed with SIGKILL, restarted on the same data, and every answer must be the same.
 */
describe("end to end: the story over HTTP, then kill -9 and restart", function () {
  this.timeout(600_000);
  let system: RealProcesses;

  before(async () => {
    system = await RealProcesses.start();
  });
  after(async () => system?.close());

  it("issues, claims, reimburses once, files, reverses, verifies and traces; all of it survives SIGKILL", async () => {
    const bureau = system.bureau();
    const cast = await registerCast(bureau);
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };

    // The merchant issues one invoice and a batch, each retried with its Idempotency-Key (as after a time-out).
    const single = invoiceBody("order-1001", buyer, { quantity: 3, unitPrice: 5_800 });
    const first = await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "order-1001-try" });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const retried = await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "order-1001-try" });
    expect(retried.body).to.deep.equal(first.body);
    const batchBody = { invoices: ["order-1002", "order-1003", "order-1004"].map((ref) => invoiceBody(ref, buyer)) };
    const batch = await cast.merchant.client.post("/v1/invoices/batch", batchBody, { "idempotency-key": "batch-7" });
    expect(batch.status).to.equal(201);
    expect((await cast.merchant.client.post("/v1/invoices/batch", batchBody, { "idempotency-key": "batch-7" })).body).to.deep.equal(batch.body);
    const invoice = first.body.invoice;
    const other = batch.body.results[0].invoice;
    // A taxi ride for a private person: the document carries a name, a phone number and an ID number.
    const privateBuyer = { type: "individual" as const, name: "陈小明" };
    const ride = { ...invoiceBody("ride-88", privateBuyer), remarks: "联系电话 13912345678 身份证 440301199003077654" };
    expect((await cast.merchant.client.post("/v1/invoices", ride)).status).to.equal(201);
    const personalData = ["陈小明", "13912345678", "440301199003077654", "张三", "李四", "王五"];

    // The employee claims it with the printed claim code and submits it to the employer.
    expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
    expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).body.state).to.equal("Locked");
    // A second enterprise tries to reimburse the same invoice: refused.
    const stranger = await cast.otherEnterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`);
    expect(stranger.status).to.equal(404);
    // The right enterprise reimburses and files; nobody can reimburse it again, here or elsewhere.
    expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).body.state).to.equal("Reimbursed");
    expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).status).to.equal(409);
    expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.otherEnterprise.account })).status).to.be.oneOf([404, 409, 422]);
    expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: cast.period })).body.state).to.equal("Filed");

    // The merchant reverses another invoice with a red-letter credit note.
    const reversal = await cast.merchant.client.post(`/v1/invoices/${other.id}/reversals`, { reference: "refund-1003", reason: "sales-return" });
    expect(reversal.status).to.equal(201);
    expect(reversal.body.invoice.state).to.equal("Reversed");

    // Anyone verifies; the bureau traces.
    const anyone = new ApiClient(system.api.url);
    const verifyPath = `/v1/verify?number=${invoice.number}&checkCode=${invoice.checkCode}&total=${invoice.total}`;
    expect((await anyone.get(verifyPath)).body).to.deep.equal({ authentic: true, state: "Filed", kind: "invoice" });
    const file = (await cast.employee.client.get(`/v1/invoices/${invoice.id}`)).body.document;
    expect((await anyone.post("/v1/verify/document", file)).body).to.deep.equal({ authentic: true, state: "Filed", kind: "invoice" });
    const trace = await bureau.get(`/v1/invoices/${invoice.id}/trace`);
    expect(trace.body.events.map((e: { type: string }) => e.type)).to.deep.equal(["InvoiceIssued", "InvoiceClaimed", "InvoiceSubmitted", "InvoiceReimbursed", "InvoiceFiled"]);
    expect(trace.body.events.map((e: { actor: string }) => e.actor)).to.deep.equal([cast.merchant.account, cast.employee.account, cast.employee.account, cast.enterprise.account, cast.enterprise.account]);

    const answers = async () => ({
      invoice: (await bureau.get(`/v1/invoices/${invoice.id}`)).body,
      other: (await cast.merchant.client.get(`/v1/invoices/${other.id}`)).body,
      trace: (await bureau.get(`/v1/invoices/${invoice.id}/trace`)).body,
      reversedTrace: (await bureau.get(`/v1/invoices/${other.id}/trace`)).body,
      all: (await bureau.get("/v1/invoices?limit=500")).body,
      employees: (await cast.enterprise.client.get("/v1/participants")).body,
      totals: (await bureau.get("/v1/reports/totals")).body,
      verify: (await anyone.get(verifyPath)).body,
      document: (await anyone.post("/v1/verify/document", file)).body,
      retried: (await cast.merchant.client.post("/v1/invoices", single, { "idempotency-key": "order-1001-try" })).body,
    });
    const before = await answers();

    // Privacy: no personal data in any transaction input, any event, or the chain's own store.
    const onChain = await scanChain(system.node.url, personalData);
    expect(onChain.transactions).to.be.greaterThan(15);
    expect(onChain.hits).to.deep.equal([]);

    await system.api.kill();
    await system.node.kill();
    const chainStore = await scanLevelDb(join(system.dataDir, "chain"), personalData);
    expect(chainStore.entries).to.be.greaterThan(20);
    expect(chainStore.hits).to.deep.equal([]);
    // The scan can see personal data where it is meant to be: in the API's private database.
    const apiStore = await scanDatabase(join(system.dataDir, "postgres"), personalData);
    expect(new Set(apiStore.hits.map((h) => h.needle))).to.deep.equal(new Set(personalData));
    await system.restartNode();
    // The index is derived: rebuild it from the chain with the one command, then start the API on it.
    const { stdout } = await run(process.execPath, [builtProgram("api/reindex"), "--rpc-url", system.node.url], { env: { ...process.env, LEDGER_DATA_DIR: system.dataDir } });
    const rebuilt = JSON.parse(stdout.trim().split("\n").pop()!) as { events: number };
    expect(rebuilt.events).to.equal(7 + 2 + 5 + 4 + 1); // registrations, quotas, issues, claim..file, reversal
    await system.restartApi(); // on the same ports: the clients keep their address

    const after = await answers();
    expect(after).to.deep.equal(before);
    expect(before.all.invoices).to.have.length(5);
  });
});
