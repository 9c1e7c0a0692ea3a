import { join, resolve } from "node:path";

import { Command } from "commander";

import { seedDemo } from "./seed-demo";

/**
 * `npm run seed`: fills the running system (started with `npm start`) with a demo, through the API, and saves
 * every demo party's API key in `<data dir>/demo/keys.json`.
 */
const options = new Command()
  .name("seed")
  .option("--api-url <url>", "the running API", process.env.API_URL ?? "http://127.0.0.1:3000")
  .option("--data-dir <dir>", "the system's data directory: the bureau's key is read from it, the demo's keys are saved in it (demo/keys.json)", process.env.LEDGER_DATA_DIR ?? "./data")
  .option("--bureau-key-file <file>", "the bureau's API key (default: <data dir>/api/bureau-api-key)")
  .parse()
  .opts<{ apiUrl: string; dataDir: string; bureauKeyFile?: string }>();

seedDemo(options.apiUrl, resolve(options.bureauKeyFile ?? join(options.dataDir, "api", "bureau-api-key")), { dataDir: resolve(options.dataDir) }).then(
  (summary) => process.stdout.write(`${summary}\n`),
  (error: unknown) => {
    process.stderr.write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
