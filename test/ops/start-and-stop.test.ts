import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { environmentFailureOf } from "../../lib/start-failure";
import { builtProgram } from "../../scripts/lib/built-program";
import { npmStart } from "./helpers/npm-start";
import { processesMentioning, waitUntil } from "./helpers/processes-of";

/**
 * Starting and stopping as an operator does: `npm start` stopped by SIGTERM, SIGINT or the loss of npm
 * leaves nothing running; a taken port, an unwritable data directory and a bad configuration file each stop
 * a start with their own code and exit code; the configuration can be printed; LOG_LEVEL is honoured.
 */
describe("operations: starting and stopping", function () {
  this.timeout(600_000);
  const root = join(__dirname, "..", "..");
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "ops-start-"));
    // The embedded PostgreSQL server runs as the user postgres when we are root: it must reach the data directories.
    chmodSync(scratch, 0o755);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** Runs a built program to its end; its JSON log lines parsed. */
  const runBuilt = (module: string, args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [builtProgram(module), ...args], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
    const logs = result.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { status: result.status, logs, stdout: result.stdout, stderr: result.stderr };
  };
  const refusal = (logs: Record<string, unknown>[]) => logs.find((line) => line.event === "refused");

  const listen = (port = 0) =>
    new Promise<Server>((resolve) => {
      const server = createServer();
      server.listen(port, "127.0.0.1", () => resolve(server));
    });
  const portOf = (server: Server) => (server.address() as { port: number }).port;

  it("stops the node, the API and its database when npm start gets SIGTERM, SIGINT, or loses npm", async () => {
    for (const stop of ["SIGTERM", "SIGINT", "kill -9 of npm"] as const) {
      const dataDir = join(scratch, `stop-${stop.replace(/\W+/g, "-")}`);
      const started = await npmStart(root, ["--data-dir", dataDir, "--rpc-port", "0", "--api-port", "0"]);
      expect(started.output(), `${stop}: ${started.output()}`).to.match(/is running\./);
      expect((await fetch(`${started.apiUrl}/health`)).status).to.equal(200);
      expect(processesMentioning(dataDir).length, "node, API and PostgreSQL are running").to.be.greaterThan(2);
      if (stop === "kill -9 of npm") started.child.kill("SIGKILL");
      else started.child.kill(stop);
      const code = await started.exited;
      if (stop !== "kill -9 of npm") expect(code, `${stop}: npm start exits cleanly`).to.equal(0);
      expect(await waitUntil(() => processesMentioning(dataDir).length === 0, 30_000), `${stop}: left running ${JSON.stringify(processesMentioning(dataDir))}`).to.equal(true);
    }
  });

  it("refuses a taken port with PORT_IN_USE (exit 9), from the node, the API and npm start", async () => {
    const taken = await listen();
    try {
      const port = String(portOf(taken));
      const node = runBuilt("ledger-node/main", ["--data-dir", join(scratch, "port-node"), "--port", port]);
      expect(node.status).to.equal(9);
      expect(refusal(node.logs)).to.include({ code: "PORT_IN_USE" });
      const api = runBuilt("api/main", ["--port", port, "--rpc-url", "http://127.0.0.1:1"], { LEDGER_DATA_DIR: join(scratch, "port-api") });
      expect(api.status).to.equal(9);
      expect(refusal(api.logs)).to.include({ code: "PORT_IN_USE" });
      const whole = spawnSync(process.execPath, [join(root, "bin", "run.js"), "scripts/start", "--data-dir", join(scratch, "port-start"), "--rpc-port", port, "--api-port", "0"], { cwd: root, encoding: "utf8", timeout: 120_000 });
      expect(whole.status, whole.stderr).to.equal(9);
      expect(whole.stderr).to.include("PORT_IN_USE");
    } finally {
      taken.close();
    }
  });

  it("refuses a data directory it cannot write with DATA_DIR_NOT_WRITABLE (exit 10)", () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "not a directory");
    const node = runBuilt("ledger-node/main", ["--data-dir", join(file, "data"), "--port", "0"]);
    expect(node.status).to.equal(10);
    expect(refusal(node.logs)).to.include({ code: "DATA_DIR_NOT_WRITABLE" });
    const api = runBuilt("api/main", ["--port", "0"], { LEDGER_DATA_DIR: join(file, "data") });
    expect(api.status).to.equal(10);
    expect(refusal(api.logs)).to.include({ code: "DATA_DIR_NOT_WRITABLE" });
  });

  it("names a full disk DISK_FULL (exit 11), whatever wrapped the system's error", () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", path: "/var/lib/ledger/chain/000123.log" });
    const failure = environmentFailureOf(new Error("journal write failed", { cause: full }), "the ledger node");
    expect(failure).to.include({ code: "DISK_FULL", exitCode: 11 });
    expect(environmentFailureOf(new Error("something else"), "the API")).to.equal(undefined);
  });

  it("reads settings from a configuration file under the environment, prints them with secrets hidden, and refuses unknown ones", () => {
    const file = join(scratch, "ledger.config.json");
    writeFileSync(file, JSON.stringify({ LEDGER_RPC_PORT: 18999, API_PORT: 13999, LOG_LEVEL: "warn", API_MASTER_KEY: "file-secret-123", LEDGER_SNAPSHOT_BLOCKS: 500 }));
    const printed = spawnSync(process.execPath, [join(root, "bin", "run.js"), "scripts/start", "--config", file, "--print-config"], { cwd: root, encoding: "utf8", env: { ...process.env, API_PORT: "14000", LEDGER_AUTHORITY_KEY: `0x${"ab".repeat(32)}` } });
    expect(printed.status, printed.stderr).to.equal(0);
    const config = JSON.parse(printed.stdout) as { configFile: string; settings: Record<string, { value: string; from: string }>; node: Record<string, unknown>; api: Record<string, unknown> };
    expect(config.configFile).to.equal(file);
    expect(config.node).to.include({ port: 18999, snapshotEveryBlocks: 500, authorityKey: "[set]" });
    // The environment wins over the file.
    expect(config.api).to.include({ port: 14000, masterKey: "[set]" });
    expect(config.settings.API_PORT).to.deep.equal({ value: "14000", from: "environment" });
    expect(config.settings.LEDGER_RPC_PORT).to.deep.equal({ value: "18999", from: "file" });
    expect(config.settings.API_MASTER_KEY).to.deep.equal({ value: "[set]", from: "file" });
    expect(printed.stdout).to.not.include("file-secret-123");
    expect(printed.stdout).to.not.include("ab".repeat(32));

    writeFileSync(file, JSON.stringify({ API_PORTT: 3000 }));
    for (const module of ["ledger-node/main", "api/main"]) {
      const refused = runBuilt(module, ["--config", file]);
      expect(refused.status, module).to.equal(2);
      expect(refusal(refused.logs), module).to.include({ code: "CONFIG_INVALID" });
    }
    writeFileSync(file, "{ not json");
    expect(runBuilt("ledger-node/main", ["--config", file]).status).to.equal(2);
  });

  it("honours LOG_LEVEL: at warn, the node prints its ready line and nothing below warn", async () => {
    const child = spawn(process.execPath, [builtProgram("ledger-node/main"), "--data-dir", join(scratch, "quiet"), "--port", "0"], { env: { ...process.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    expect(await waitUntil(() => out.includes('"event":"ready"'), 120_000)).to.equal(true);
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    const lines = out
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: number; event?: string });
    expect(lines.filter((line) => line.event === "ready")).to.have.length(1);
    expect(lines.filter((line) => line.level < 40 && line.event !== "ready")).to.deep.equal([]);
  });
});
