#!/usr/bin/env node
"use strict";
/**
 * Runs one of the built programs: `node bin/run.js <module> [args...]` loads `dist/<module>.js` in this
 * process (no second process, so signals reach it directly), building first when `dist/` is missing or older
 * than the sources. This is what `npm start`, `npm run node`, `npm run api` and the other operator commands run.
 *
 *   node bin/run.js scripts/start --seed
 *   node bin/run.js ledger-node/main --port 8546
 */
const { join } = require("node:path");

const { ROOT, ensureBuilt } = require("./build-state");

const module_ = process.argv[2];
if (module_ === undefined || module_.startsWith("-")) {
  process.stderr.write("usage: node bin/run.js <module under dist/, e.g. scripts/start> [args...]\n");
  process.exit(64);
}
try {
  ensureBuilt();
} catch (error) {
  process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.argv.splice(2, 1);
process.setSourceMapsEnabled(true);
require(join(ROOT, "dist", `${module_}.js`));
