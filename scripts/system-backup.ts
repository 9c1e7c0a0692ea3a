/**
 * Whole-system backup and restore: the ledger node's chain and the API's database, consistent with each other.
 *
 *   npm run backup -- --to <new dir>      while everything runs
 *   npm run restore -- --from <dir>       with the node and the API stopped
 *
 * The chain is copied first (the node's own consistent backup, through its admin route), the database second
 * (one snapshot, api/db/logical-backup.ts): a document is stored before its seal goes on chain, so every seal
 * in the copied chain has its document in the later database copy. The event index is not copied; the API
 * rebuilds it from the restored chain at its first start. Secrets are not copied: the API's master key
 * (`data/api/master.key` or API_MASTER_KEY) and the node's authority key (`data/authority.key` or
 * LEDGER_AUTHORITY_KEY) must be kept apart, and the restored system needs the same ones.
 *
 * Neither is the erasure register (`data/api/erasures.register`, api/services/erasure-register.ts): a backup taken
 * before an erasure holds the erased document's data key and salt, so the restore does every erasure the register
 * lists again, right after loading the database, and the API does it again at every start. The restore replaces
 * the chain store, the deployment file and the database, never a file of the API's data directory.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { Command } from "commander";
import { sql } from "kysely";

import { resolveApiConfig } from "../api/config";
import { openDatabase } from "../api/db/database";
import { dumpDatabase, restoreDatabase } from "../api/db/logical-backup";
import { PLAINTEXT_SETTING } from "../api/db/plaintext-conversion";
import { putSetting } from "../api/db/settings";
import { applyErasureRegister } from "../api/services/erasure";
import { ErasureRegister, registerFile } from "../api/services/erasure-register";
import { adminTokenFile } from "../ledger-node/admin-token";
import { resolveConfig } from "../ledger-node/config";
import { restoreChainStore } from "../ledger-node/store/restore-chain";
import { createLogger } from "../lib/logger";

const NOTE =
  "Not in this backup: the API's master key (data/api/master.key or API_MASTER_KEY), its erasure register (data/api/erasures.register) and the node's authority key (data/authority.key or LEDGER_AUTHORITY_KEY). Keep them apart; a restore needs the same ones, and applies the register.";

const program = new Command().name("system-backup");

program
  .command("backup")
  .requiredOption("--to <dir>", "a new directory for the backup")
  .option("--rpc-url <url>", "the running ledger node", process.env.LEDGER_RPC_URL ?? "http://127.0.0.1:8545")
  .action(async (options: { to: string; rpcUrl: string }) => {
    const target = resolve(options.to);
    if (existsSync(target)) throw new Error(`${target} exists: a backup goes into a new directory`);
    const node = resolveConfig({});
    const api = resolveApiConfig();
    mkdirSync(target, { recursive: true, mode: 0o700 });
    // 1. The chain: the node writes a consistent copy under its data directory; moved here.
    const token = node.adminToken ?? readFileSync(adminTokenFile(node.dataDir), "utf8").trim();
    const name = `system-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    const response = await fetch(`${options.rpcUrl}/admin/backup`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ name }) });
    const chain = (await response.json()) as { backup?: string; head?: unknown };
    if (!response.ok || chain.backup === undefined) throw new Error(`the node refused the backup (${response.status}): ${JSON.stringify(chain)}`);
    moveDir(chain.backup, join(target, "chain"));
    cpSync(api.deploymentFile, join(target, "deployment.json"));
    // 2. The database, after the chain.
    const database = await openDatabase({ databaseUrl: api.databaseUrl, embeddedDir: api.databaseDir }, createLogger("backup"));
    let tables;
    try {
      tables = await dumpDatabase(database.url, join(target, "database"));
    } finally {
      await database.close();
    }
    const manifest = { format: 1, takenAt: new Date().toISOString(), chain: { head: chain.head }, database: tables.tables.map((t) => ({ table: t.name, rows: t.rows })), note: NOTE };
    writeFileSync(join(target, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    console.log(JSON.stringify({ backup: target, ...manifest }));
  });

program
  .command("restore")
  .requiredOption("--from <dir>", "a backup taken with npm run backup")
  .action(async (options: { from: string }) => {
    const source = resolve(options.from);
    if (!existsSync(join(source, "manifest.json"))) throw new Error(`${source} is not a system backup (no manifest.json)`);
    const node = resolveConfig({});
    const api = resolveApiConfig();
    // Read before anything is replaced: a damaged register stops the restore here.
    const register = await ErasureRegister.open(registerFile(api.dataDir));
    const chain = await restoreChainStore(node, join(source, "chain"));
    cpSync(join(source, "deployment.json"), api.deploymentFile);
    const database = await openDatabase({ databaseUrl: api.databaseUrl, embeddedDir: api.databaseDir }, createLogger("restore"));
    try {
      const restored = await restoreDatabase(database.url, join(source, "database"));
      if (!restored.migrations.includes("0004-document-keys")) {
        // Taken before personal fields were encrypted per document: the database is the backup's, without keys
        // or erasures of its own, and the API converts its documents at its next start.
        await sql`TRUNCATE document_keys, erasures`.execute(database.db);
        await putSetting(database.db, PLAINTEXT_SETTING, true);
      }
      const erasures = await applyErasureRegister(database.db, register);
      console.log(JSON.stringify({ restored: source, chain, database: restored.tables.map((t) => ({ table: t.name, rows: t.rows })), erasures: { register: register.file, ...erasures }, note: NOTE }));
    } finally {
      await database.close();
    }
  });

/** Renames, or copies then removes across file systems. */
function moveDir(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    cpSync(from, to, { recursive: true });
    rmSync(from, { recursive: true, force: true });
  }
}

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
