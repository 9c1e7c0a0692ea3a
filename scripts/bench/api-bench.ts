/**
 * Issue throughput through the API, durable before the reply: the real ledger node and API processes, several
 * merchants, each with many concurrent single-issue requests in flight (the API groups them into batch
 * transactions). Every reply is awaited; invoices/s over the run and latency percentiles are reported.
 *
 *   npm run bench:api -- --seconds 30 --merchants 4 --concurrency 64
 *
 * Writes bench/api.json. (The full harness of issue 5 — half load, hardhat-node comparison, 1M-invoice
 * verify/trace, indexing, restart, memory — builds on this.)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

import { Command } from "commander";

import { periodOf } from "../../api/domain/tax-period";
import { ApiClient, expectStatus } from "../lib/api-client";
import { startApiProcess } from "../lib/api-process";
import { invoiceBody, randomTaxpayerId } from "../lib/demo-data";
import { freshDataDir, startNodeProcess } from "../lib/node-process";

const options = new Command()
  .option("--seconds <n>", "duration of the load", (v) => Number(v), 30)
  .option("--merchants <n>", "merchants issuing at once", (v) => Number(v), 4)
  .option("--concurrency <n>", "requests in flight per merchant", (v) => Number(v), 64)
  .option("--group-commit-ms <n>", "the API's group-commit window", (v) => Number(v), 5)
  .parse()
  .opts<{ seconds: number; merchants: number; concurrency: number; groupCommitMs: number }>();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const dir = freshDataDir();
  const node = await startNodeProcess(dir, {}, 10);
  const api = await startApiProcess(dir, node.url, { API_GROUP_COMMIT_MS: String(options.groupCommitMs), API_MAX_BATCH: "200", LOG_LEVEL: "warn" });
  try {
    const bureau = new ApiClient(api.url, readFileSync(api.ready.bureauKeyFile, "utf8").trim());
    const period = periodOf(new Date());
    const buyer = { type: "organisation" as const, name: "深圳市示例科技有限公司", taxpayerId: randomTaxpayerId() };
    const merchants: ApiClient[] = [];
    for (let m = 0; m < options.merchants; m++) {
      const body = expectStatus(await bureau.post("/v1/participants", { role: "merchant", name: `merchant ${m}`, taxpayerId: randomTaxpayerId() }), 201, "register");
      expectStatus(await bureau.put(`/v1/merchants/${body.participant.account}/quotas/${period}`, { granted: "100000000000000" }), 200, "quota");
      merchants.push(bureau.as(body.apiKey));
    }
    const latencies: number[] = [];
    let failures = 0;
    let sequence = 0;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const worker = async (client: ApiClient) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const answer = await client.post("/v1/invoices", invoiceBody(`bench-${sequence++}`, buyer));
        if (answer.status === 201) latencies.push(performance.now() - t0);
        else failures++;
      }
    };
    const progress = setInterval(() => process.stderr.write(`  ${latencies.length} invoices after ${((performance.now() - started) / 1000).toFixed(0)} s\n`), 5000);
    await Promise.all(merchants.flatMap((client) => Array.from({ length: options.concurrency }, () => worker(client))));
    clearInterval(progress);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const result = {
      scenario: "issue through the API, single requests, durable before the reply",
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      settings: options,
      invoices: latencies.length,
      failures,
      seconds: Number(seconds.toFixed(1)),
      invoicesPerSecond: Math.round(latencies.length / seconds),
      latencyMs: { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), p99: Math.round(percentile(latencies, 99)) },
    };
    mkdirSync("bench", { recursive: true });
    writeFileSync(join("bench", "api.json"), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await api.stop();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
