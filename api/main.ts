import { Command } from "commander";

import { useNativeKeccak } from "../crypto/native";
import { startApi } from "./api-server";
import { resolveApiConfig } from "./config";
import { ApiError } from "./errors";
import { exitCodeOf } from "./start-refusal";
import { createLogger } from "../lib/logger";
import { stopWhenParentGone } from "../lib/parent-watch";
import { printConfig } from "../lib/print-config";
import { applyConfigFileOrRefuse, assertPortFree, assertWritableDirectory, ENVIRONMENT_EXIT_CODES, environmentFailureOf, refuseStart } from "../lib/start-failure";

/**
 * `node api/main.ts`: the HTTP API in front of any ledger endpoint. Prints one JSON line with event "ready"
 * on stdout (for scripts) and a plain summary on stderr (for people); SIGTERM/SIGINT stop it gracefully.
 * A refusal to start exits with its own code (start-refusal.ts: 3 damaged database page, 4 wrong master key,
 * 5 index ahead of the chain, 6 database unavailable, 7 a LevelDB-era store to import, 8 contracts that are
 * not this build's; lib/start-failure.ts: 2 configuration, 9 port in use, 10 data directory not writable,
 * 11 disk full; 1 anything else) after one JSON log line with that `code` and a sentence on stderr.
 */
const program = new Command()
  .name("api")
  .option("--config <file>", "a JSON file of settings (LEDGER_CONFIG); the environment and these flags override it")
  .option("--print-config", "print the configuration this would start with (secrets hidden) and exit")
  .option("--port <port>", "port to listen on (API_PORT, default 3000)")
  .option("--host <host>", "address to listen on (API_HOST, default 127.0.0.1)")
  .option("--rpc-url <url>", "ledger JSON-RPC endpoint (LEDGER_RPC_URL)")
  .option("--data-dir <dir>", "the API's data directory (API_DATA_DIR, default ./data/api)")
  .option("--database-url <url>", "a PostgreSQL 15+ server (DATABASE_URL); without it the embedded server under ./data/postgres runs")
  .addHelpText("after", "\nExamples:\n  npm run api -- --rpc-url http://127.0.0.1:8545\n  DATABASE_URL=postgresql://ledger@db.internal/ledger_api npm run api -- --config /etc/e-invoice/api.json --print-config")
  .parse();
const options = program.opts<{ config?: string; printConfig?: boolean; port?: string; host?: string; rpcUrl?: string; dataDir?: string; databaseUrl?: string }>();

const WHO = "The API";
const applied = applyConfigFileOrRefuse(options.config, WHO, () => createLogger("api"));
const logger = createLogger("api");
function refuse(code: string, exitCode: number, message: string, details?: Record<string, unknown>, error?: unknown): never {
  return refuseStart(WHO, { code, exitCode, message, ...(details === undefined ? {} : { details }) }, logger, error);
}

async function main(): Promise<void> {
  useNativeKeccak();
  let config;
  try {
    config = resolveApiConfig({
      ...(options.port === undefined ? {} : { port: Number(options.port) }),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.rpcUrl === undefined ? {} : { rpcUrl: options.rpcUrl }),
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    });
  } catch (error) {
    refuse("CONFIG_INVALID", ENVIRONMENT_EXIT_CODES.CONFIG_INVALID, error instanceof Error ? error.message : String(error));
  }
  if (options.printConfig === true) {
    printConfig(applied, { api: config });
    return;
  }
  assertWritableDirectory(config.dataDir, "the API");
  if (config.databaseUrl === undefined) assertWritableDirectory(config.databaseDir, "the API's embedded database");
  await assertPortFree(config.host, config.port, "the API");
  const api = await startApi(config, logger);
  process.stdout.write(`${JSON.stringify({ event: "ready", url: api.url, docs: `${api.url}/docs`, rpcUrl: config.rpcUrl, bureauKeyFile: api.bureauKeyFile })}\n`);
  process.stderr.write(`API ready at ${api.url} (docs ${api.url}/docs), ledger ${config.rpcUrl}\nFirst tax-bureau API key: ${api.bureauKeyFile}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    api.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  stopWhenParentGone((reason) => stop(reason));
}

// A reader of our output that went away (a closed pipe, a full log disk) must not take the API down with it.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

main().catch((error: unknown) => {
  if (error instanceof ApiError) refuse(error.code, exitCodeOf(error), error.message, error.details);
  const environment = environmentFailureOf(error, "the API");
  if (environment !== undefined) refuseStart(WHO, environment, logger);
  refuse("START_FAILED", 1, error instanceof Error ? error.message : String(error), {}, error);
});
