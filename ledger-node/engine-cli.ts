/**
 * `npm run node:renew-engine`: renews the running node's engine from its state snapshot now, at a time the operator
 * chooses (a quiet hour), whatever its history; the node renews it by itself once its history weighs as much as
 * its state and the chain has been quiet for a while (chain/engine-renewal.ts).
 *
 *   npm run node:renew-engine                                        the node at 127.0.0.1:8545, data in ./data
 *   npm run node:renew-engine -- --url http://127.0.0.1:8546 --data-dir ./data-standby
 *
 * Runs on the node's machine, with its admin token (LEDGER_ADMIN_TOKEN, or <data dir>/admin.token). Prints what
 * the renewal did (the snapshot block, its slots, the blocks applied after it, the transactions handed over, how
 * long it took and how long of that the write lock was held); exit 2 with ENGINE_NOT_RENEWED and the reason when it
 * did not take place (not enough memory for a second engine, no snapshot yet, the node stopping).
 */
import { Command } from "commander";

import { adminPost } from "./admin-client";

const program = new Command()
  .name("ledger-node renew-engine")
  .option("--url <url>", "the running node", "http://127.0.0.1:8545")
  .option("--data-dir <dir>", "the node's data directory, where its admin.token is")
  .parse();

async function main(): Promise<void> {
  const options = program.opts<{ url: string; dataDir?: string }>();
  const { ok, status, body } = await adminPost(options.dataDir, options.url, "/admin/engine/renew", {});
  if (!ok) {
    console.error(`not renewed (${body.code ?? status}): ${body.error ?? JSON.stringify(body)}`);
    process.exit(body.code === "ENGINE_NOT_RENEWED" ? 2 : 1);
  }
  console.log(JSON.stringify(body));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
