import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import type { Client } from "pg";

import { readWalMark, walMarkFile, type WalMark } from "../../api/db/wal-mark";
import { periodOf } from "../../api/domain/tax-period";
import { ApiClient, expectStatus } from "../../scripts/lib/api-client";
import { bureauClient, startApiProcess, type ApiProcess } from "../../scripts/lib/api-process";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { apiDataRoot, flipByteAt, startRefused } from "./helpers/api-data";
import { publicTables, withEmbeddedDatabase } from "./helpers/embedded-database";

/** Runs `work` with a client of the embedded database under the data root `root`. */
const withDatabase = <T>(root: string, work: (client: Client) => Promise<T>) => withEmbeddedDatabase(join(root, "postgres"), work);

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A digest of every row of every table: equal digests, nothing written. */
const digestOf = (root: string) =>
  withDatabase(root, async (client) => {
    const hash = createHash("sha256");
    for (const tablename of await publicTables(client)) {
      const rows = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t ORDER BY 1`);
      for (const { row } of rows.rows) hash.update(`${tablename}\\0${row}\\0`);
    }
    return hash.digest("hex");
  });

/**
 * The API's database as the real API process meets it: unreachable, an index from blocks the chain does not
 * have, a wrong keystore master key (each a refusal to start with its exit code and log code, never a start
 * with less), a seal on chain whose document the database lacks (reported, /health not ok), and a page the
 * server finds damaged (data checksums: never served).
 */
describe("the API's database: unreachable, an index ahead of the chain, a wrong master key, missing documents, damaged pages", function () {
  this.timeout(600_000);
  let nodeDir: string;
  let node: NodeProcess;
  const roots: string[] = [];

  before(async () => {
    nodeDir = freshDataDir();
    node = await startNodeProcess(nodeDir, {}, 2);
  });
  after(async () => {
    await node?.stop();
    for (const dir of [nodeDir, ...roots]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A merchant with quota and a few invoices, through the real API; returns the merchant's client. */
  async function populate(api: ApiProcess, invoices = 3): Promise<{ merchant: ApiClient; ids: string[] }> {
    const bureau = bureauClient(api);
    const registered = expectStatus(await bureau.post("/v1/participants", { role: "merchant", name: "深圳市测试餐饮有限公司", taxpayerId: randomTaxpayerId() }), 201, "register");
    const merchant = bureau.as(registered.apiKey);
    expectStatus(await bureau.put(`/v1/merchants/${registered.participant.account}/quotas/${periodOf(new Date())}`, { granted: "1000000000" }), 200, "quota");
    const ids: string[] = [];
    for (let i = 0; i < invoices; i++) {
      const issued = expectStatus(await merchant.post("/v1/invoices", invoiceBody(`s-${Date.now()}-${i}`, { type: "individual", name: "陈小明" })), 201, "issue");
      ids.push(issued.invoice.id);
    }
    return { merchant, ids };
  }

  async function freshApi(env: Record<string, string> = {}, on: { dir: string; url: string } = { dir: nodeDir, url: node.url }): Promise<{ root: string; api: ApiProcess }> {
    const root = apiDataRoot(on.dir);
    roots.push(root);
    return { root, api: await startApiProcess(root, on.url, env) };
  }

  it("refuses to start (exit 6, DATABASE_UNAVAILABLE) when DATABASE_URL names no server", async () => {
    const root = apiDataRoot(nodeDir);
    roots.push(root);
    expect(await startRefused(root, node.url, { DATABASE_URL: "postgresql://ledger@127.0.0.1:1/ledger_api" })).to.deep.equal({ exitCode: 6, code: "DATABASE_UNAVAILABLE" });
  });

  it("refuses to start (exit 5, INDEX_AHEAD_OF_CHAIN) with an index built from a longer chain", async () => {
    const { root, api } = await freshApi();
    await populate(api, 5);
    expect(await api.stop()).to.equal(0);
    // A fresh chain: fewer blocks than the index has seen, and other hashes.
    const otherDir = freshDataDir();
    roots.push(otherDir);
    const other = await startNodeProcess(otherDir, {}, 2);
    try {
      const mixed = apiDataRoot(otherDir);
      roots.push(mixed);
      for (const part of ["api", "postgres"]) cpSync(join(root, part), join(mixed, part), { recursive: true });
      expect(await startRefused(mixed, other.url)).to.deep.equal({ exitCode: 5, code: "INDEX_AHEAD_OF_CHAIN" });
    } finally {
      await other.stop();
    }
    // Against its own chain the same database starts.
    const again = await startApiProcess(root, node.url);
    await again.stop();
  });

  it("refuses to start (exit 4, KEYSTORE_KEY_MISMATCH) with a wrong master key, writing nothing; the right key works again", async () => {
    const { root, api } = await freshApi({ API_MASTER_KEY: "the right master secret" });
    const { merchant } = await populate(api, 1);
    expect(await api.stop()).to.equal(0);
    const before = await digestOf(root);
    expect(await startRefused(root, node.url, { API_MASTER_KEY: "a wrong master secret" })).to.deep.equal({ exitCode: 4, code: "KEYSTORE_KEY_MISMATCH" });
    expect(await digestOf(root), "a row changed: something was written").to.equal(before);
    const right = await startApiProcess(root, node.url, { API_MASTER_KEY: "the right master secret" });
    try {
      const client = new ApiClient(right.url, merchant.apiKey);
      expect((await client.post("/v1/invoices", invoiceBody(`after-${Date.now()}`, { type: "individual", name: "陈小明" }))).status).to.equal(201);
    } finally {
      await right.stop();
    }
  });

  it("reports a seal on chain whose document the database lacks (an older copy restored): /health 503 'documents missing'", async () => {
    // A chain of its own: on the shared one, the other tests' databases issued invoices this one has no document of.
    const ownDir = freshDataDir();
    roots.push(ownDir);
    const own = await startNodeProcess(ownDir, {}, 2);
    const { root, api } = await freshApi({}, { dir: ownDir, url: own.url });
    const { merchant } = await populate(api, 1);
    expect(await api.stop()).to.equal(0);
    const backup = join(root, "postgres-backup");
    cpSync(join(root, "postgres"), backup, { recursive: true });
    let restarted = await startApiProcess(root, own.url);
    const lost = expectStatus(await new ApiClient(restarted.url, merchant.apiKey).post("/v1/invoices", invoiceBody(`lost-${Date.now()}`, { type: "individual", name: "陈小明" })), 201, "issue");
    // Reversed at once (it is unclaimed): the credit note's seal arrives only with InvoiceReversed.
    expectStatus(await new ApiClient(restarted.url, merchant.apiKey).post(`/v1/invoices/${lost.invoice.id}/reversals`, { reference: `lost-note-${Date.now()}`, reason: "issue-error" }), 201, "reverse");
    expect(await restarted.stop()).to.equal(0);
    rmSync(join(root, "postgres"), { recursive: true });
    cpSync(backup, join(root, "postgres"), { recursive: true });
    restarted = await startApiProcess(root, own.url);
    try {
      const anyone = new ApiClient(restarted.url);
      let health = await anyone.get("/health");
      // Until the index has caught up with the chain, which holds both seals.
      for (let i = 0; i < 100 && !(health.body.index.indexedBlock >= 0 && health.body.index.indexedBlock >= health.body.chain.block); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        health = await anyone.get("/health");
      }
      expect(health.status).to.equal(503);
      expect(health.body.status).to.equal("documents missing");
      // The invoice and its credit note, each once.
      expect(health.body.index.missingDocuments).to.equal(2);
    } finally {
      await restarted.stop();
      await own.stop();
    }
  });

  it("refuses to start (exit 3, STORE_CORRUPTED) when the database's write-ahead log lost its end; after kill -9 with the log intact it starts with everything", async () => {
    const { root, api } = await freshApi();
    const markFile = walMarkFile(join(root, "postgres"));

    /** Issues, waits until the API has recorded the log's flushed end since, and kills the API and the database server -9. */
    async function issueThenCrash(running: ApiProcess): Promise<{ ids: string[]; mark: string; walFile: string; walOffset: number; merchant: ApiClient }> {
      const populated = await populate(running, 5);
      const flushed = await withDatabase(root, async (client) => (await client.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn")).rows[0]!.lsn);
      let mark: WalMark | undefined;
      for (let tries = 0; tries < 100; tries++) {
        mark = await readWalMark(markFile);
        if (mark !== undefined && (await withDatabase(root, async (client) => (await client.query<{ ok: boolean }>("SELECT $1::pg_lsn >= $2::pg_lsn AS ok", [mark!.lsn, flushed])).rows[0]!.ok))) break;
        mark = undefined;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(mark, "the API records the log's end within a few seconds").to.not.equal(undefined);
      const at = await withDatabase(root, async (client) => (await client.query<{ file_name: string; file_offset: number }>("SELECT file_name, file_offset FROM pg_walfile_name_offset($1::pg_lsn)", [mark!.lsn])).rows[0]!);
      await running.kill();
      const postmaster = Number(readFileSync(join(root, "postgres", "cluster", "postmaster.pid"), "utf8").split("\n")[0]);
      // The server and all its processes at once, as a power cut would leave it.
      const server = [postmaster, ...execFileSync("pgrep", ["-P", String(postmaster)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number)];
      for (const pid of server) process.kill(pid, "SIGKILL");
      for (let tries = 0; tries < 200 && server.some(isAlive); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      return { ...populated, mark: mark!.lsn, walFile: join(root, "postgres", "cluster", "pg_wal", at.file_name), walOffset: at.file_offset };
    }

    // kill -9 of everything with the log intact: recovery replays it to its end, and the API starts with every invoice.
    const first = await issueThenCrash(api);
    const restarted = await startApiProcess(root, node.url);
    for (const id of first.ids) expect((await new ApiClient(restarted.url, first.merchant.apiKey).get(`/v1/invoices/${id}`)).status).to.equal(200);

    // Again, and this time the log loses what it held before the mark (zeros, as a torn or damaged segment reads).
    const second = await issueThenCrash(restarted);
    expect(second.walOffset).to.be.greaterThan(1024);
    const wal = readFileSync(second.walFile);
    wal.fill(0, second.walOffset - 1024, second.walOffset);
    writeFileSync(second.walFile, wal);
    expect(await startRefused(root, node.url)).to.deep.equal({ exitCode: 3, code: "STORE_CORRUPTED" });
    // Refused before anything was written: the mark still names the end the log had reached.
    expect((await readWalMark(markFile))?.lsn).to.equal(second.mark);
  });

  it("never serves a document from a page the server finds damaged: 500 STORE_CORRUPTED, /health 503 'store corrupted'", async () => {
    const { root, api } = await freshApi();
    const { merchant, ids } = await populate(api, 3);
    // Every page on disk (a checkpoint), and where the documents table lives.
    const file = await withDatabase(root, async (client) => {
      await client.query("CHECKPOINT");
      return (await client.query<{ path: string }>("SELECT pg_relation_filepath('documents') AS path")).rows[0]!.path;
    });
    expect(await api.stop()).to.equal(0);
    const path = join(root, "postgres", "cluster", file);
    expect(statSync(path).size).to.be.greaterThan(8000);
    // Inside the first page's tuples (they fill the page from its end), not in its header.
    flipByteAt(path, 8000);
    const restarted = await startApiProcess(root, node.url);
    try {
      const client = new ApiClient(restarted.url, merchant.apiKey);
      const read = await client.get(`/v1/invoices/${ids[0]}`);
      expect([read.status, read.body.error?.code], JSON.stringify(read.body)).to.deep.equal([500, "STORE_CORRUPTED"]);
      expect(JSON.stringify(read.body)).to.not.include("陈小明");
      const health = await new ApiClient(restarted.url).get("/health");
      expect([health.status, health.body.status]).to.deep.equal([503, "store corrupted"]);
    } finally {
      await restarted.stop();
    }
  });
});
