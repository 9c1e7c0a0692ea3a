import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { periodOf } from "../../api/domain/tax-period";
import { expectStatus } from "../../scripts/lib/api-client";
import { randomTaxpayerId } from "../../scripts/lib/demo-data";
import { createEInvoiceClient } from "../../sdk/src";
import { registerCast, startSystem, type Cast, type TestSystem } from "../api/helpers/system";
import { verdictOf } from "../api/helpers/verdict";

const ROOT = join(__dirname, "..", "..");
const HEADER = "reference,buyer_type,buyer_name,buyer_taxpayer_id,remarks,item_name,specification,unit,quantity,unit_price,amount,tax_rate,tax";

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `einvoice` as a user would (bin/einvoice.js, the built CLI); `whileRunning` may kill it. */
function einvoice(args: string[], env: Record<string, string>, whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "einvoice.js"), ...args], { cwd: ROOT, env: { ...process.env, EINVOICE_API_URL: "", EINVOICE_API_KEY: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    whileRunning?.(child);
  });
}

/** Invoices recorded in a progress file (its whole lines after the header). */
const recordedLines = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").split("\n").slice(1, -1) : []);
const recorded = (path: string) => recordedLines(path).length;

/**
 * The CLI against a real ledger node and API: 10,000 invoices from a CSV through the batch route, the run killed
 * with SIGKILL halfway and resumed, exactly 10,000 invoices on chain afterwards; the refusal summary of a CSV with
 * bad lines; --json; the exit codes.
 */
