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
import { startEmbeddedServer } from "../../api/db/embedded-server";
import { ApiClient, expectStatus } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { createLineLog } from "../../scripts/lib/line-log";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";

/**
 * A full disk under the API's database, and the database server gone: a request it cannot serve is a
 * retryable 503 STORAGE_UNAVAILABLE with Retry-After (never a 500), /health says so (503, storage
 * "unavailable") until the database answers again, and nothing acknowledged is lost (everything is there
 * after a restart). The full disk is a real small tmpfs under the embedded server's cluster when this machine
 * lets us mount one (root); the server gone is always tested (and the API starts it again by itself). Also:
 * `npm start`'s piping of child output into data/logs survives its log file failing.
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

  async function startOn(root: string): Promise<{ api: RunningApi; bureau: ApiClient }> {
    const config = testApiConfig(nodeDir, node!.url, { dataDir: join(root, "api"), databaseDir: join(root, "postgres") });
    const api = await startApi(config, pino({ level: "silent" }));
    return { api, bureau: new ApiClient(api.url, readFileSync(api.bureauKeyFile, "utf8").trim()) };
  }

  /** The same story under either fault: acknowledged work, the fault, 503s and /health, the fault gone, all there. */
  async function story(root: string, fault: { on(): Promise<void>; off(): Promise<void>; readsGoOn: boolean }): Promise<void> {
    let { api, bureau } = await startOn(root);
    try {
      const registered = expectStatus(await bureau.post("/v1/participants", { role: "merchant", name: "深圳市测试餐饮有限公司", taxpayerId: randomTaxpayerId() }), 201, "register");
      const merchant = bureau.as(registered.apiKey);
      expectStatus(await bureau.put(`/v1/merchants/${registered.participant.account}/quotas/${periodOf(new Date())}`, { granted: "1000000000" }), 200, "quota");
      const buyer = { type: "individual" as const, name: "陈小明" };
      const before = expectStatus(await merchant.post("/v1/invoices", invoiceBody(`full-a-${Date.now()}`, buyer)), 201, "issue before");
      const anyone = new ApiClient(api.url);
      expect((await anyone.get("/health")).status).to.equal(200);

      await fault.on();
      // A batch of 50 documents (~100 KB): more than the free room left in the table's pages, so the database
      // must take new blocks from the full disk (PostgreSQL fills its pages and write-ahead log segments in place).
      const body = { invoices: Array.from({ length: 50 }, (_, i) => invoiceBody(`full-b-${Date.now()}-${i}`, buyer)) };
      const refused = await merchant.post("/v1/invoices/batch", body, { "idempotency-key": "full-b" });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(503);
      expect(refused.body.error.code).to.equal("STORAGE_UNAVAILABLE");
      expect(Number(refused.headers.get("retry-after"))).to.be.greaterThan(0);
      if (!fault.readsGoOn) {
        expect((await merchant.post("/v1/api-keys", { label: "x" })).body.error.code).to.equal("STORAGE_UNAVAILABLE");
        const health = await anyone.get("/health");
        expect(health.status).to.equal(503);
        expect(health.body.status).to.equal("storage unavailable");
        expect(health.body.storage).to.include({ status: "unavailable", code: "STORAGE_UNAVAILABLE" });
      } else {
        // A full disk refuses writes; what is already stored is still read.
        expect((await merchant.get(`/v1/invoices/${before.invoice.id}`)).status).to.equal(200);
      }

      await fault.off();
      let healthy = await anyone.get("/health");
      for (let i = 0; i < 400 && healthy.status !== 200; i++) {
        await sleep(50);
        healthy = await anyone.get("/health");
      }
      expect(healthy.status, JSON.stringify(healthy.body)).to.equal(200);
      const retried = await merchant.post("/v1/invoices/batch", body, { "idempotency-key": "full-b" });
      expect(retried.status, JSON.stringify(retried.body)).to.be.oneOf([200, 201]);
      expect(retried.body.results).to.have.length(50);

      // Nothing acknowledged was lost: after a restart both documents are there.
      await api.close();
      ({ api, bureau } = await startOn(root));
      const again = bureau.as(registered.apiKey);
      for (const id of [before.invoice.id, ...(retried.body.results as { invoice: { id: string } }[]).map((r) => r.invoice.id)]) {
        const read = await again.get(`/v1/invoices/${id}`);
        expect(read.status).to.equal(200);
        expect(read.body.document).to.be.an("object");
      }
    } finally {
      await api.close();
    }
  }

  it("on a real full tmpfs under the database: 503 STORAGE_UNAVAILABLE with Retry-After, back once there is room, nothing lost", async function () {
    const mount = tryMountTmpfs(160);
    if (mount === undefined) this.skip(); // not root: the server-gone story below covers the same answers
    let filler: string | undefined;
    try {
      await story(mount, {
        readsGoOn: true,
        on: async () => {
          filler = fill(mount);
        },
        off: async () => {
          rmSync(filler!, { force: true });
          rmSync(join(mount, "filler-small"), { force: true });
        },
      });
    } finally {
      unmount(mount);
    }
  });

  it("with the database server gone: the same, and the API starts its embedded server again by itself", async () => {
    const root = mkdtempSync(join(tmpdir(), "api-db-gone-"));
    try {
      await story(root, {
        readsGoOn: false,
        on: async () => {
          // Stopped as an operator or a crash would: the API did not ask for it.
          const server = await startEmbeddedServer(join(root, "postgres"), pino({ level: "silent" }));
          await server.stop();
        },
        // Nothing to do: the API's watch starts it again.
        off: async () => undefined,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
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
