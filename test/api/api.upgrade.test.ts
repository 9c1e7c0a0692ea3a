import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import { FetchRequest, JsonRpcProvider, NonceManager, Wallet } from "ethers";
import pino from "pino";

import { startEmbeddedServer } from "../../api/db/embedded-server";
import { ApiClient } from "../../scripts/lib/api-client";
import { bureauClient, startApiProcess, type ApiProcess } from "../../scripts/lib/api-process";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import type { LedgerDeployment } from "../../lib/deploy-ledger";
import { executeScheduled, scheduleImplementation } from "../../scripts/deploy/upgrade-ledger";
import { InvoiceLedgerV2__factory } from "../../typechain-types";
import { startRefused } from "./helpers/api-data";
import { registerCast } from "./helpers/system";
import { verdictOf } from "./helpers/verdict";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
/** Seconds a scheduled upgrade waits on this chain: long enough for `execute` to be started (and refused) within it. */
const UPGRADE_DELAY = 12;

/** What `npm run upgrade -- <command> --json` prints, as far as this test reads it. */
interface CliAnswer {
  exitCode: number;
  json: {
    error?: { code: string };
    contracts?: { contract: string; status: string }[];
    steps?: { contract: string; action: string; implementation: string | null; readyAt: number | null; matchesBuild: boolean | null }[];
  };
}

/**
 * The bureau upgrades the contracts of a running system, with the real processes: a ledger (the test successor
 * InvoiceLedgerV2) that this build of the API was not made for makes a restarted API refuse to start (exit 8,
 * CONTRACTS_MISMATCH) and the node report the mismatch without refusing anything; `npm run upgrade` brings the chain
 * back to this build, refusing to execute before the delay; then the API starts, every invoice of before still
 * verifies and traces with its history, and numbering goes on.
 */
