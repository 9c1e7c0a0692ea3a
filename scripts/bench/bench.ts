/**
 * `npm run bench`: every scenario against the real processes on this machine, figures to bench/results.json
 * and BENCHMARKS.md. One scenario alone: `npm run bench -- --only scale --invoices 200000`.
 *
 *   gas    gas per operation and per invoice in batches (Hardhat in process)          -> bench/gas.json too
 *   node   the ledger node alone: batch issue over JSON-RPC, then a restart            -> bench/node.json too
 *   issue  issue throughput through the API (full load, half load, batch requests, peak RSS),
 *          on the ledger node and on `hardhat node`, and the ratio; and on the stub chain (the API's own ceiling)
 *   scale  fast seeding to --invoices, index rebuild, verify and trace latency, restart
 *   restart  the node alone seeded fast to --restart-invoices, then a restart after kill -9 (what a restart grows with)
 *   start  npm start: the first start, then restarts to the banner and stops on SIGTERM
 *   engines  the candidate EVMs of issue 3 (EDR, anvil, @ethereumjs/vm) on one workload, then a crash and
 *          each one's own recovery
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

import { Command } from "commander";

import { record, type GasResult, type NodeResult } from "./lib/results";
import { ENGINES, runEngines, type EngineName } from "./scenarios/engines";
import { runIssue, type IssueResult } from "./scenarios/issue";
import { runRestart } from "./scenarios/restart";
import { runScale } from "./scenarios/scale";
import { runStart } from "./scenarios/start";

const run = promisify(execFile);
const SCENARIOS = ["gas", "node", "issue", "scale", "restart", "start", "engines"] as const;
const int = (v: string) => {
  const parsed = Number(v);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`not a positive integer: ${v}`);
  return parsed;
};
const count = (v: string) => (v === "0" ? 0 : int(v));

const options = new Command()
  .name("bench")
  .option("--only <scenarios>", `comma-separated, among ${SCENARIOS.join(", ")}`, SCENARIOS.join(","))
  .option("--seconds <n>", "issue: seconds of each load", int, 60)
  .option("--merchants <n>", "issue: merchants issuing at once", int, 4)
  .option("--concurrency <n>", "issue: requests in flight per merchant at full load", int, 64)
  .option("--batch-size <n>", "issue: invoices per batch request", int, 100)
  .option("--batch-in-flight <n>", "issue: batch requests in flight per merchant", int, 2)
  .option("--many-merchants <n>", "issue: merchants of the many-merchants run on our node, 4 single requests in flight each (0: skip it)", count, 64)
  .option("--no-hardhat", "issue: skip the hardhat node comparison")
  .option("--no-stub", "issue: skip the API's ceiling against the stub chain")
  .option("--invoices <n>", "scale: invoices to store", int, 1_000_000)
  .option("--scale-batch <n>", "scale: invoices per seeding transaction", int, 500)
  .option("--scale-merchants <n>", "scale: seeding merchants", int, 4)
  .option("--in-flight <n>", "scale: seeding transactions in flight per merchant", int, 2)
  .option("--samples <n>", "scale: verify and trace requests", int, 2_000)
  .option("--restart-invoices <n>", "restart: invoices stored before the restart (the engine holds ~2.4 KB per storage slot, 2 slots per invoice: mind the memory)", int, 3_000_000)
  .option("--node-invoices <n>", "node: invoices issued (pre-signed batch transactions)", int, 60_000)
  .option("--restarts <n>", "start: restarts timed after the first start", int, 7)
  .option("--engines <names>", `engines: comma-separated, among ${ENGINES.join(", ")}`, ENGINES.join(","))
  .option("--engine-invoices <n>", "engines: invoices issued on each engine", int, 50_000)
  .option("--engine-batch <n>", "engines: invoices per transaction (one transaction per block)", int, 100)
  .parse()
  .opts<{
    only: string;
    seconds: number;
    merchants: number;
    concurrency: number;
    batchSize: number;
    batchInFlight: number;
    manyMerchants: number;
    hardhat: boolean;
    stub: boolean;
    invoices: number;
    scaleBatch: number;
    scaleMerchants: number;
    inFlight: number;
    samples: number;
    restartInvoices: number;
    nodeInvoices: number;
    restarts: number;
    engines: string;
    engineInvoices: number;
    engineBatch: number;
  }>();

async function script(args: string[]): Promise<void> {
  const child = run(process.execPath, args, { maxBuffer: 1 << 26 });
  child.child.stderr?.pipe(process.stderr);
  await child;
}

async function main(): Promise<void> {
  const only = options.only.split(",").map((s) => s.trim());
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}; choose among ${SCENARIOS.join(", ")}`);

  if (only.includes("gas")) {
    process.stderr.write("gas: per operation and per invoice in batches\n");
    await script([require.resolve("hardhat/internal/cli/cli.js"), "run", "scripts/bench/gas-report.ts"]);
    record("gas", {}, JSON.parse(readFileSync("bench/gas.json", "utf8")) as GasResult);
  }
  if (only.includes("node")) {
    process.stderr.write(`node: ${options.nodeInvoices} invoices in pre-signed batch transactions over JSON-RPC, then a restart\n`);
    await script(["-r", "ts-node/register/transpile-only", "scripts/bench/node-bench.ts", "--invoices", String(options.nodeInvoices)]);
    const node = JSON.parse(readFileSync("bench/node.json", "utf8")) as NodeResult & { settings: Record<string, unknown> };
    record("node", node.settings, node);
  }
  if (only.includes("issue")) {
    const settings = { seconds: options.seconds, merchants: options.merchants, concurrency: options.concurrency, batchSize: options.batchSize, batchInFlight: options.batchInFlight, manyMerchants: options.manyMerchants };
    process.stderr.write(`issue: through the API on the ledger node ${JSON.stringify(settings)}\n`);
    const ours = await runIssue("ledger-node", settings);
    let hardhat: IssueResult | undefined;
    if (options.hardhat) {
      process.stderr.write("issue: the same on hardhat node\n");
      hardhat = await runIssue("hardhat-node", settings);
    }
    let stub: IssueResult | undefined;
    if (options.stub) {
      process.stderr.write("issue: the same on the stub chain (the API's own ceiling)\n");
      stub = await runIssue("stub-chain", settings);
    }
    record("issue", settings, { ours, ...(hardhat === undefined ? {} : { hardhat }), ...(stub === undefined ? {} : { stub }) });
  }
  if (only.includes("scale")) {
    const settings = { invoices: options.invoices, batch: options.scaleBatch, merchants: options.scaleMerchants, inFlight: options.inFlight, samples: options.samples };
    process.stderr.write(`scale: ${JSON.stringify(settings)}\n`);
    record("scale", settings, await runScale(settings));
  }
  if (only.includes("restart")) {
    const settings = { invoices: options.restartInvoices, batch: options.scaleBatch, merchants: options.scaleMerchants, inFlight: options.inFlight };
    process.stderr.write(`restart: ${JSON.stringify(settings)}\n`);
    record("restart", settings, await runRestart(settings));
  }
  if (only.includes("start")) {
    process.stderr.write(`start: npm start on an empty data directory, then ${options.restarts} restarts\n`);
    record("start", { restarts: options.restarts }, await runStart({ restarts: options.restarts }));
  }
  if (only.includes("engines")) {
    const settings = { engines: options.engines.split(",").map((s) => s.trim()) as EngineName[], invoices: options.engineInvoices, batch: options.engineBatch };
    process.stderr.write(`engines: ${JSON.stringify(settings)}\n`);
    record("engines", settings, await runEngines(settings));
  }
  process.stderr.write("written: bench/results.json, BENCHMARKS.md\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
