import { Command } from "commander";

import { connectLedger } from "./chain/ledger-client";
import { resolveApiConfig } from "./config";
import { openDatabase } from "./db/database";
import { EventIndexer } from "./indexer/event-indexer";
import { createOutbox } from "./webhooks/outbox";
import { createLogger } from "../lib/logger";

/**
 * `npm run api:reindex`: clears the API's event index and rebuilds it from the chain's events. Run it with
 * the API stopped: a running API's indexer writes the same tables (the rebuild stops when it sees another
 * writer), and the embedded server is stopped again when the rebuild ends. Documents, keys and idempotency
 * records are not touched: only what is derived from the chain. The rebuilt index reports every seal whose
 * document the database lacks (after a restore from an older backup, say).
 */
const options = new Command()
  .name("api:reindex")
  .option("--rpc-url <url>", "ledger JSON-RPC endpoint (LEDGER_RPC_URL)")
  .option("--data-dir <dir>", "the API's data directory (API_DATA_DIR, default ./data/api)")
  .option("--database-url <url>", "a PostgreSQL 15+ server (DATABASE_URL); without it the embedded server under ./data/postgres")
  .parse()
  .opts<{ rpcUrl?: string; dataDir?: string; databaseUrl?: string }>();

async function main(): Promise<void> {
  const config = resolveApiConfig({
    ...(options.rpcUrl === undefined ? {} : { rpcUrl: options.rpcUrl }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  });
  const logger = createLogger("api-reindex");
  const client = await connectLedger(config);
  try {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.databaseDir }, logger);
    try {
      // The webhook outbox: events above its mark (new since it last fanned out) are fanned out; history is not sent again.
      const indexer = new EventIndexer(client, database, logger, { pollIntervalMs: config.pollIntervalMs, outbox: createOutbox({ numberForm: config.numberForm }) });
      const result = await indexer.rebuild();
      const { missingDocuments } = indexer.status();
      process.stdout.write(`${JSON.stringify({ event: "reindexed", ...result, missingDocuments, eventsPerSecond: Math.round(result.events / Math.max(result.seconds, 0.001)) })}\n`);
    } finally {
      await database.close();
    }
  } finally {
    client.provider.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Reindexing failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
