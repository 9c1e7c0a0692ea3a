import { spawnSync } from "node:child_process";

import { Command } from "commander";

/**
 * The schema-aware API fuzz (test/api/api.fuzz.test.ts) at a size of your choosing:
 *   npm run test:fuzz -- --runs 200 --seed random
 * `--runs` is the number of requests per route and role (npm test runs 30); `--seed random` picks one and
 * prints it, so a failure can be replayed with `--seed <n>`. Exits non-zero when the property fails.
 */
const program = new Command()
  .name("test:fuzz")
  .description("Fuzz every API route, as every role, with values derived from the routes' zod schemas")
  .option("--runs <n>", "requests per route and role", "200")
  .option("--seed <n|random>", "fast-check seed, or 'random'", "random")
  .option("--verbose", "print the statuses seen per route")
  .addHelpText("after", "\nExample:\n  npm run test:fuzz -- --runs 2000 --seed random\n  npm run test:fuzz -- --runs 200 --seed 1234567   # replay a failure")
  .parse();

const options = program.opts<{ runs: string; seed: string; verbose?: boolean }>();
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) program.error(`--runs must be a positive integer, not ${options.runs}`);
const seed = options.seed === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(options.seed);
if (!Number.isInteger(seed)) program.error(`--seed must be an integer or 'random', not ${options.seed}`);
process.stderr.write(`fuzz: ${runs} requests per route and role, seed ${seed}\n`);

const result = spawnSync("npx", ["hardhat", "test", "test/api/api.fuzz.test.ts"], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), ...(options.verbose ? { FUZZ_VERBOSE: "1" } : {}) },
});
if (result.status !== 0) process.stderr.write(`fuzz failed; replay with: npm run test:fuzz -- --runs ${runs} --seed ${seed}\n`);
process.exit(result.status ?? 1);
