import { execFile } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

import { ApiClient } from "../../scripts/lib/api-client";
import { bureauClient, startApiProcess } from "../../scripts/lib/api-process";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { startRefused } from "./helpers/api-data";
import { builtProgram } from "../../scripts/lib/built-program";

const run = promisify(execFile);
const FIXTURE = join(__dirname, "..", "fixtures", "leveldb-era");
const fixture = (file: string) => JSON.parse(readFileSync(join(FIXTURE, file), "utf8"));

/**
 * A data directory written by the last LevelDB-era version (`test/fixtures/leveldb-era/data-dir`: its `npm start
 * -- --seed`, then a merchant registered and an invoice issued with Idempotency-Keys, their answers kept):
 * the API refuses to start on it and says what to run; the import moves everything into PostgreSQL, after
 * which every key, party key, document, claim code and idempotent answer works as before.
 */
describe("a LevelDB-era data directory", function () {
  this.timeout(300_000);
  let dir: string;
  let node: NodeProcess;

  before(async () => {
    dir = freshDataDir();
    cpSync(join(FIXTURE, "data-dir"), dir, { recursive: true });
    node = await startNodeProcess(dir, {}, 2);
  });
  after(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const importStore = async () => JSON.parse((await run(process.execPath, [builtProgram("api/import-leveldb")], { env: { ...process.env, LEDGER_DATA_DIR: dir } })).stdout.trim().split("\n").pop()!) as Record<string, unknown>;

  it("is refused at start (exit 7, LEGACY_STORE), imported by npm run api:import-leveldb, and then works as before", async () => {
    expect(await startRefused(dir, node.url)).to.deep.equal({ exitCode: 7, code: "LEGACY_STORE" });

    const imported = await importStore();
    // The bureau, 2 merchants, 2 enterprises, 3 employees of the demo, and the merchant registered after it.
    expect(imported).to.include({ event: "imported", participants: 9, wallets: 9 });
    expect(imported.documents).to.equal(12);
    // The LevelDB is kept, renamed, and a second run has nothing to do.
    expect(readdirSync(join(dir, "api")).some((name) => name.startsWith("db.imported-"))).to.equal(true);
    expect(existsSync(join(dir, "api", "db"))).to.equal(false);
    expect(await importStore()).to.include({ event: "nothing-to-import" });

    const api = await startApiProcess(dir, node.url);
    try {
      const bureau = bureauClient(api);
      const participants = await bureau.get("/v1/participants?limit=100");
      expect(participants.status).to.equal(200);
      expect(participants.body.participants).to.have.length(9);

      const registered = fixture("register-answer.json") as { participant: { account: string }; apiKey: string };
      const issued = fixture("issue-answer.json") as { invoice: { id: string; document: unknown; claimCode: string } };
      const merchant = new ApiClient(api.url, registered.apiKey);
      // The index is rebuilt from the chain at this start: wait until it has the invoice.
      let read = await merchant.get(`/v1/invoices/${issued.invoice.id}`);
      for (let i = 0; i < 100 && read.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        read = await merchant.get(`/v1/invoices/${issued.invoice.id}`);
      }
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      expect(read.body.document).to.deep.equal(issued.invoice.document);
      expect(read.body.claimCode).to.equal(issued.invoice.claimCode);
      // The first answer, replayed from the imported idempotency record (its claim code opened again).
      const replayed = await merchant.post("/v1/invoices", fixture("issue-body.json"), { "idempotency-key": "legacy-issue-1" });
      expect(replayed.headers.get("idempotent-replayed")).to.equal("true");
      expect(replayed.body).to.deep.equal(issued);
      // The merchant's imported chain key still signs.
      const body = { ...fixture("issue-body.json"), reference: "after-import-1" };
      expect((await merchant.post("/v1/invoices", body)).status).to.equal(201);
      // Its document, as kept and served, still verifies against the chain.
      const verified = await new ApiClient(api.url).post("/v1/verify/document", read.body.document);
      expect(verified.body).to.include({ authentic: true });
    } finally {
      await api.stop();
    }
  });
});
