import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { expect } from "chai";
import pino from "pino";

import { startApi, type RunningApi } from "../../api/api-server";
import { testApiConfig } from "./helpers/system";
import { periodOf } from "../../api/domain/tax-period";
import type { StoreOpenOptions } from "../../api/store/api-store";
import { ApiClient, expectStatus } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { createLineLog } from "../../scripts/lib/line-log";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";

/**
 * A full disk under the API: a write it cannot make is a retryable 503 STORAGE_UNAVAILABLE with Retry-After
 * (never a 500), /health says so (503, storage "unavailable") until a write succeeds again, reads go on, and
 * nothing acknowledged is lost (the store opens cleanly after a restart). On a real small tmpfs when this
 * machine lets us mount one (root), and always with an ENOSPC injected at the store layer. Also: `npm start`'s
 * piping of child output into data/logs survives its log file failing.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tryMountTmpfs(sizeMb: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "api-tmpfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync("umount", [dir], { stdio: "ignore" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a file until the file system has no room left; returns its path. */
function fill(dir: string): string {
  const file = join(dir, "filler");
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  // The last bytes too, so that not even a small write fits.
  const fdSmall = openSync(join(dir, "filler-small"), "w");
  try {
    for (;;) writeSync(fdSmall, Buffer.alloc(512, 1));
  } catch {
    // full
  } finally {
    closeSync(fdSmall);
  }
  return file;
}

