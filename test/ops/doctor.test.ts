import { execFile } from "node:child_process";
import { rmSync, statfsSync } from "node:fs";
import { createServer, type Server } from "node:http";

import { expect } from "chai";

import type { SnapshotWriter } from "../../ledger-node/snapshot/snapshot-writer";
import { builtProgram } from "../../scripts/lib/built-program";
import { startApiProcess, type ApiProcess } from "../../scripts/lib/api-process";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { DEFAULT_LIMITS, diagnose } from "../../scripts/doctor/findings";
import type { Observations } from "../../scripts/doctor/observe";

interface Report {
  healthy: boolean;
  findings: { check: string; severity: string; code: string; message: string }[];
}

/**
 * `npm run doctor` on a running system: all well; then the findings an operator must see, each with its code:
 * the API gone, the index lagging behind the chain (an API whose health reports an old index block), a disk
 * nearly full (a threshold above the disk's real free space), an old snapshot.
 */
describe("operations: npm run doctor", function () {
  this.timeout(300_000);
  let dataDir: string;
  let node: NodeProcess;
  let api: ApiProcess;

  before(async () => {
    dataDir = freshDataDir();
    // A snapshot written within a second of the deployment's blocks, so that the doctor reads a real write's time.
    node = await startNodeProcess(dataDir, { LEDGER_SNAPSHOT_MS: "500" }, 2);
    api = await startApiProcess(dataDir, node.url);
  });
  after(async () => {
    await api?.stop();
    await node?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  // Asynchronous, so that a stand-in server in this process can answer the doctor.
  const doctor = (apiUrl: string, extra: string[] = []) =>
    new Promise<{ status: number | null; report: Report }>((resolve) => {
      const child = execFile(process.execPath, [builtProgram("scripts/doctor/doctor"), "--data-dir", dataDir, "--rpc-url", node.url, "--api-url", apiUrl, "--json", ...extra], { encoding: "utf8", timeout: 60_000 }, (_error, stdout) => {
        resolve({ status: child.exitCode, report: JSON.parse(stdout) as Report });
      });
    });
  const codes = (report: Report) => report.findings.map((finding) => finding.code);

  it("finds a running system healthy", async () => {
    const lastWrite = async () => ((await (await fetch(`${node.url}/health`)).json()) as { snapshot: { lastWrite: unknown } }).snapshot.lastWrite;
    for (let waited = 0; (await lastWrite()) === null; waited += 100) {
      if (waited > 20_000) throw new Error("the node wrote no snapshot");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { status, report } = await doctor(api.url);
    expect(status, JSON.stringify(report)).to.equal(0);
    expect(report.healthy).to.equal(true);
    expect(codes(report)).to.include.members(["NODE_OK", "API_OK", "DATABASE_OK", "INDEX_OK", "SNAPSHOT_OK", "DISK_OK"]);
    // The age of the node's last snapshot write, read from its health (it once read as "NaN s ago").
    expect(report.findings.find((finding) => finding.check === "snapshot")!.message).to.match(/written \d+ s ago$/);
  });

  it("says so when the disk is nearly full", async () => {
    const stats = statfsSync(dataDir);
    const free = stats.bavail * stats.bsize;
    const { status, report } = await doctor(api.url, ["--min-free-bytes", String(free + 1024 ** 3)]);
    expect(status).to.equal(1);
    expect(report.findings.find((finding) => finding.check === "disk")).to.include({ severity: "fail", code: "DISK_NEARLY_FULL" });
  });

  it("says so when the API's index lags behind the chain", async () => {
    // An API whose index stopped at block 1 while the chain went on (as its /health would report it).
    const head = Number(BigInt(((await (await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) })).json()) as { result: string }).result));
    const real = (await (await fetch(`${api.url}/health`)).json()) as Record<string, unknown>;
    const lagging: Server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ...real, index: { indexedBlock: 1, headBlock: head, aheadOfChain: false, missingDocuments: 0 } }));
    });
    await new Promise<void>((resolve) => lagging.listen(0, "127.0.0.1", resolve));
    try {
      const { status, report } = await doctor(`http://127.0.0.1:${(lagging.address() as { port: number }).port}`, ["--max-index-lag", String(Math.max(0, head - 2))]);
      expect(status).to.equal(1);
      expect(report.findings.find((finding) => finding.check === "index")).to.include({ severity: "fail", code: "INDEX_LAGGING" });
    } finally {
      lagging.close();
    }
  });

  it("warns of an old snapshot with blocks after it, and not of a new chain without one", () => {
    // The snapshot as the node's /health reports it (its writer's own type).
    const seen = (snapshot: { block: number | null; lastWrite: NonNullable<SnapshotWriter["lastWrite"]> | null }): Observations => ({
      at: Date.parse("2026-11-26T12:00:00Z"),
      node: { ok: true, value: { role: "primary", head: { number: 5_000 }, snapshot } },
      chainHead: { ok: true, value: 5_000 },
      api: { ok: true, value: { status: "ok", chain: { ok: true, block: 5_000 }, index: { indexedBlock: 5_000 }, storage: { status: "ok" } } },
      disk: { ok: true, value: { path: "/data", freeBytes: 100 * 1024 ** 3, totalBytes: 200 * 1024 ** 3 } },
    });
    const where = { rpcUrl: "http://node", apiUrl: "http://api", logs: "/data/logs" };
    const written = (at: string) => ({ block: 1_000, ms: 40, accounts: 5, slots: 1_200, at });
    const old = diagnose(seen({ block: 1_000, lastWrite: written("2026-11-26T09:00:00Z") }), DEFAULT_LIMITS, where);
    expect(old.find((finding) => finding.check === "snapshot")).to.include({ severity: "warn", code: "SNAPSHOT_OLD" });
    const recent = diagnose(seen({ block: 1_000, lastWrite: written("2026-11-26T11:59:50Z") }), DEFAULT_LIMITS, where).find((finding) => finding.check === "snapshot");
    expect(recent).to.include({ severity: "ok", code: "SNAPSHOT_OK" });
    expect(recent!.message).to.contain("written 10 s ago");
    const fresh = diagnose(seen({ block: null, lastWrite: null }), DEFAULT_LIMITS, where);
    expect(fresh.find((finding) => finding.check === "snapshot")).to.include({ severity: "ok", code: "SNAPSHOT_OK" });
  });

  it("says the API is down when it does not answer", async () => {
    const url = api.url;
    await api.stop();
    const { status, report } = await doctor(url);
    expect(status).to.equal(1);
    expect(report.findings.find((finding) => finding.check === "api")).to.include({ severity: "fail", code: "API_UNREACHABLE" });
    expect(report.findings.find((finding) => finding.check === "node")).to.include({ severity: "ok" });
  });
});
