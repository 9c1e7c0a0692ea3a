import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { periodOf } from "../../api/domain/tax-period";
import { ApiClient } from "../../scripts/lib/api-client";
import { builtProgram } from "../../scripts/lib/built-program";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { npmStart } from "./helpers/npm-start";
import { processesMentioning, waitUntil } from "./helpers/processes-of";

/**
 * A production install as the README gives it: the build (dist/, bin/, the package files) in a clean
 * directory, `npm ci --omit=dev` (no Hardhat, no TypeScript, no compiler), `npm start`, one invoice issued
 * and verified, SIGTERM. Nothing in it may need a development dependency.
 */
describe("operations: a production install runs the build without development dependencies", function () {
  this.timeout(900_000);
  const root = join(__dirname, "..", "..");
  let target: string;

  before(() => {
    builtProgram("scripts/start"); // builds dist/ when it is missing or stale
    target = mkdtempSync(join(tmpdir(), "ledger-production-"));
    chmodSync(target, 0o755); // the embedded PostgreSQL server (user postgres, when we are root) must reach its data
    for (const entry of ["dist", "bin", "package.json", "package-lock.json"]) cpSync(join(root, entry), join(target, entry), { recursive: true });
    // npm's own cache (filled by the development install) is all it reads; nothing is built.
    execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: target, stdio: "ignore", timeout: 600_000 });
  });
  after(() => {
    if (target !== undefined) rmSync(target, { recursive: true, force: true });
  });

  it("has no development dependency and no source to compile", () => {
    for (const dev of ["hardhat", "typescript", "ts-node", "solc", "@openzeppelin/contracts", "mocha"]) expect(existsSync(join(target, "node_modules", dev)), dev).to.equal(false);
    expect(existsSync(join(target, "api"))).to.equal(false);
    expect(JSON.parse(readFileSync(join(target, "dist", "build-info.json"), "utf8"))).to.have.property("sourceDigest");
  });

  it("starts with npm start, issues and verifies an invoice, and stops on SIGTERM", async () => {
    const dataDir = join(target, "data");
    const started = await npmStart(target, ["--rpc-port", "0", "--api-port", "0"]);
    expect(started.output()).to.match(/is running\./);
    try {
      const bureau = new ApiClient(started.apiUrl, readFileSync(join(dataDir, "api", "bureau-api-key"), "utf8").trim());
      const registered = await bureau.post("/v1/participants", { role: "merchant", name: "深圳市生产测试有限公司", taxpayerId: randomTaxpayerId() });
      expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
      const merchant = bureau.as(registered.body.apiKey as string);
      expect((await bureau.put(`/v1/merchants/${registered.body.participant.account as string}/quotas/${periodOf(new Date())}`, { granted: "100000000" })).status).to.equal(200);
      const issued = await merchant.post("/v1/invoices", invoiceBody("prod-1", { type: "individual", name: "王小二" }));
      expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
      const { number, checkCode, total } = issued.body.invoice as { number: string; checkCode: string; total: string };
      const verified = await new ApiClient(started.apiUrl).get(`/v1/verify?number=${number}&checkCode=${checkCode}&total=${total}`);
      expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
      expect(verified.body).to.include({ authentic: true, state: "Issued" });
      // The web console is in the build: its page and the script it loads, with no Vite installed.
      const page = await fetch(`${started.apiUrl}/console/`);
      expect(page.status).to.equal(200);
      const html = await page.text();
      const script = /<script type="module" crossorigin src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).to.be.a("string");
      const bundle = await fetch(`${started.apiUrl}${script!}`);
      expect(bundle.status).to.equal(200);
      expect(bundle.headers.get("content-type")).to.match(/javascript/);
      expect(existsSync(join(target, "node_modules", "vite"))).to.equal(false);
    } finally {
      started.child.kill("SIGTERM");
    }
    expect(await started.exited).to.equal(0);
    expect(await waitUntil(() => processesMentioning(dataDir).length === 0, 30_000)).to.equal(true);
  });
});