describe("disk full and other storage faults", function () {
  this.timeout(300_000);
  let nodeDir: string;
  let node: NodeProcess | undefined;

  // A chain per story: a store meeting seals that another test's store holds the documents of reports them (/health 503).
  beforeEach(async () => {
    nodeDir = freshDataDir();
    node = await startNodeProcess(nodeDir, {}, 2);
  });
  afterEach(async () => {
    await node?.stop();
    node = undefined;
    rmSync(nodeDir, { recursive: true, force: true });
  });

  async function startOn(apiDir: string, storeOptions: StoreOpenOptions = {}): Promise<{ api: RunningApi; bureau: ApiClient }> {
    const config = testApiConfig(nodeDir, node!.url, { dataDir: apiDir });
    const api = await startApi(config, pino({ level: "silent" }), { recoveryIntervalMs: 200, ...storeOptions });
    return { api, bureau: new ApiClient(api.url, readFileSync(api.bureauKeyFile, "utf8").trim()) };
  }

  /** The same story under either fault: acknowledged work, the fault, 503s and /health, the fault gone, all there. */
  async function story(apiDir: string, fault: { on(): void; off(): void }, storeOptions: StoreOpenOptions = {}): Promise<void> {
    let { api, bureau } = await startOn(apiDir, storeOptions);
    try {
      const registered = expectStatus(await bureau.post("/v1/participants", { role: "merchant", name: "深圳市测试餐饮有限公司", taxpayerId: randomTaxpayerId() }), 201, "register");
      const merchant = bureau.as(registered.apiKey);
      expectStatus(await bureau.put(`/v1/merchants/${registered.participant.account}/quotas/${periodOf(new Date())}`, { granted: "1000000000" }), 200, "quota");
      const buyer = { type: "individual" as const, name: "陈小明" };
      const before = expectStatus(await merchant.post("/v1/invoices", invoiceBody(`full-a-${Date.now()}`, buyer)), 201, "issue before");
      const anyone = new ApiClient(api.url);
      expect((await anyone.get("/health")).status).to.equal(200);

      fault.on();
      const body = invoiceBody(`full-b-${Date.now()}`, buyer);
      const refused = await merchant.post("/v1/invoices", body, { "idempotency-key": "full-b" });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(503);
      expect(refused.body.error.code).to.equal("STORAGE_UNAVAILABLE");
      expect(Number(refused.headers.get("retry-after"))).to.be.greaterThan(0);
      expect((await merchant.post("/v1/api-keys", { label: "x" })).body.error.code).to.equal("STORAGE_UNAVAILABLE");
      const health = await anyone.get("/health");
      expect(health.status).to.equal(503);
      expect(health.body.status).to.equal("storage unavailable");
      expect(health.body.storage).to.include({ status: "unavailable", code: "STORAGE_UNAVAILABLE" });
      // Reads go on meanwhile.
      expect((await merchant.get(`/v1/invoices/${before.invoice.id}`)).status).to.equal(200);

      fault.off();
      let healthy = await anyone.get("/health");
      for (let i = 0; i < 200 && healthy.status !== 200; i++) {
        await sleep(50);
        healthy = await anyone.get("/health");
      }
      expect(healthy.status, JSON.stringify(healthy.body)).to.equal(200);
      const retried = await merchant.post("/v1/invoices", body, { "idempotency-key": "full-b" });
      expect(retried.status, JSON.stringify(retried.body)).to.be.oneOf([200, 201]);
      expect(retried.body.invoice.document).to.be.an("object");

      // Nothing acknowledged was lost: the store opens cleanly after a restart and holds both documents.
      await api.close();
      ({ api, bureau } = await startOn(apiDir));
      const again = bureau.as(registered.apiKey);
      for (const id of [before.invoice.id, retried.body.invoice.id]) {
        const read = await again.get(`/v1/invoices/${id}`);
        expect(read.status).to.equal(200);
        expect(read.body.document).to.be.an("object");
      }
    } finally {
      await api.close();
    }
  }

  it("on a real full tmpfs: 503 STORAGE_UNAVAILABLE with Retry-After, /health 503, back once there is room, nothing lost", async function () {
    const mount = tryMountTmpfs(24);
    if (mount === undefined) this.skip(); // not root: the injected fault below covers the same behaviour
    let filler: string | undefined;
    try {
      await story(join(mount, "api"), {
        on: () => {
          filler = fill(mount);
        },
        off: () => {
          rmSync(filler!, { force: true });
          rmSync(join(mount, "filler-small"), { force: true });
        },
      });
    } finally {
      unmount(mount);
    }
  });

  it("with ENOSPC injected at the store layer: the same", async () => {
    const dir = mkdtempSync(join(tmpdir(), "api-enospc-"));
    let full = false;
    try {
      await story(dir, { on: () => void (full = true), off: () => void (full = false) }, { writeFault: () => (full ? Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 }) : undefined) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("npm start's log files", () => {
    it("a log stream that fails (EPIPE) is reported once and skipped; writing on never throws", () => {
      const errors: Error[] = [];
      const stream = new PassThrough();
      const log = createLineLog("ignored", { onError: (error) => errors.push(error), open: () => stream, retryMs: 60_000 });
      log.write("one\n");
      stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      for (let i = 0; i < 100; i++) log.write(`line ${i}\n`);
      expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).to.deep.equal(["EPIPE"]);
      expect(log.dropped).to.equal(100);
      log.close();
    });

    it("a log file on a full disk: ENOSPC is reported and the lines dropped, and it writes again once there is room", async function () {
      const mount = tryMountTmpfs(1);
      if (mount === undefined) this.skip();
      try {
        mkdirSync(join(mount, "logs"));
        const file = join(mount, "logs", "api.log");
        const errors: string[] = [];
        const log = createLineLog(file, { onError: (error) => errors.push((error as NodeJS.ErrnoException).code ?? "?"), retryMs: 100 });
        const filler = fill(mount);
        for (let i = 0; i < 2_000; i++) log.write(`${JSON.stringify({ level: 30, msg: "x".repeat(200), i })}\n`);
        for (let i = 0; i < 50 && errors.length === 0; i++) await sleep(20);
        expect(errors[0]).to.equal("ENOSPC");
        rmSync(filler);
        rmSync(join(mount, "filler-small"));
        await sleep(300);
        log.write("after\n");
        await sleep(100);
        log.close();
        await sleep(50);
        expect(readFileSync(file, "utf8")).to.include("after\n");
      } finally {
        unmount(mount);
      }
    });
  });
});
