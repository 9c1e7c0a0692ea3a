/**
 * `npm run node:promote`: makes a standby the primary, once the primary is gone.
 *
 *   npm run node:promote -- --data-dir ./data-standby --port 8546          the standby at 127.0.0.1:8546
 *   npm run node:promote -- --data-dir ./data-standby --port 8546 --force  even though the old primary still answers
 *
 * Runs on the standby's machine, with the standby's admin token (LEDGER_ADMIN_TOKEN, or <data dir>/admin.token).
 * The standby refuses (PRIMARY_ALIVE, exit 2) while the primary it follows still answers: two nodes sealing one
 * chain would fork it. `--force` is for a primary that answers but can no longer seal (its disk is gone, say);
 * stop it for good before using it. Prints the new primary's head and how long the takeover took.
 */
import { Command } from "commander";

import { adminPost } from "./admin-client";

const program = new Command()
  .name("ledger-node promote")
  .option("--data-dir <dir>", "the standby's data directory, where its admin.token is")
  .option("--host <host>", "the standby's address", "127.0.0.1")
  .option("--port <port>", "the standby's JSON-RPC port", "8545")
  .option("--force", "promote even though the primary still answers")
  .parse();

async function main(): Promise<void> {
  const options = program.opts<{ dataDir?: string; host: string; port: string; force?: boolean }>();
  const { ok, status, body } = await adminPost(options.dataDir, `http://${options.host}:${options.port}`, "/admin/promote", { force: options.force === true });
  if (!ok) {
    console.error(`not promoted (${body.code ?? status}): ${body.error ?? JSON.stringify(body)}`);
    process.exit(body.code === "PRIMARY_ALIVE" ? 2 : 1);
  }
  console.log(JSON.stringify(body));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
