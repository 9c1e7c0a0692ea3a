/**
 * `npm run test:faults -- --rounds 20`: the fault suite (test/faults) with as many kill -9 rounds as asked;
 * `npm test` runs it with FAULT_ROUNDS (default 3).
 */
import { spawnSync } from "node:child_process";

import { Command } from "commander";

const options = new Command()
  .name("test:faults")
  .option("--rounds <n>", "kill -9 rounds (node, API, both, in turn)", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds must be a positive integer, not ${v}`);
    return n;
  }, 20)
  .parse()
  .opts<{ rounds: number }>();

const result = spawnSync(process.execPath, [require.resolve("hardhat/internal/cli/cli.js"), "test", "test/faults/api.faults.test.ts"], {
  stdio: "inherit",
  env: { ...process.env, FAULT_ROUNDS: String(options.rounds) },
});
process.exit(result.status ?? 1);
