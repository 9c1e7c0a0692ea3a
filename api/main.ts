import { Command } from "commander";

import { useNativeKeccak } from "../crypto/native";
import { startApi } from "./api-server";
import { resolveApiConfig } from "./config";
import { ApiError } from "./errors";
import { exitCodeOf } from "./start-refusal";
import { createLogger } from "../lib/logger";

/**
 * `node api/main.ts`: the HTTP API in front of any ledger endpoint. Prints one JSON line with event "ready"
 * on stdout (for scripts) and a plain summary on stderr (for people); SIGTERM/SIGINT stop it gracefully.
 * A refusal to start exits with its own code (start-refusal.ts: 3 damaged database page, 4 wrong master key,
 * 5 index ahead of the chain, 6 database unavailable, 7 a LevelDB-era store to import; 1 anything else) after one JSON log line with that `code` and a sentence on stderr.
 */
const program = new Command()
  .name("api")
  .option("--port <port>", "port to listen on (API_PORT, default 3000)")
  .option("--host <host>", "address to listen on (API_HOST, default 127.0.0.1)")
  .option("--rpc-url <url>", "ledger JSON-RPC endpoint (LEDGER_RPC_URL)")
  .option("--data-dir <dir>", "the API's data directory (API_DATA_DIR, default ./data/api)")
  .option("--database-url <url>", "a PostgreSQL 15+ server (DATABASE_URL); without it the embedded server under ./data/postgres runs")
  .parse();
const options = program.opts<{ port?: string; host?: string; rpcUrl?: string; dataDir?: string; databaseUrl?: string }>();
const logger = createLogger("api");

async function main(): Promise<void> {
  useNativeKeccak();
  const config = resolveApiConfig({
    ...(options.port === undefined ? {} : { port: Number(options.port) }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.rpcUrl === undefined ? {} : { rpcUrl: options.rpcUrl }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  });
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
}

// A reader of our output that went away (a closed pipe, a full log disk) must not take the API down with it.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

main().catch((error: unknown) => {
  const code = error instanceof ApiError ? error.code : "START_FAILED";
  const details = error instanceof ApiError ? error.details : {};
  logger.fatal({ event: "refused", code, exitCode: exitCodeOf(error), details, ...(error instanceof ApiError ? {} : { err: error }) }, error instanceof Error ? error.message : String(error));
  process.stderr.write(`API failed to start (${code}): ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(exitCodeOf(error));
});
