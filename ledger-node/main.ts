/**
 * `npm run node`: the permissioned ledger chain on 127.0.0.1:8545, data under ./data/chain.
 * Owns the process: configuration, signals, graceful shutdown, exit codes (2 configuration, 3 damaged store,
 * 9 port in use, 10 data directory not writable, 11 disk full, 70 a block could not be journaled).
 */
import { Command } from "commander";

import { useNativeKeccak } from "../crypto/native";
import { authorityKeyFile } from "./authority-key";
import { resolveConfig } from "./config";
import { LedgerNodeError } from "./errors";
import { startLedgerNode } from "./ledger-node";
import { createLogger } from "../lib/logger";
import { stopWhenParentGone } from "../lib/parent-watch";
import { printConfig } from "../lib/print-config";
import { applyConfigFileOrRefuse, assertPortFree, assertWritableDirectory, environmentFailureOf, refuseStart } from "../lib/start-failure";

const program = new Command()
  .name("ledger-node")
  .description("the e-invoice ledger's permissioned EVM chain")
  .option("--config <file>", "a JSON file of settings (LEDGER_CONFIG); the environment and these flags override it")
  .option("--print-config", "print the configuration this would start with (secrets hidden) and exit")
  .option("--data-dir <dir>", "where the chain and the authority key live")
  .option("--host <host>", "address to listen on")
  .option("--port <port>", "JSON-RPC port", (v) => Number(v))
  .option("--block-window-ms <ms>", "how long a block collects transactions", (v) => Number(v))
  .option("--follow <url>", "run as a standby of the primary at <url> (needs LEDGER_PRIMARY_ADMIN_TOKEN and the chain's authority key)")
  .option("--sync-standby", "acknowledge a block only once a standby has it too (LEDGER_SYNC_STANDBY=1)")
  .addHelpText("after", "\nExamples:\n  npm run node\n  npm run node -- --config /etc/e-invoice/ledger.json --print-config\n  LEDGER_PRIMARY_ADMIN_TOKEN=$(cat data/admin.token) LEDGER_AUTHORITY_KEY=$(cat data/authority.key) \\\n    npm run node -- --data-dir ./data-standby --port 8546 --follow http://127.0.0.1:8545\n  npm run node:promote -- --data-dir ./data-standby --port 8546")
  .parse();

const { config: configFile, printConfig: print, syncStandby, ...rest } = program.opts<{ config?: string; printConfig?: boolean; dataDir?: string; host?: string; port?: number; blockWindowMs?: number; follow?: string; syncStandby?: boolean }>();

const WHO = "The ledger node";
const applied = applyConfigFileOrRefuse(configFile, WHO, () => createLogger("ledger-node"));
const logger = createLogger("ledger-node");

async function main(): Promise<void> {
  useNativeKeccak();
  const config = resolveConfig({ ...rest, ...(syncStandby === true ? { syncStandby } : {}) });
  if (print === true) {
    printConfig(applied, { node: config });
    return;
  }
  assertWritableDirectory(config.dataDir, "the ledger node");
  await assertPortFree(config.host, config.port, "the ledger node");
  const node = await startLedgerNode({
    config,
    logger,
    onFatal: (error) => {
      const environment = environmentFailureOf(error, "the ledger node");
      logger.fatal({ err: error, ...(environment === undefined ? {} : { code: environment.code }) }, "a block could not be journaled; stopping so that nothing unjournaled is served");
      if (environment !== undefined) process.stderr.write(`The ledger node stopped (${environment.code}): ${environment.message}\n`);
      process.exit(70);
    },
  });
  // One machine-readable line that a parent process (npm start, tests) waits for, whatever LOG_LEVEL says.
  logger.child({}, { level: "info" }).info({ event: "ready", url: node.url, chainId: node.chainId, authority: node.authority, contracts: node.deployment, role: node.role() }, "ready");
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
  stopWhenParentGone((reason) => shutdown(reason));
}

// A reader of our output that went away (a closed pipe) must not take the node down with it.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

main().catch((error: unknown) => {
  if (error instanceof LedgerNodeError) {
    refuseStart(WHO, { code: error.code, exitCode: error.code === "STORE_CORRUPTED" ? 3 : 2, message: error.message, details: error.details }, logger);
  }
  const environment = environmentFailureOf(error, "the ledger node");
  if (environment !== undefined) refuseStart(WHO, environment, logger);
  refuseStart(WHO, { code: "START_FAILED", exitCode: 1, message: error instanceof Error ? error.message : String(error) }, logger, error);
});
