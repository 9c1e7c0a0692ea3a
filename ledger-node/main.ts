/**
 * `npm run node`: the permissioned ledger chain on 127.0.0.1:8545, data under ./data/chain.
 * Owns the process: signals, graceful shutdown, exit codes.
 */
import { Command } from "commander";

import { useNativeKeccak } from "../crypto/native";
import { authorityKeyFile } from "./authority-key";
import { resolveConfig } from "./config";
import { LedgerNodeError } from "./errors";
import { startLedgerNode } from "./ledger-node";
import { createLogger } from "../lib/logger";

const program = new Command()
  .name("ledger-node")
  .description("the e-invoice ledger's permissioned EVM chain")
  .option("--data-dir <dir>", "where the chain and the authority key live")
  .option("--host <host>", "address to listen on")
  .option("--port <port>", "JSON-RPC port", (v) => Number(v))
  .option("--block-window-ms <ms>", "how long a block collects transactions", (v) => Number(v))
  .option("--follow <url>", "run as a standby of the primary at <url> (needs LEDGER_PRIMARY_ADMIN_TOKEN and the chain's authority key)")
  .option("--sync-standby", "acknowledge a block only once a standby has it too (LEDGER_SYNC_STANDBY=1)")
  .addHelpText("after", "\nExamples:\n  npm run node\n  LEDGER_PRIMARY_ADMIN_TOKEN=$(cat data/admin.token) LEDGER_AUTHORITY_KEY=$(cat data/authority.key) \\\n    npm run node -- --data-dir ./data-standby --port 8546 --follow http://127.0.0.1:8545\n  npm run node:promote -- --data-dir ./data-standby --port 8546")
  .parse();

const options = program.opts<{ dataDir?: string; host?: string; port?: number; blockWindowMs?: number; follow?: string; syncStandby?: boolean }>();
const logger = createLogger("ledger-node");

async function main(): Promise<void> {
  useNativeKeccak();
  const { syncStandby, ...rest } = options;
  const config = resolveConfig({ ...rest, ...(syncStandby === true ? { syncStandby } : {}) });
  const node = await startLedgerNode({
    config,
    logger,
    onFatal: (error) => {
      logger.fatal({ err: error }, "a block could not be journaled; stopping so that nothing unjournaled is served");
      process.exit(70);
    },
  });
  // One machine-readable line that a parent process (npm start, tests) waits for.
  logger.info({ event: "ready", url: node.url, chainId: node.chainId, authority: node.authority, contracts: node.deployment, role: node.role() }, "ready");
  // For the person at the terminal; stdout stays one JSON object per line for machines.
  process.stderr.write(
    [
      "",
      `ledger node ready: JSON-RPC at ${node.url} (chain id ${node.chainId})${node.role() === "standby" ? `, standby of ${config.follow} (promote with npm run node:promote)` : ""}`,
      `  contracts   registry ${node.deployment.registry}  ledger ${node.deployment.ledger}  forwarder ${node.deployment.forwarder}`,
      `  bureau      ${node.authority}, key in ${config.authorityKey === undefined ? authorityKeyFile(config.dataDir) : "LEDGER_AUTHORITY_KEY"}`,
      `  health      ${node.url}/health    metrics ${node.url}/metrics`,
      "  stop with Ctrl-C; everything acknowledged is on disk",
      "",
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    node.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof LedgerNodeError) {
    logger.fatal({ code: error.code, details: error.details }, error.message);
    process.exit(error.code === "STORE_CORRUPTED" ? 3 : 2);
  }
  logger.fatal({ err: error }, "the ledger node could not start");
  process.exit(1);
});
