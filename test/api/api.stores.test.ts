import { cpSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { periodOf } from "../../api/domain/tax-period";
import { ApiStore } from "../../api/store/api-store";
import { StoreCorruptedError } from "../../api/store/store-errors";
import { ApiClient, expectStatus } from "../../scripts/lib/api-client";
import { bureauClient, startApiProcess, type ApiProcess } from "../../scripts/lib/api-process";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { Level } from "level";
import { apiDataRoot, flipByte, newestLog, startRefused, truncate } from "./helpers/api-data";

/**
 * The API's own store as the real API process meets it at start: a flipped byte or a cut in the newest log
 * of its LevelDB (which LevelDB would silently drop), an index from blocks the chain does not have, a wrong
 * keystore master key. Each is a refusal with its exit code and log code, never a start with less; and a
 * seal on chain whose document the store lacks is reported, with /health not ok.
 */
describe("the API's store: corruption, lost writes, an index ahead of the chain, a wrong master key", function () {
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

  async function freshApi(env: Record<string, string> = {}): Promise<{ root: string; api: ApiProcess }> {
    const root = apiDataRoot(nodeDir);
    roots.push(root);
    return { root, api: await startApiProcess(root, node.url, env) };
  }

  it("refuses to start (exit 3, STORE_CORRUPTED) when a byte of its newest LevelDB log is flipped, and keeps refusing", async () => {
    const { root, api } = await freshApi();
    await populate(api);
    expect(await api.stop()).to.equal(0);
    flipByte(newestLog(root), 200);
    expect(await startRefused(root, node.url)).to.deep.equal({ exitCode: 3, code: "STORE_CORRUPTED" });
    // LevelDB's recovery made the loss permanent; the refusal was recorded and holds on the next start.
    expect(await startRefused(root, node.url)).to.deep.equal({ exitCode: 3, code: "STORE_CORRUPTED" });
  });

  it("refuses to start (exit 3) when the tail of its newest LevelDB log is cut off", async () => {
    const { root, api } = await freshApi();
    await populate(api);
    expect(await api.stop()).to.equal(0);
    // Half the log: the last acknowledged writes with it (the last few records alone may be the index's, which is rebuilt).
    const log = newestLog(root);
    truncate(log, Math.floor(statSync(log).size / 2));
    expect(await startRefused(root, node.url)).to.deep.equal({ exitCode: 3, code: "STORE_CORRUPTED" });
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
      cpSync(join(root, "api"), join(mixed, "api"), { recursive: true });
      expect(await startRefused(mixed, other.url)).to.deep.equal({ exitCode: 5, code: "INDEX_AHEAD_OF_CHAIN" });
    } finally {
      await other.stop();
    }
    // Against its own chain the same store starts.
    const again = await startApiProcess(root, node.url);
    await again.stop();
  });

  it("refuses to start (exit 4, KEYSTORE_KEY_MISMATCH) with a wrong master key, writing nothing; the right key works again", async () => {
    const { root, api } = await freshApi({ API_MASTER_KEY: "the right master secret" });
    const { merchant } = await populate(api, 1);
    expect(await api.stop()).to.equal(0);
    const mark = readFileSync(join(root, "api", "db.ack"));
    expect(await startRefused(root, node.url, { API_MASTER_KEY: "a wrong master secret" })).to.deep.equal({ exitCode: 4, code: "KEYSTORE_KEY_MISMATCH" });
    expect(readFileSync(join(root, "api", "db.ack")).equals(mark), "the acknowledgement mark moved: something was written").to.equal(true);
    const right = await startApiProcess(root, node.url, { API_MASTER_KEY: "the right master secret" });
    try {
      const client = new ApiClient(right.url, merchant.apiKey);
      expect((await client.post("/v1/invoices", invoiceBody(`after-${Date.now()}`, { type: "individual", name: "陈小明" }))).status).to.equal(201);
    } finally {
      await right.stop();
    }
  });

  it("reports a seal on chain whose document the store lacks (an older store restored): /health 503 'documents missing'", async () => {
    // A chain of its own: on the shared one, the other tests' API stores issued invoices this store has no document of.
    const ownDir = freshDataDir();
    roots.push(ownDir);
    const own = await startNodeProcess(ownDir, {}, 2);
    const root = apiDataRoot(ownDir);
    roots.push(root);
    const api = await startApiProcess(root, own.url);
    const { merchant } = await populate(api, 1);
    expect(await api.stop()).to.equal(0);
    const backup = join(root, "api-backup");
    cpSync(join(root, "api"), backup, { recursive: true });
    let restarted = await startApiProcess(root, own.url);
    const lost = expectStatus(await new ApiClient(restarted.url, merchant.apiKey).post("/v1/invoices", invoiceBody(`lost-${Date.now()}`, { type: "individual", name: "陈小明" })), 201, "issue");
    // Reversed at once (it is unclaimed): the credit note's seal arrives only with InvoiceReversed.
    expectStatus(await new ApiClient(restarted.url, merchant.apiKey).post(`/v1/invoices/${lost.invoice.id}/reversals`, { reference: `lost-note-${Date.now()}`, reason: "issue-error" }), 201, "reverse");
    expect(await restarted.stop()).to.equal(0);
    rmSync(join(root, "api"), { recursive: true });
    cpSync(backup, join(root, "api"), { recursive: true });
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
      expect(lost.invoice.id).to.be.a("string");
    } finally {
      await restarted.stop();
      await own.stop();
    }
  });

  describe("values checked on every read", () => {
    it("never serves a value whose bytes no longer match its checksum (STORE_CORRUPTED)", async () => {
      const root = freshDataDir();
      roots.push(root);
      const path = join(root, "db");
      const store = await ApiStore.open(path);
      await store.put("doc:0x01", { salt: "0xaa", total: "100" });
      await store.close();
      // Change the stored bytes behind the store's back, keeping its checksum.
      const raw = new Level<string, string>(path, { valueEncoding: "utf8" });
      const stored = (await raw.get("doc:0x01"))!;
      await raw.put("doc:0x01", stored.replace('"100"', '"900"'));
      await raw.close();
      const reopened = await ApiStore.open(path);
      try {
        const read = await reopened.get("doc:0x01").then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(read).to.be.instanceOf(StoreCorruptedError);
        expect((read as StoreCorruptedError).code).to.equal("STORE_CORRUPTED");
        const listed = await reopened.range("doc:").then(
          () => undefined,
          (error: unknown) => error,
        );
        expect((listed as StoreCorruptedError).code).to.equal("STORE_CORRUPTED");
      } finally {
        await reopened.close();
      }
    });

    it("takes over a store written before checksums (plain JSON values) and checks it from then on", async () => {
      const root = freshDataDir();
      roots.push(root);
      const path = join(root, "db");
      const legacy = new Level<string, unknown>(path, { valueEncoding: "json" });
      await legacy.put("party:0xabc", { name: "旧公司" });
      await legacy.close();
      const store = await ApiStore.open(path);
      try {
        expect(await store.get("party:0xabc")).to.deep.equal({ name: "旧公司" });
      } finally {
        await store.close();
      }
    });

    it("refuses a store whose acknowledgement mark is ahead of it (acknowledged writes missing)", async () => {
      const root = freshDataDir();
      roots.push(root);
      const path = join(root, "db");
      const store = await ApiStore.open(path);
      await store.put("doc:0x01", { n: 1 });
      await store.close();
      const afterOne = join(root, "db-after-one");
      cpSync(path, afterOne, { recursive: true });
      const again = await ApiStore.open(path);
      await again.put("doc:0x02", { n: 2 });
      await again.close();
      // The database as it was after one write (as a dropped log tail leaves it), beside the mark of two.
      rmSync(path, { recursive: true });
      cpSync(afterOne, path, { recursive: true });
      const refused = await ApiStore.open(path).then(
        (s) => s.close().then(() => undefined),
        (error: unknown) => error,
      );
      expect((refused as StoreCorruptedError).code).to.equal("STORE_CORRUPTED");
      expect((refused as StoreCorruptedError).details).to.include({ reason: "acknowledged-writes-missing", acknowledged: 2, present: 1 });
    });
  });
});
