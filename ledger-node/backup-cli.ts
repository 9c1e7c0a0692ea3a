/**
 * Backup and restore of the ledger node's chain store.
 *
 *   npm run node:backup -- --name <new name>              consistent copy of a running node into <data dir>/backups/<name>
 *   npm run node:restore -- --from <backup dir>           puts a backup in place of ./data/chain (node stopped)
 *
 * The node writes backups only under its data directory, and only for a caller with its admin token
 * (LEDGER_ADMIN_TOKEN, or <data dir>/admin.token, which this command reads). A restored store is verified
 * like any other at the next start (seals, links, re-execution); restoring also records the backup's head as
 * the acknowledged head (store/head-record.ts), since going back to it is what a restore means.
 */
import { Command } from "commander";

import { adminPost } from "./admin-client";
import { resolveConfig } from "./config";
import { restoreChainStore } from "./store/restore-chain";

const program = new Command().name("ledger-node backup");

program
  .command("backup")
  .requiredOption("--name <name>", "a new backup name (letters, digits, '.', '_', '-'); written to <data dir>/backups/<name>")
  .option("--url <url>", "the running node", "http://127.0.0.1:8545")
  .option("--data-dir <dir>", "the node's data directory, where its admin.token is")
  .action(async (options: { name: string; url: string; dataDir?: string }) => {
    const answer = await adminPost(options.dataDir, options.url, "/admin/backup", { name: options.name });
    if (!answer.ok) throw new Error(`the node refused the backup (${answer.status}): ${JSON.stringify(answer.body)}`);
    console.log(JSON.stringify(answer.body));
  });

program
  .command("restore")
  .requiredOption("--from <dir>", "a backup taken with node:backup")
  .option("--data-dir <dir>", "the node's data directory")
  .action(async (options: { from: string; dataDir?: string }) => {
    const config = resolveConfig(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
    console.log(JSON.stringify(await restoreChainStore(config, options.from)));
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