describe("CLI (einvoice)", function () {
  this.timeout(600_000);
  let system: TestSystem;
  let cast: Cast;
  let dir: string;
  let bulkMerchant: { account: string; apiKey: string };

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
    dir = mkdtempSync(join(tmpdir(), "einvoice-cli-"));
    // A merchant of its own, so that what is on chain for it is only what the CLI issued.
    const body = expectStatus(await system.bureau.post("/v1/participants", { role: "merchant", name: "深圳市批量开票有限公司", taxpayerId: randomTaxpayerId() }), 201, "register");
    expectStatus(await system.bureau.put(`/v1/merchants/${body.participant.account}/quotas/${periodOf(new Date())}`, { granted: "100000000000" }), 200, "quota");
    bulkMerchant = { account: body.participant.account, apiKey: body.apiKey };
  });
  after(async () => {
    await system?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("issues 10,000 invoices from a CSV, killed with SIGKILL halfway and resumed: exactly 10,000 on chain", async () => {
    const orders = join(dir, "orders.csv");
    const lines = [HEADER];
    // Invoices of one or two lines; amount and tax left for the CLI to compute on some.
    for (let i = 1; i <= 10_000; i++) {
      const reference = `ORD-${String(i).padStart(5, "0")}`;
      lines.push(`${reference},individual,顾客${i},,,工作餐,,份,1,${1000 + i},${1000 + i},0,0`);
      if (i % 3 === 0) lines.push(`${reference},,,,,饮料,,瓶,2,300,,13,`);
    }
    writeFileSync(orders, `${lines.join("\n")}\n`);
    const progress = `${orders}.einvoice-progress`;
    const env = { EINVOICE_API_URL: system.api.url, EINVOICE_API_KEY: bulkMerchant.apiKey };

    const killed = await einvoice(["issue", "--from", orders, "--json"], env, (child) => {
      const poll = setInterval(() => {
        if (recorded(progress) >= 5_000) {
          clearInterval(poll);
          child.kill("SIGKILL");
        }
      }, 20);
      child.on("close", () => clearInterval(poll));
    });
    expect(killed.signal, `${killed.stdout}\n${killed.stderr}`).to.equal("SIGKILL");
    const before = recorded(progress);
    expect(before).to.be.within(5_000, 9_999);
    // Each invoice recorded once: no batch was sent twice.
    expect(new Set(recordedLines(progress).map((line) => (JSON.parse(line) as { reference: string }).reference)).size).to.equal(before);

    const resumed = await einvoice(["issue", "--from", orders, "--json"], env);
    expect(resumed.code, resumed.stderr).to.equal(0);
    const summary = JSON.parse(resumed.stdout) as { invoices: number; issued: number; skipped: number; refused: number; replayed: number; perSecond: number };
    expect(summary.invoices).to.equal(10_000);
    expect(summary.refused).to.equal(0);
    // What the progress file had is skipped; the rest (with any batch answered but not yet recorded) is sent.
    expect(summary.skipped).to.equal(before);
    expect(summary.issued + summary.skipped).to.equal(10_000);

    const merchant = createEInvoiceClient({ baseUrl: system.api.url, apiKey: bulkMerchant.apiKey });
    const { totals } = await merchant.getTotals({ query: { merchant: bulkMerchant.account } });
    expect(totals.reduce((sum, row) => sum + ("invoices" in row && typeof row.invoices === "number" ? row.invoices : 0), 0)).to.equal(10_000);
    const page = await merchant.searchInvoices({ query: { reference: "ORD-09999" } });
    expect(page.invoices).to.have.length(1);
    expect(page.invoices[0]!.total).to.equal(String(1000 + 9999 + 600 + 78));

    // A third run finds everything done and sends nothing.
    const again = await einvoice(["issue", "--from", orders, "--json"], env);
    expect(again.code).to.equal(0);
    expect(JSON.parse(again.stdout)).to.include({ issued: 0, skipped: 10_000, refused: 0 });
  });

  it("summarises refused lines by code and exits 4; the good invoices are issued", async () => {
    const orders = join(dir, "bad.csv");
    const apiKey = cast.merchant.client.apiKey!;
    const good = `GOOD-1,organisation,${cast.enterprise.name},${cast.enterprise.taxpayerId},,咨询服务,,次,1,10000,10000,6,600`;
    writeFileSync(join(dir, "first.csv"), `${HEADER}\nTAKEN-1,individual,张三,,,工作餐,,份,1,500,500,0,0\n`);
    expect((await einvoice(["issue", "--from", join(dir, "first.csv")], { EINVOICE_API_URL: system.api.url, EINVOICE_API_KEY: apiKey })).code).to.equal(0);
    writeFileSync(
      orders,
      [
        HEADER,
        good,
        "BAD-RATE,individual,李四,,,工作餐,,份,1,500,500,7,0",
        "BAD-AMOUNT,individual,李四,,,工作餐,,份,2,500,999,0,0",
        "BAD-TAXID,organisation,某公司,91440300MA5DC8LQ0X,,工作餐,,份,1,500,500,0,0",
        "TAKEN-1,individual,张三,,,工作餐,,份,1,600,600,0,0",
        `GOOD-2,individual,王五,,,工作餐,,份,1,700,700,0,0`,
      ].join("\n"),
    );
    const run = await einvoice(["issue", "--from", orders, "--json"], { EINVOICE_API_URL: system.api.url, EINVOICE_API_KEY: apiKey });
    expect(run.code).to.equal(4);
    const summary = JSON.parse(run.stdout) as { issued: number; refused: number; refusalsByCode: Record<string, number>; refusals: { reference: string; code: string; lines: number[] }[] };
    expect(summary.issued).to.equal(2);
    expect(summary.refusalsByCode).to.deep.equal({ INVALID_ROW: 1, VALIDATION_FAILED: 2, DUPLICATE_REFERENCE: 1 });
    expect(summary.refusals.map((r) => [r.reference, r.code, r.lines]).sort()).to.deep.equal(
      [
        ["BAD-AMOUNT", "VALIDATION_FAILED", [4]],
        ["BAD-RATE", "INVALID_ROW", [3]],
        ["BAD-TAXID", "VALIDATION_FAILED", [5]],
        ["TAKEN-1", "DUPLICATE_REFERENCE", [6]],
      ].sort(),
    );
    // A rerun sends only the refused ones again, and they are refused again: the same summary of refusals.
    const rerun = await einvoice(["issue", "--from", orders, "--json"], { EINVOICE_API_URL: system.api.url, EINVOICE_API_KEY: apiKey });
    expect(rerun.code).to.equal(4);
    expect(JSON.parse(rerun.stdout)).to.deep.include({ issued: 0, skipped: 2, refusalsByCode: { INVALID_ROW: 1, VALIDATION_FAILED: 2, DUPLICATE_REFERENCE: 1 } });
  });

  it("answers --json with the API's JSON, and exits with codes that say what happened", async () => {
    const url = system.api.url;
    const merchantKey = cast.merchant.client.apiKey!;
    const keys = await einvoice(["keys", "list", "--json"], { EINVOICE_API_URL: url, EINVOICE_API_KEY: merchantKey });
    expect(keys.code).to.equal(0);
    expect((JSON.parse(keys.stdout) as { keys: { keyId: string }[] }).keys.length).to.be.greaterThanOrEqual(1);

    // Flags win over the environment.
    const created = await einvoice(["--api-url", url, "--api-key", merchantKey, "keys", "create", "--label", "cli test", "--json"], { EINVOICE_API_URL: "http://127.0.0.1:1" });
    expect(created.code).to.equal(0);
    const { apiKey, info } = JSON.parse(created.stdout) as { apiKey: string; info: { keyId: string } };
    expect((await einvoice(["keys", "revoke", info.keyId, "--json"], { EINVOICE_API_URL: url, EINVOICE_API_KEY: merchantKey })).code).to.equal(0);
    // The revoked key: not allowed (7), with the API's code in the JSON error.
    const revoked = await einvoice(["keys", "list", "--json"], { EINVOICE_API_URL: url, EINVOICE_API_KEY: apiKey });
    expect(revoked.code).to.equal(7);
    expect(JSON.parse(revoked.stdout)).to.deep.include({ error: { code: "UNAUTHENTICATED", message: (JSON.parse(revoked.stdout) as { error: { message: string } }).error.message, status: 401, requestId: (JSON.parse(revoked.stdout) as { error: { requestId: string } }).error.requestId } });

    // An invoice: read, exported, verified, refused.
    const merchant = createEInvoiceClient({ baseUrl: url, apiKey: merchantKey });
    const { invoice } = await merchant.issueInvoice({ body: { reference: "CLI-EXPORT-1", buyer: { type: "individual", name: "赵六" }, items: [{ name: "工作餐", quantity: "1", unitPrice: "2500", amount: "2500", taxRate: 0, tax: "0" }] } });
    const pdf = join(dir, "invoice.pdf");
    const exported = await einvoice(["export", invoice.id, "--format", "pdf", "-o", pdf, "--json"], { EINVOICE_API_URL: url, EINVOICE_API_KEY: merchantKey });
    expect(exported.code).to.equal(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).to.equal("%PDF-");
    const ubl = await einvoice(["export", invoice.id, "--format", "ubl", "-o", "-"], { EINVOICE_API_URL: url, EINVOICE_API_KEY: merchantKey });
    expect(ubl.stdout).to.match(/^<\?xml/);
    const number = invoice.printedNumber ?? invoice.number;
    const verified = await einvoice(["verify", number, "--check-code", invoice.checkCode, "--total", "2500", "--json"], { EINVOICE_API_URL: url });
    expect([verified.code, verdictOf(JSON.parse(verified.stdout))]).to.deep.equal([0, { authentic: true, state: "Issued", kind: "invoice" }]);
    const wrongTotal = await einvoice(["verify", number, "--check-code", invoice.checkCode, "--total", "2501", "--json"], { EINVOICE_API_URL: url });
    expect(wrongTotal.code).to.equal(3);
    const called = await einvoice(["call", "getInvoice", "--params", JSON.stringify({ id: invoice.id })], { EINVOICE_API_URL: url, EINVOICE_API_KEY: merchantKey });
    expect([called.code, (JSON.parse(called.stdout) as { id: string }).id]).to.deep.equal([0, invoice.id]);
    // The employee's role may not reimburse (7); an unknown invoice is refused (3).
    const employeeKey = cast.employee.client.apiKey!;
    expect((await einvoice(["reimburse", invoice.id], { EINVOICE_API_URL: url, EINVOICE_API_KEY: employeeKey })).code).to.equal(7);
    const missing = await einvoice(["submit", `0x${"cd".repeat(32)}`, "--enterprise", cast.enterprise.account, "--json"], { EINVOICE_API_URL: url, EINVOICE_API_KEY: employeeKey });
    expect([missing.code, (JSON.parse(missing.stdout) as { error: { code: string } }).error.code]).to.deep.equal([3, "NOT_FOUND"]);

    // Usage (2): no key, an unknown option; unreachable (5); a route this API lacks (6).
    expect((await einvoice(["keys", "list"], { EINVOICE_API_URL: url })).code).to.equal(2);
    expect((await einvoice(["issue", "--nonsense"], {})).code).to.equal(2);
    expect((await einvoice(["keys", "list"], { EINVOICE_API_URL: "http://127.0.0.1:1", EINVOICE_API_KEY: merchantKey })).code).to.equal(5);
    const me = await einvoice(["me", "--json"], { EINVOICE_API_URL: url, EINVOICE_API_KEY: merchantKey });
    // `me` needs GET /v1/me: until the API documents it, the CLI says so (6).
    if (!readFileSync(join(ROOT, "sdk", "src", "generated", "operations.ts"), "utf8").includes('"/v1/me"')) {
      expect([me.code, (JSON.parse(me.stdout) as { error: { code: string } }).error.code]).to.deep.equal([6, "ROUTE_MISSING"]);
    } else {
      expect(me.code).to.equal(0);
    }
    // --help shows an example and exits 0.
    const help = await einvoice(["issue", "--help"], {});
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include("einvoice issue --from");
  });
});
