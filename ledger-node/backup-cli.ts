/**
 * Backup and restore of the ledger node's chain store.
 *
 *   npm run node:backup -- --to <new dir>                 consistent copy of a running node (asks the node)
 *   npm run node:restore -- --from <backup dir>           puts a backup in place of ./data/chain (node stopped)
 *
 * A restored store is verified like any other at the next start (seals, links, re-execution).
 */
import { existsSync, renameSync, cpSync } from "node:fs";
import { resolve } from "node:path";

import { Command } from "commander";

import { chainDir, resolveConfig } from "./config";
import { ChainStore } from "./store/chain-store";

const program = new Command().name("ledger-node backup");

program
  .command("backup")
  .requiredOption("--to <dir>", "a directory that does not exist yet")
  .option("--url <url>", "the running node", "http://127.0.0.1:8545")
  .action(async (options: { to: string; url: string }) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (process.env.LEDGER_RPC_TOKEN) headers.authorization = `Bearer ${process.env.LEDGER_RPC_TOKEN}`;
    const response = await fetch(`${options.url}/admin/backup`, { method: "POST", headers, body: JSON.stringify({ target: resolve(options.to) }) });
    const body = (await response.json()) as unknown;
    if (!response.ok) throw new Error(`the node refused the backup (${response.status}): ${JSON.stringify(body)}`);
    console.log(JSON.stringify({ backup: resolve(options.to), ...(body as object) }));
  });

program
  .command("restore")
  .requiredOption("--from <dir>", "a backup taken with node:backup")
  .option("--data-dir <dir>", "the node's data directory")
  .action(async (options: { from: string; dataDir?: string }) => {
    const config = resolveConfig(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
    const source = resolve(options.from);
    if (!existsSync(source)) throw new Error(`no backup at ${source}`);
    // Refuse anything that is not a chain store before touching the current one.
    const backup = await ChainStore.open(source);
    const meta = await backup.meta();
    const head = await backup.head();
    await backup.close();
    if (meta === undefined) throw new Error(`${source} is not a ledger chain store`);
    const target = chainDir(config);
    if (existsSync(target)) {
      const aside = `${target}.before-restore-${Date.now()}`;
      renameSync(target, aside);
      console.log(JSON.stringify({ movedAside: aside }));
    }
    cpSync(source, target, { recursive: true });
    console.log(JSON.stringify({ restored: target, chainId: meta.chainId, head: head?.number ?? 0 }));
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
