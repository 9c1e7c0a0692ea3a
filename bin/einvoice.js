#!/usr/bin/env node
"use strict";
/**
 * `einvoice` (package.json `bin`; also `npm run cli -- ...`): the command-line client of the API. Runs the
 * built CLI (dist/scripts/cli/main.js) in this process, building first when dist/ is missing or older than the
 * sources, as bin/run.js does for the operator commands. Build output goes to stderr; stdout stays the
 * command's own (JSON with --json).
 *
 *   einvoice issue --from orders.csv
 *   einvoice --help
 */
const { join } = require("node:path");

const { ROOT, ensureBuilt } = require("./build-state");

try {
  ensureBuilt();
} catch (error) {
  process.stderr.write(`einvoice: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.setSourceMapsEnabled(true);
const { main } = require(join(ROOT, "dist", "scripts", "cli", "main.js"));
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`einvoice: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
