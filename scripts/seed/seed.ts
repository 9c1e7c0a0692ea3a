import { join, resolve } from "node:path";

import { Command } from "commander";

import { seedDemo } from "./seed-demo";

/** `npm run seed`: fills the running system (started with `npm start`) with a demo, through the API. */
const options = new Command()
  .name("seed")
  .option("--api-url <url>", "the running API", process.env.API_URL ?? "http://127.0.0.1:3000")
  .option("--bureau-key-file <file>", "the bureau's API key", join(process.env.LEDGER_DATA_DIR ?? "./data", "api", "bureau-api-key"))
  .parse()
  .opts<{ apiUrl: string; bureauKeyFile: string }>();

seedDemo(options.apiUrl, resolve(options.bureauKeyFile)).then(
  (summary) => process.stdout.write(`${summary}\n`),
  (error: unknown) => {
    process.stderr.write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
