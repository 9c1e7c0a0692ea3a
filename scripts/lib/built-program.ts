import { join } from "node:path";

/**
 * The JavaScript file of one of our built programs, to run as a process: `builtProgram("ledger-node/main")`.
 * Run from the sources (tests and benchmarks under ts-node), it makes sure `dist/` is the build of those
 * sources first (bin/build-state.js builds when it is missing or stale), so a test never runs yesterday's
 * build; run from `dist/` (npm start), it is the file in the same build as this one.
 */
let checked = false;

export function builtProgram(module: string): string {
  if (!__filename.endsWith(".ts")) return join(__dirname, "..", "..", `${module}.js`);
  const root = join(__dirname, "..", "..");
  if (!checked) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript that runs before any build
    (require(join(root, "bin", "build-state.js")) as { ensureBuilt(root: string): void }).ensureBuilt(root);
    checked = true;
  }
  return join(root, "dist", `${module}.js`);
}
