import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import type { Client } from "pg";
import pino from "pino";

import { startApi, type RunningApi } from "../../api/api-server";
import { registerFile } from "../../api/services/erasure-register";
import { ApiClient, expectStatus } from "../../scripts/lib/api-client";
import { builtProgram } from "../../scripts/lib/built-program";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { withEmbeddedDatabase } from "./helpers/embedded-database";
import { scanDatabase, scanFiles } from "./helpers/privacy-scan";
import { registerCast, testApiConfig, type Cast } from "./helpers/system";
import { verdictOf } from "./helpers/verdict";

const run = promisify(execFile);

/**
 * Erasure of an individual buyer's personal data (POST /v1/invoices/{id}/erase, crypto-shredding): the name and
 * the remarks are never in the database in clear, every answer shows them until the bureau erases them, and
 * afterwards no answer, no table and no restored backup does, while the invoice still verifies by number + check
 * code + total, keeps its trace and goes on through its lifecycle. Also: a database written before personal
 * fields were encrypted is converted at the API's start.
 */
describe("erasure of an individual buyer's personal data, the audit trail kept", function () {
  this.timeout(600_000);
  let dataDir: string;
  let node: NodeProcess;
  let api: RunningApi;
  let apiPort = 0;
  let bureau: ApiClient;
  let cast: Cast;
  const anyone = () => new ApiClient(api.url);
  const databaseDir = () => join(dataDir, "postgres");
  const sql = <T>(work: (client: Client) => Promise<T>) => withEmbeddedDatabase(databaseDir(), work);

  /** Starts the API in this process on the node, on the port it had before (clients keep their address). */
  const startTheApi = async () => {
    api = await startApi(testApiConfig(dataDir, node.url, { port: apiPort }), pino({ level: "silent" }));
    apiPort = Number(new URL(api.url).port);
  };
  const backupCommand = (command: "backup" | "restore", flag: string, dir: string) =>
    run(process.execPath, [builtProgram("scripts/system-backup"), command, flag, dir, ...(command === "backup" ? ["--rpc-url", node.url] : [])], { env: { ...process.env, LEDGER_DATA_DIR: dataDir } });
  /** The command's result: its JSON line with `restored` or `backup` (log lines, also JSON, may come after it). */
  const lastJsonLine = (stdout: string) =>
    stdout
      .trim()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, any>)
      .reverse()
      .find((line) => "restored" in line || "backup" in line)!;

  before(async () => {
    dataDir = freshDataDir();
    node = await startNodeProcess(dataDir, {}, 2);
    await startTheApi();
    bureau = new ApiClient(api.url, readFileSync(api.bureauKeyFile, "utf8").trim());
    cast = await registerCast(bureau);
  });
  after(async () => {
    await api?.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("converts what a database of the earlier version holds in clear (documents, stored answers) at the API's start", async () => {
    const name = "旧版本王二麻";
    const phone = "13700001111";
    const body = { ...invoiceBody("old-layout-1", { type: "individual", name }), remarks: `电话 ${phone}` };
    const first = expectStatus(await cast.merchant.client.post("/v1/invoices", body, { "idempotency-key": "old-layout-try" }), 201, "issue");
    const id = first.invoice.id as string;
    await api.close();

    // The layout before migration 0004: the whole document and its salt in the record, whole document files in
    // stored answers, no key table, no erasures table.
    await sql(async (client) => {
      const { record } = (await client.query<{ record: Record<string, unknown> }>("SELECT record FROM documents WHERE id = $1", [id])).rows[0]!;
      const file = first.invoice.document;
      const old = { document: file.document, salt: file.salt, commitment: record.commitment, seal: record.seal, claimKeyAddress: record.claimKeyAddress, requestFingerprint: record.requestFingerprint, sealedClaimCode: record.sealedClaimCode };
      await client.query("UPDATE documents SET record = $2 WHERE id = $1", [id, JSON.stringify(old)]);
      const answer = (await client.query<{ account: string; body: { invoice: Record<string, unknown> } }>("SELECT account, body FROM idempotency_answers WHERE key = 'old-layout-try'")).rows[0]!;
      answer.body.invoice.document = file;
      await client.query("UPDATE idempotency_answers SET body = $2 WHERE key = 'old-layout-try' AND account = $1", [answer.account, JSON.stringify(answer.body)]);
      // (Nor the later migrations: the earlier version had none of them, and wrote its index in layout 3.)
      await client.query("DROP FUNCTION notify_credentials_changed() CASCADE; DELETE FROM kysely_migration WHERE name = '0013-credential-notices'");
      await client.query("ALTER TABLE invoices DROP COLUMN seal; DROP TABLE credit_notes; DELETE FROM kysely_migration WHERE name = '0012-verification-index'; UPDATE settings SET value = '3' WHERE name = 'index.format'");
      await client.query("DROP INDEX invoice_events_reimbursed, invoices_enterprise_filed; DELETE FROM kysely_migration WHERE name = '0011-settlements'");
      await client.query("DROP INDEX participants_taxpayer_id, invoices_pending_credit_note, participant_status_status; DELETE FROM kysely_migration WHERE name = '0010-console-filters'");
      await client.query("DROP TABLE console_sessions; DELETE FROM kysely_migration WHERE name = '0009-sessions'");
      await client.query("DROP TABLE party_custody, custody_changes, used_signatures; DELETE FROM kysely_migration WHERE name = '0007-custody'");
      await client.query("DROP TABLE admin_actions; ALTER TABLE api_keys DROP COLUMN scope, DROP COLUMN expires_at; DELETE FROM kysely_migration WHERE name = '0006-identity'");
      await client.query("DROP TABLE webhook_attempts; DROP TABLE webhook_deliveries; DROP TABLE webhook_subscriptions; DELETE FROM settings WHERE name = 'webhooks.outbox-block'; DELETE FROM kysely_migration WHERE name = '0008-webhooks'");
      await client.query("DROP INDEX invoice_events_credit_note_number; DELETE FROM kysely_migration WHERE name = '0005-number-lookup'");
      await client.query("DROP TABLE document_keys; DROP TABLE erasures; DELETE FROM kysely_migration WHERE name = '0004-document-keys'; DELETE FROM settings WHERE name = 'documents.plaintext'");
    });
    const before = await scanDatabase(databaseDir(), [name, phone]);
    expect(new Set(before.hits.map((hit) => hit.where.split(":")[0]))).to.deep.equal(new Set(["table documents", "table idempotency_answers"]));

    await startTheApi();
    expect((await scanDatabase(databaseDir(), [name, phone])).hits).to.deep.equal([]);
    // Every answer as before: the view, the replayed answer, the document file that verifies.
    const view = await cast.merchant.client.get(`/v1/invoices/${id}`);
    expect(view.body).to.deep.equal(first.invoice);
    const replay = await cast.merchant.client.post("/v1/invoices", body, { "idempotency-key": "old-layout-try" });
    expect([replay.headers.get("idempotent-replayed"), replay.body]).to.deep.equal(["true", first]);
    expect((await anyone().post("/v1/verify/document", view.body.document)).body).to.include({ authentic: true, state: "Issued" });
    await sql(async (client) => {
      const keys = (await client.query<{ salt: string; sealed_key: unknown }>("SELECT salt, sealed_key FROM document_keys WHERE id = $1", [id])).rows;
      expect(keys.map((k) => [k.salt, k.sealed_key === null])).to.deep.equal([[first.invoice.document.salt, false]]);
      expect((await client.query("SELECT 1 FROM settings WHERE name = 'documents.plaintext'")).rowCount).to.equal(0);
    });
  });

  describe("an erased invoice", () => {
    const name = "测试删除张三九";
    const phone = "13987654321";
    const otherName = "测试删除李四八";
    const needles = [name, phone, otherName];
    const holds = (value: unknown) => needles.filter((needle) => JSON.stringify(value).includes(needle));
    const request = { basis: "PIPL-47", requestReference: "DEL-2026-0042" };
    let held: { id: string; number: string; checkCode: string; total: string; claimCode: string };
    let unclaimed: { id: string; claimCode: string };
    let organisation: { id: string };
    let heldFile: Record<string, any>;
    let traceBefore: unknown[];
    let verifyBefore: unknown;
    let totalsBefore: unknown;
    let backupDir: string;
    const answersAbout = async () => ({
      seller: await cast.merchant.client.get(`/v1/invoices/${held.id}`),
      holder: await cast.employee.client.get(`/v1/invoices/${held.id}`),
      bureau: await bureau.get(`/v1/invoices/${held.id}`),
      holderSearch: await cast.employee.client.get("/v1/invoices?expand=document,parties"),
      bureauSearch: await bureau.get(`/v1/invoices?expand=document&number=${held.number}`),
      trace: await cast.employee.client.get(`/v1/invoices/${held.id}/trace`),
      unclaimed: await cast.merchant.client.get(`/v1/invoices/${unclaimed.id}`),
    });

    before(async () => {
      const issued = expectStatus(await cast.merchant.client.post("/v1/invoices", { ...invoiceBody("erase-held", { type: "individual", name }), remarks: `联系电话 ${phone}` }, { "idempotency-key": "erase-held-try" }), 201, "issue");
      held = issued.invoice;
      unclaimed = expectStatus(await cast.merchant.client.post("/v1/invoices", invoiceBody("erase-unclaimed", { type: "individual", name: otherName })), 201, "issue").invoice;
      organisation = expectStatus(await cast.merchant.client.post("/v1/invoices", invoiceBody("erase-organisation", { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId })), 201, "issue").invoice;
      expectStatus(await cast.employee.client.post(`/v1/invoices/${held.id}/claim`, { claimCode: held.claimCode }, { "idempotency-key": "erase-held-claim" }), 200, "claim");
    });

    it("is never in the database in clear, and every answer shows it until it is erased", async () => {
      expect((await scanDatabase(databaseDir(), needles)).hits).to.deep.equal([]);
      // Not in any page, index or write-ahead log of the cluster either.
      expect(scanFiles(databaseDir(), needles.map((needle) => Buffer.from(needle, "utf8").toString("latin1")))).to.deep.equal([]);

      const answers = await answersAbout();
      for (const [who, answer] of Object.entries(answers)) expect([who, answer.status]).to.deep.equal([who, 200]);
      for (const view of [answers.seller.body, answers.holder.body, answers.bureau.body, answers.trace.body.invoice]) {
        expect(view.document.document.buyer).to.deep.equal({ type: "individual", name });
        expect(view.document.document.remarks).to.equal(`联系电话 ${phone}`);
      }
      for (const search of [answers.holderSearch.body, answers.bureauSearch.body]) {
        expect(search.invoices.find((item: { id: string }) => item.id === held.id).document.document.buyer.name).to.equal(name);
      }
      expect(answers.unclaimed.body.document.document.buyer.name).to.equal(otherName);
      const replay = await cast.merchant.client.post("/v1/invoices", { ...invoiceBody("erase-held", { type: "individual", name }), remarks: `联系电话 ${phone}` }, { "idempotency-key": "erase-held-try" });
      expect([replay.status, replay.body.invoice.document.document.buyer.name]).to.deep.equal([201, name]);

      heldFile = answers.holder.body.document;
      traceBefore = answers.trace.body.events;
      verifyBefore = verdictOf((await anyone().get(`/v1/verify?number=${held.number}&checkCode=${held.checkCode}&total=${held.total}`)).body);
      expect(verifyBefore).to.deep.equal({ authentic: true, state: "Issued", kind: "invoice" });
      totalsBefore = (await bureau.get("/v1/reports/totals?groupBy=merchant,taxRate")).body;

      // A whole-system backup, taken before the erasure.
      backupDir = join(mkdtempSync(join(tmpdir(), "erasure-backup-")), "backup");
      const { stdout } = await backupCommand("backup", "--to", backupDir);
      expect(lastJsonLine(stdout)).to.have.property("backup", backupDir);
    });

    it("is erased by the bureau only, for an individual buyer only, and erasing again answers the same", async () => {
      const erase = (client: ApiClient, id: string, body: unknown = request) => client.post(`/v1/invoices/${id}/erase`, body);
      const refusal = (answer: { status: number; body: any }) => [answer.status, answer.body.error?.code];
      expect(refusal(await erase(cast.merchant.client, held.id))).to.deep.equal([403, "FORBIDDEN"]);
      expect(refusal(await erase(cast.employee.client, held.id))).to.deep.equal([403, "FORBIDDEN"]);
      expect(refusal(await erase(bureau, organisation.id))).to.deep.equal([409, "NOTHING_TO_ERASE"]);
      expect(refusal(await erase(bureau, `0x${"ab".repeat(32)}`))).to.deep.equal([404, "NOT_FOUND"]);
      expect(refusal(await erase(bureau, held.id, { basis: "删除 张三", requestReference: "x" }))).to.deep.equal([400, "VALIDATION_FAILED"]);
      // Nothing was erased by a refusal.
      expect((await cast.employee.client.get(`/v1/invoices/${held.id}`)).body.document.document.buyer.name).to.equal(name);

      const erased = await erase(bureau, held.id);
      expect(erased.status, JSON.stringify(erased.body)).to.equal(200);
      expect(erased.body.document.document.buyer).to.deep.equal({ type: "individual", name: null, erased: true });
      expect(erased.body.document.document).to.not.have.property("remarks");
      expect(erased.body.document.salt).to.equal(null);
      expect(erased.body).to.include({ id: held.id, number: held.number, checkCode: held.checkCode, total: held.total, state: "Issued", holder: cast.employee.account });
      const again = await erase(bureau, held.id, { basis: "PIPL-47", requestReference: "DEL-2026-0043" });
      expect([again.status, again.body]).to.deep.equal([200, erased.body]);
      expect((await erase(bureau, unclaimed.id)).status).to.equal(200);

      // The bureau's record: each erasure once, with the first request's basis and reference; refusals audited.
      const officer = (await bureau.get("/v1/participants?role=bureau")).body.participants[0].account as string;
      const listed = await bureau.get("/v1/erasures");
      expect(listed.body.erasures.map((e: any) => [e.invoiceId, e.invoiceNumber, e.basis, e.requestReference, e.erasedBy])).to.deep.equal([
        [held.id, held.number, "PIPL-47", "DEL-2026-0042", officer],
        [unclaimed.id, String(Number(held.number) + 1), "PIPL-47", "DEL-2026-0042", officer],
      ]);
      expect((await bureau.get(`/v1/erasures?invoice=${unclaimed.id}`)).body.erasures.map((e: { invoiceId: string }) => e.invoiceId)).to.deep.equal([unclaimed.id]);
      expect((await cast.merchant.client.get("/v1/erasures")).status).to.equal(403);
      const refused = (await bureau.get("/v1/reports/refusals?action=erase")).body.refusals.map((r: any) => [r.code, r.invoiceId]);
      expect(refused).to.deep.include.members([
        ["FORBIDDEN", held.id],
        ["NOTHING_TO_ERASE", organisation.id],
      ]);
    });

    it("is gone from every answer and every table; the invoice still verifies, keeps its trace and goes on", async () => {
      const answers = await answersAbout();
      for (const [who, answer] of Object.entries(answers)) expect([who, answer.status, holds(answer.body)]).to.deep.equal([who, 200, []]);
      for (const view of [answers.seller.body, answers.holder.body, answers.bureau.body, answers.trace.body.invoice]) {
        const { buyer, ...rest } = view.document.document;
        expect(buyer).to.deep.equal({ type: "individual", name: null, erased: true });
        // Everything else of the document is the tax record, kept: seller, items, totals, dates, reference.
        const { buyer: _buyer, remarks: _remarks, ...kept } = heldFile.document;
        expect(rest).to.deep.equal(kept);
        expect(view.document.salt).to.equal(null);
      }
      // A replay of the issue: its stored answer hashed a request that named the person, and is gone.
      const replay = await cast.merchant.client.post("/v1/invoices", { ...invoiceBody("erase-held", { type: "individual", name }), remarks: `联系电话 ${phone}` }, { "idempotency-key": "erase-held-try" });
      expect([replay.status, replay.body.error?.code, holds(replay.body)]).to.deep.equal([409, "DUPLICATE_REFERENCE", []]);

      // It verifies by what is printed on it, in the same state; the served file no longer recomputes the seal
      // (it has no salt); the holder's own copy from before still does.
      expect(verdictOf((await anyone().get(`/v1/verify?number=${held.number}&checkCode=${held.checkCode}&total=${held.total}`)).body)).to.deep.equal(verifyBefore);
      expect((await anyone().post("/v1/verify/document", answers.holder.body.document)).body.error?.code).to.equal("VALIDATION_FAILED");
      expect(verdictOf((await anyone().post("/v1/verify/document", heldFile)).body)).to.deep.equal({ authentic: true, state: "Issued", kind: "invoice" });
      expect(answers.trace.body.events).to.deep.equal(traceBefore);
      expect((await bureau.get("/v1/reports/totals?groupBy=merchant,taxRate")).body).to.deep.equal(totalsBefore);

      await sql(async (client) => {
        const ids = [held.id, unclaimed.id];
        expect((await client.query("SELECT id FROM document_keys WHERE id = ANY($1)", [ids])).rowCount).to.equal(0);
        const records = (await client.query<{ record: Record<string, unknown> }>("SELECT record FROM documents WHERE id = ANY($1)", [ids])).rows.map((r) => r.record);
        expect(records.map((r) => ["personal" in r, "salt" in r, r.requestFingerprint])).to.deep.equal([
          [false, false, null],
          [false, false, null],
        ]);
        expect((await client.query("SELECT 1 FROM idempotency_answers WHERE body::text LIKE $1", [`%${held.id}%`])).rowCount).to.equal(0);
        // The organisation's invoice keeps its salt.
        expect((await client.query("SELECT 1 FROM document_keys WHERE id = $1", [organisation.id])).rowCount).to.equal(1);
      });
      expect((await scanDatabase(databaseDir(), needles)).hits).to.deep.equal([]);
      // The register beside the master key: 0600, ids and codes only.
      expect(statSync(registerFile(join(dataDir, "api"))).mode & 0o777).to.equal(0o600);
      expect(holds(readFileSync(registerFile(join(dataDir, "api")), "utf8"))).to.deep.equal([]);

      // The lifecycle goes on: the holder submits, the enterprise reimburses; the unclaimed one is claimed with
      // its claim code (checked against the commitment the record keeps).
      expect((await cast.employee.client.post(`/v1/invoices/${held.id}/submit`, { enterprise: cast.enterprise.account })).body.state).to.equal("Locked");
      const reimbursed = await cast.enterprise.client.post(`/v1/invoices/${held.id}/reimburse`);
      expect([reimbursed.status, reimbursed.body.state, holds(reimbursed.body)]).to.deep.equal([200, "Reimbursed", []]);
      const claimed = await cast.colleague.client.post(`/v1/invoices/${unclaimed.id}/claim`, { claimCode: unclaimed.claimCode });
      expect([claimed.status, claimed.body.holder, claimed.body.document.document.buyer.erased]).to.deep.equal([200, cast.colleague.account, true]);
      const trace = (await bureau.get(`/v1/invoices/${held.id}/trace`)).body.events;
      expect(trace.slice(0, traceBefore.length)).to.deep.equal(traceBefore);
      expect(trace.slice(traceBefore.length).map((e: { type: string }) => e.type)).to.deep.equal(["InvoiceSubmitted", "InvoiceReimbursed"]);
    });

    it("does not come back with a backup taken before it: npm run restore and every start apply the register", async () => {
      await api.close();
      await node.stop();
      const { stdout } = await backupCommand("restore", "--from", backupDir);
      expect(lastJsonLine(stdout).erasures).to.include({ applied: 2, registered: 0 });
      // The backup holds the erased documents' keys and salts (sealed): what the register keeps from coming back.
      const backedUpKeys = readFileSync(join(backupDir, "database", "document_keys.copy"), "utf8");
      expect(backedUpKeys).to.include(held.id).and.to.include(unclaimed.id);
      node = await startNodeProcess(dataDir, {}, 2, { port: Number(new URL(node.url).port) });
      await startTheApi();
      await untilIndexed();

      const checkErased = async () => {
        const answers = await answersAbout();
        for (const [who, answer] of Object.entries(answers)) expect([who, answer.status, holds(answer.body)]).to.deep.equal([who, 200, []]);
        // The chain is the backup's (Issued, before the submission), the document stays erased.
        expect([answers.bureau.body.state, answers.bureau.body.document.document.buyer, answers.bureau.body.document.salt]).to.deep.equal(["Issued", { type: "individual", name: null, erased: true }, null]);
        expect((await bureau.get("/v1/erasures")).body.erasures.map((e: { invoiceId: string }) => e.invoiceId)).to.deep.equal([held.id, unclaimed.id]);
        await sql(async (client) => expect((await client.query("SELECT id FROM document_keys WHERE id = ANY($1)", [[held.id, unclaimed.id]])).rowCount).to.equal(0));
        expect((await scanDatabase(databaseDir(), needles)).hits).to.deep.equal([]);
      };
      await checkErased();

      // A database put back by other means (a copy of the cluster, point-in-time recovery) with the key row the
      // backup holds: the API's start applies the register before it serves.
      await api.close();
      const line = backedUpKeys.split("\n").find((row) => row.startsWith(`${held.id}\t`))!;
      const [id, salt, sealedKey] = line.split("\t");
      await sql(async (client) => {
        await client.query("INSERT INTO document_keys (id, salt, sealed_key) VALUES ($1, $2, $3)", [id, salt, sealedKey]);
        await client.query("DELETE FROM erasures");
      });
      await startTheApi();
      await checkErased();
    });

    after(() => {
      if (backupDir !== undefined) rmSync(join(backupDir, ".."), { recursive: true, force: true });
    });

    async function untilIndexed(): Promise<void> {
      let health = await anyone().get("/health");
      for (let i = 0; i < 200 && !(health.status === 200 && health.body.index.indexedBlock >= health.body.chain.block); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        health = await anyone().get("/health");
      }
      expect([health.status, health.body.index.missingDocuments], JSON.stringify(health.body)).to.deep.equal([200, 0]);
    }
  });
});
