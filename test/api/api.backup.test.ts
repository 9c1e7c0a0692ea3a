import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

import { ApiClient, expectStatus, type ApiAnswer } from "../../scripts/lib/api-client";
import { bureauClient, startApiProcess, type ApiProcess } from "../../scripts/lib/api-process";
import { invoiceBody, type DemoBuyer } from "../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { RealProcesses } from "./helpers/processes";
import { registerCast } from "./helpers/system";
import { builtProgram } from "../../scripts/lib/built-program";

const run = promisify(execFile);
const backupCommand = (command: "backup" | "restore", flag: string, dir: string, dataDir: string, rpcUrl?: string) =>
  run(process.execPath, [builtProgram("scripts/system-backup"), command, flag, dir, ...(rpcUrl === undefined ? [] : ["--rpc-url", rpcUrl])], { env: { ...process.env, LEDGER_DATA_DIR: dataDir } });

/**
 * The restore drill: a whole-system backup taken while merchants issue, restored on a fresh data directory
 * (with only the secrets that the backup leaves out copied over): every invoice acknowledged before the
 * backup comes back with its document and claim code, every API key and party key works, every seal has its
 * document, and nothing issued after the backup is there.
 */
describe("whole-system backup and restore", function () {
  this.timeout(300_000);
  let system: RealProcesses;
  const dirs: string[] = [];
  let restoredNode: NodeProcess | undefined;
  let restoredApi: ApiProcess | undefined;

  before(async () => {
    system = await RealProcesses.start({ LOG_LEVEL: "warn" });
  });
  after(async () => {
    await restoredApi?.stop();
    await restoredNode?.stop();
    await system?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("restores, on another data directory, everything acknowledged before the backup, taken while issuing", async () => {
    const cast = await registerCast(system.bureau());
    const buyer: DemoBuyer = { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const merchant = cast.merchant.client;
    const before: ApiAnswer[] = [];
    for (let i = 0; i < 4; i++) {
      const issued = expectStatus(await merchant.post("/v1/invoices", invoiceBody(`before-${i}`, buyer)), 201, "issue");
      before.push(await merchant.get(`/v1/invoices/${issued.invoice.id}`));
    }

    // Issuing goes on while the backup is taken.
    let loading = true;
    let n = 0;
    const load = (async () => {
      while (loading) await cast.otherMerchant.client.post("/v1/invoices", invoiceBody(`during-${n++}`, buyer));
    })();
    const backupDir = join(mkdtempSync(join(tmpdir(), "system-backup-")), "backup");
    dirs.push(backupDir, join(backupDir, ".."));
    const { stdout } = await backupCommand("backup", "--to", backupDir, system.dataDir, system.node.url);
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).to.have.property("backup", backupDir);
    loading = false;
    await load;
    const after = expectStatus(await merchant.post("/v1/invoices", invoiceBody("after-backup", buyer)), 201, "issue after");

    // A fresh data directory with only the secrets the backup leaves out.
    const fresh = freshDataDir();
    dirs.push(fresh);
    mkdirSync(join(fresh, "api"), { recursive: true });
    for (const file of ["authority.key", "admin.token", join("api", "master.key"), join("api", "bureau-api-key")]) copyFileSync(join(system.dataDir, file), join(fresh, file));
    await backupCommand("restore", "--from", backupDir, fresh);

    restoredNode = await startNodeProcess(fresh, {}, 2);
    restoredApi = await startApiProcess(fresh, restoredNode.url);
    const restored = new ApiClient(restoredApi.url, merchant.apiKey);
    // The index is rebuilt from the restored chain at this start.
    let health = await new ApiClient(restoredApi.url).get("/health");
    for (let i = 0; i < 100 && !(health.status === 200 && health.body.index.indexedBlock >= health.body.chain.block); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = await new ApiClient(restoredApi.url).get("/health");
    }
    expect([health.status, health.body.index.missingDocuments], JSON.stringify(health.body)).to.deep.equal([200, 0]);
    for (const original of before) {
      const read = await restored.get(`/v1/invoices/${original.body.id}`);
      expect(read.body, original.body.id).to.deep.equal(original.body);
    }
    expect((await restored.get(`/v1/invoices/${after.invoice.id}`)).status).to.equal(404);
    // Every API key works, and the merchant's party key still signs.
    const listed = await bureauClient(restoredApi).get("/v1/participants");
    expect(listed.status, JSON.stringify(listed.body)).to.equal(200);
    expect((await new ApiClient(restoredApi.url, cast.employee.client.apiKey).get("/v1/invoices")).status).to.equal(200);
    expect((await restored.post("/v1/invoices", invoiceBody("after-restore", buyer))).status).to.equal(201);
  });
});
