import { join } from "node:path";

import { Command } from "commander";

import { connectLedger } from "./chain/ledger-client";
import { resolveApiConfig } from "./config";
import { EventIndexer } from "./indexer/event-indexer";
import { ApiStore } from "./store/api-store";
import { createLogger } from "../lib/logger";

/**
 * `npm run api:reindex`: clears the API's event index and rebuilds it from the chain's events. Run it with
 * the API stopped (it opens the API's LevelDB, which one process at a time may hold). Documents, keys and
 * idempotency records are not touched: only what is derived from the chain. `--accept-store` also accepts the
 * store as it now is (after a deliberate restore from a backup: clears a recorded damage and resets the
 * acknowledgement mark); the rebuilt index then reports every seal whose document the store lacks.
 */
const options = new Command()
  .name("api:reindex")
  .option("--rpc-url <url>", "ledger JSON-RPC endpoint (LEDGER_RPC_URL)")
  .option("--data-dir <dir>", "the API's data directory (API_DATA_DIR, default ./data/api)")
  .option("--accept-store", "accept the store as it is after a deliberate restore (clears a recorded damage)")
  .parse()
  .opts<{ rpcUrl?: string; dataDir?: string; acceptStore?: boolean }>();

async function main(): Promise<void> {
  const config = resolveApiConfig({ ...(options.rpcUrl === undefined ? {} : { rpcUrl: options.rpcUrl }), ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) });
  const logger = createLogger("api-reindex");
  const client = await connectLedger(config);
  const store = await ApiStore.open(join(config.dataDir, "db"), { acceptCurrentState: options.acceptStore === true });
  try {
    const indexer = new EventIndexer(client, store, logger, { pollIntervalMs: config.pollIntervalMs });
    const result = await indexer.rebuild();
    const { missingDocuments } = indexer.status();
    process.stdout.write(`${JSON.stringify({ event: "reindexed", ...result, missingDocuments, eventsPerSecond: Math.round(result.events / Math.max(result.seconds, 0.001)) })}\n`);
  } finally {
    await store.close();
    client.provider.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Reindexing failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
