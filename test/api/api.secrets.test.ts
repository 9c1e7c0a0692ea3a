import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import pino from "pino";

import { startApi, type RunningApi } from "../../api/api-server";
import { ApiClient, expectStatus } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { scanDatabase, scanFiles } from "./helpers/privacy-scan";
import { testApiConfig } from "./helpers/system";
import { periodOf } from "../../api/domain/tax-period";
import { rmSync } from "node:fs";

/**
 * Secrets the API hands out (API keys of registration and of POST /v1/api-keys, claim codes in issue answers)
 * are never at rest in plaintext in idempotency answers, though a replay with the same Idempotency-Key still
 * returns them to the caller who lost the first answer; and wrong API keys are rate limited per address
 * without locking out the keys that work from there.
 */
describe("secrets in stored answers, and failed authentications", function () {
  this.timeout(300_000);
  let dataDir: string;
  let node: NodeProcess;
  let api: RunningApi;
  let bureau: ApiClient;

  const start = async () => {
    api = await startApi(testApiConfig(dataDir, node.url), pino({ level: "silent" }));
    bureau = new ApiClient(api.url, readFileSync(api.bureauKeyFile, "utf8").trim());
  };

  before(async () => {
    dataDir = freshDataDir();
    node = await startNodeProcess(dataDir, {}, 2);
    await start();
  });
  after(async () => {
    await api?.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps no plaintext secret in idempotency answers, and a replay still returns it to the same caller", async () => {
    const registration = { role: "merchant", name: "深圳市测试餐饮有限公司", taxpayerId: randomTaxpayerId() };
    const registered = expectStatus(await bureau.post("/v1/participants", registration, { "idempotency-key": "register-1" }), 201, "register");
    const replayed = await bureau.post("/v1/participants", registration, { "idempotency-key": "register-1" });
    expect(replayed.headers.get("idempotent-replayed")).to.equal("true");
    expect(replayed.body).to.deep.equal(registered);
    const merchant = bureau.as(registered.apiKey);
    expectStatus(await bureau.put(`/v1/merchants/${registered.participant.account}/quotas/${periodOf(new Date())}`, { granted: "1000000000" }), 200, "quota");

    const enterprise = expectStatus(await bureau.post("/v1/participants", { role: "enterprise", name: "深圳市测试科技有限公司", taxpayerId: randomTaxpayerId() }, { "idempotency-key": "register-2" }), 201, "enterprise");
    const employee = expectStatus(await bureau.as(enterprise.apiKey).post("/v1/employees", { name: "张三" }, { "idempotency-key": "employee-1" }), 201, "employee");

    const newKey = expectStatus(await merchant.post("/v1/api-keys", { label: "till 2" }, { "idempotency-key": "key-1" }), 201, "api key");
    const newKeyAgain = await merchant.post("/v1/api-keys", { label: "till 2" }, { "idempotency-key": "key-1" });
    expect(newKeyAgain.body).to.deep.equal(newKey); // the same key, not a second one
    expect((await merchant.get("/v1/api-keys")).body.keys).to.have.length(2);
    expect((await bureau.as(newKey.apiKey).get("/v1/api-keys")).status).to.equal(200);

    const issued = expectStatus(await merchant.post("/v1/invoices", invoiceBody(`secret-${Date.now()}`, { type: "individual", name: "陈小明" }), { "idempotency-key": "issue-1" }), 201, "issue");
    expect(issued.invoice.claimCode).to.match(/^0x[0-9a-f]{64}$/);

    const secrets = [registered.apiKey, enterprise.apiKey, employee.apiKey, newKey.apiKey];
    await api.close();
    try {
      const databaseDir = join(dataDir, "postgres");
      // Every row as the database returns it, and the raw bytes of every file of its cluster (tables, WAL).
      expect((await scanDatabase(databaseDir, secrets)).hits).to.deep.equal([]);
      expect(scanFiles(databaseDir, secrets)).to.deep.equal([]);
      // The claim code is sealed wherever it is kept: in its idempotency record like the keys, and in the
      // invoice's document record (the code is a private key: whoever reads it can claim the invoice).
      const claimCode = issued.invoice.claimCode.slice(2);
      expect((await scanDatabase(databaseDir, [claimCode])).hits).to.deep.equal([]);
      expect(scanFiles(databaseDir, [claimCode, Buffer.from(claimCode, "hex").toString("latin1")])).to.deep.equal([]);
    } finally {
      await start();
    }
    // After a restart the replay still answers with the secret, sealed at rest and opened for its caller.
    const afterRestart = await bureau.as(registered.apiKey).post("/v1/api-keys", { label: "till 2" }, { "idempotency-key": "key-1" });
    expect(afterRestart.body).to.deep.equal(newKey);
    // The seller still reads the claim code to print it, opened from its sealed record.
    expect((await bureau.as(registered.apiKey).get(`/v1/invoices/${issued.invoice.id}`)).body.claimCode).to.equal(issued.invoice.claimCode);
  });

  it("answers 429 RATE_LIMITED with Retry-After after 20 wrong keys from one address, while a key that works from there keeps working", async () => {
    const registered = expectStatus(await bureau.post("/v1/participants", { role: "enterprise", name: "深圳市测试贸易有限公司", taxpayerId: randomTaxpayerId() }), 201, "register");
    const good = bureau.as(registered.apiKey);
    expect((await good.get("/v1/api-keys")).status).to.equal(200);
    for (let i = 0; i < 20; i++) {
      const wrong = await bureau.as(`eil_${i.toString(16).padStart(12, "0")}_guessed`).get("/v1/invoices");
      expect(wrong.status, `guess ${i}`).to.equal(401);
    }
    const limited = await bureau.as("eil_000000000000_one-more").get("/v1/invoices");
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).to.be.within(1, 60);
    // Keys that worked from this address are not locked out by someone guessing there; no key at all is a 401 as ever.
    expect((await good.get("/v1/api-keys")).status).to.equal(200);
    expect((await bureau.get("/v1/participants")).status).to.equal(200);
    expect((await new ApiClient(api.url).get("/v1/invoices")).status).to.equal(401);
  });
});