describe("upgrades of a running system: the API refuses other contracts, npm run upgrade brings the chain to this build", function () {
  this.timeout(600_000);
  let dataDir: string;
  let node: NodeProcess;
  let api: ApiProcess | undefined;

  before(async () => {
    dataDir = freshDataDir();
    node = await startNodeProcess(dataDir, { LEDGER_UPGRADE_DELAY: String(UPGRADE_DELAY) }, 5);
    api = await startApiProcess(dataDir, node.url);
  });
  after(async () => {
    await api?.kill();
    await node?.kill();
    // A killed API leaves its embedded server running: stopped here.
    await (await startEmbeddedServer(join(dataDir, "postgres"), pino({ level: "silent" }))).stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const file = (name: string) => readFileSync(join(dataDir, name), "utf8").trim();
  const health = async () => (await (await fetch(`${node.url}/health`)).json()) as { contracts: { matchesBuild: boolean; contracts: { contract: string; status: string; implementation: string }[] } };
  const upgradeCli = async (command: string): Promise<CliAnswer> => {
    const args = ["run", "--silent", "upgrade", "--", command, "--json", "--data-dir", dataDir, "--rpc-url", node.url];
    try {
      const { stdout } = await run("npm", args, { cwd: ROOT, env: { ...process.env, LEDGER_RPC_TOKEN: file("admin.token") } });
      return { exitCode: 0, json: JSON.parse(stdout) as CliAnswer["json"] };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string };
      if (typeof failed.code !== "number" || failed.stdout === undefined) throw error;
      return { exitCode: failed.code, json: JSON.parse(failed.stdout) as CliAnswer["json"] };
    }
  };

  it("refuses to run the API on a ledger of other code, and runs it again once npm run upgrade brought this build back", async () => {
    // The story before: invoices issued, one claimed and reimbursed.
    const cast = await registerCast(bureauClient(api!));
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const issued: { id: string; number: string; checkCode: string; total: string; claimCode: string }[] = [];
    for (const reference of ["upgrade-1", "upgrade-2"]) {
      const answer = await cast.merchant.client.post("/v1/invoices", invoiceBody(reference, buyer));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      issued.push(answer.body.invoice as (typeof issued)[number]);
    }
    const [claimed, unclaimed] = issued as [(typeof issued)[number], (typeof issued)[number]];
    expect((await cast.employee.client.post(`/v1/invoices/${claimed.id}/claim`, { claimCode: claimed.claimCode })).status).to.equal(200);
    expect((await cast.employee.client.post(`/v1/invoices/${claimed.id}/submit`, { enterprise: cast.enterprise.account })).status).to.equal(200);
    expect((await cast.enterprise.client.post(`/v1/invoices/${claimed.id}/reimburse`)).body.state).to.equal("Reimbursed");
    // The API comes back on its port, so that the parties' clients keep their address.
    const port = Number(new URL(api!.url).port);
    const bureau = () => bureauClient(api!);
    const anyone = () => new ApiClient(api!.url);
    // Without the block each answer reflects (asOfBlock): the upgrade adds blocks.
    const answers = async () => ({
      verified: await Promise.all(issued.map(async (i) => verdictOf((await anyone().get(`/v1/verify?number=${i.number}&checkCode=${i.checkCode}&total=${i.total}`)).body))),
      traces: await Promise.all(issued.map(async (i) => verdictOf((await bureau().get(`/v1/invoices/${i.id}/trace`)).body))),
    });
    const before = await answers();
    expect(before.verified.map((v) => v.state)).to.deep.equal(["Reimbursed", "Issued"]);
    expect(before.traces[0]!.events.map((e: { type: string }) => e.type)).to.deep.equal(["InvoiceIssued", "InvoiceClaimed", "InvoiceSubmitted", "InvoiceReimbursed"]);
    expect((await health()).contracts.matchesBuild).to.equal(true);
    await api!.stop();
    api = undefined;

    // The bureau upgrades the ledger to other code (the test successor), with the steps the CLI is made of.
    const deployment = JSON.parse(file("deployment.json")) as LedgerDeployment;
    const request = new FetchRequest(node.url);
    request.setHeader("authorization", `Bearer ${file("admin.token")}`);
    const provider = new JsonRpcProvider(request, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const signer = new NonceManager(new Wallet(file("authority.key"), provider));
      const successor = await new InvoiceLedgerV2__factory(signer).deploy(deployment.registry, deployment.forwarder);
      await successor.waitForDeployment();
      const { readyAt } = await scheduleImplementation(signer, deployment.ledger, await successor.getAddress());
      await sleepUntil(readyAt + 1);
      const executed = await executeScheduled({ provider, signer, deployment, contracts: ["InvoiceLedger"] });
      expect(executed.steps.map((s) => [s.action, s.implementation, s.matchesBuild])).to.deep.equal([["executed", await successor.getAddress(), false]]);
    } finally {
      provider.destroy();
    }

    // The API of this build refuses to start on it; the node serves on and reports it.
    expect(await startRefused(dataDir, node.url)).to.deep.equal({ exitCode: 8, code: "CONTRACTS_MISMATCH" });
    const mismatch = (await health()).contracts;
    expect(mismatch.matchesBuild).to.equal(false);
    expect(mismatch.contracts.map((c) => [c.contract, c.status])).to.deep.equal([["LedgerForwarder", "match"], ["ParticipantRegistry", "match"], ["InvoiceLedger", "differs"]]);
    const status = await upgradeCli("status");
    expect(status.exitCode).to.equal(8);
    expect(status.json.contracts?.find((c) => c.contract === "InvoiceLedger")?.status).to.equal("differs");

    // Back to this build: scheduled, refused before the delay, executed after it.
    const scheduled = await upgradeCli("schedule");
    expect(scheduled.exitCode, JSON.stringify(scheduled.json)).to.equal(0);
    expect(scheduled.json.steps?.map((s) => [s.contract, s.action])).to.deep.equal([["ParticipantRegistry", "unchanged"], ["InvoiceLedger", "scheduled"]]);
    const early = await upgradeCli("execute");
    expect(early.exitCode, JSON.stringify(early.json)).to.equal(3);
    expect(early.json.error?.code).to.equal("NOT_READY");
    expect((await health()).contracts.matchesBuild).to.equal(false);
    await sleepUntil(scheduled.json.steps![1]!.readyAt! + 1);
    const executed = await upgradeCli("execute");
    expect(executed.exitCode, JSON.stringify(executed.json)).to.equal(0);
    expect(executed.json.steps?.map((s) => [s.action, s.matchesBuild])).to.deep.equal([["executed", true]]);
    expect((await health()).contracts.matchesBuild).to.equal(true);

    // The API starts; every invoice of before verifies and traces as before, and numbering goes on.
    api = await startApiProcess(dataDir, node.url, {}, { port });
    expect(await answers()).to.deep.equal(before);
    const next = await cast.merchant.client.post("/v1/invoices", invoiceBody("upgrade-3", buyer));
    expect(next.status, JSON.stringify(next.body)).to.equal(201);
    expect(BigInt(next.body.invoice.number)).to.equal(BigInt(unclaimed.number) + 1n);
    expect((await cast.employee.client.post(`/v1/invoices/${unclaimed.id}/claim`, { claimCode: unclaimed.claimCode })).status).to.equal(200);
  });
});

async function sleepUntil(seconds: number): Promise<void> {
  const wait = seconds * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
