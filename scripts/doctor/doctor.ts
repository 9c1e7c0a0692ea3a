import { join, resolve } from "node:path";

import { Command } from "commander";

import { applyConfigFile } from "../../lib/config-file";
import { DEFAULT_LIMITS, diagnose, type Finding } from "./findings";
import { observe } from "./observe";

/**
 * `npm run doctor`: checks a running system (the ledger node, the API, its database, the index's lag behind
 * the chain, the node's snapshot, the contracts, the disk) and says in words what is wrong and what to do.
 * Exit 0 when nothing fails (warnings allowed), 1 when something does; `--json` for scripts.
 */
const options = new Command()
  .name("doctor")
  .option("--config <file>", "the same JSON settings file the system runs with (LEDGER_CONFIG)")
  .option("--data-dir <dir>", "the data directory (LEDGER_DATA_DIR, default ./data)")
  .option("--rpc-url <url>", "the ledger node (LEDGER_RPC_URL, default http://127.0.0.1:<LEDGER_RPC_PORT or 8545>)")
  .option("--api-url <url>", "the API (API_URL, default http://127.0.0.1:<API_PORT or 3000>)")
  .option("--max-index-lag <blocks>", "blocks the index may be behind", (v) => Number(v), DEFAULT_LIMITS.maxIndexLagBlocks)
  .option("--max-snapshot-age <seconds>", "age of the node's snapshot before a warning", (v) => Number(v), DEFAULT_LIMITS.maxSnapshotAgeSeconds)
  .option("--min-free-bytes <bytes>", "free space the data disk must keep", (v) => Number(v), DEFAULT_LIMITS.minFreeBytes)
  .option("--min-free-percent <percent>", "free share the data disk must keep", (v) => Number(v), DEFAULT_LIMITS.minFreePercent)
  .option("--json", "one JSON object on stdout instead of lines for people")
  .addHelpText("after", "\nExamples:\n  npm run doctor\n  npm run doctor -- --data-dir /var/lib/e-invoice --api-url http://10.0.0.5:3000 --json")
  .parse()
  .opts<{ config?: string; dataDir?: string; rpcUrl?: string; apiUrl?: string; maxIndexLag: number; maxSnapshotAge: number; minFreeBytes: number; minFreePercent: number; json?: boolean }>();

const MARKS: Record<Finding["severity"], string> = { ok: "ok  ", warn: "WARN", fail: "FAIL" };

async function main(): Promise<number> {
  applyConfigFile(options.config ?? process.env.LEDGER_CONFIG);
  const dataDir = resolve(options.dataDir ?? process.env.LEDGER_DATA_DIR ?? "./data");
  const rpcUrl = options.rpcUrl ?? process.env.LEDGER_RPC_URL ?? `http://127.0.0.1:${process.env.LEDGER_RPC_PORT ?? 8545}`;
  const apiUrl = options.apiUrl ?? process.env.API_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;
  const seen = await observe({ rpcUrl, apiUrl, dataDir, rpcToken: process.env.LEDGER_RPC_TOKEN });
  const findings = diagnose(seen, { maxIndexLagBlocks: options.maxIndexLag, maxSnapshotAgeSeconds: options.maxSnapshotAge, minFreeBytes: options.minFreeBytes, minFreePercent: options.minFreePercent }, { rpcUrl, apiUrl, logs: join(dataDir, "logs") });
  const failed = findings.some((finding) => finding.severity === "fail");
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify({ healthy: !failed, findings })}\n`);
  } else {
    for (const finding of findings) process.stdout.write(`${MARKS[finding.severity]}  ${finding.check.padEnd(9)} ${finding.message}\n`);
    process.stdout.write(failed ? "\nSomething needs attention (FAIL above).\n" : "\nEverything checked is healthy.\n");
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
