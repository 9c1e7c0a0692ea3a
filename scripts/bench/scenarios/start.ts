import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { builtProgram } from "../../lib/built-program";

/**
 * `npm start` as a person runs it: the first start on an empty data directory (chain created, contracts
 * deployed, database created), then restarts on that directory, each timed from the process's start to its
 * banner, and stopped with SIGTERM (timed to its exit). What the production build is for: a start runs the
 * built JavaScript, no compiler and no transpiler.
 */
export interface StartResult {
  firstStartSeconds: number;
  restarts: number;
  restartSeconds: { median: number; min: number; max: number };
  stopSeconds: { median: number; min: number; max: number };
}

const ROOT = join(__dirname, "..", "..", "..");

function spread(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const round = (seconds: number) => Number(seconds.toFixed(2));
  return { median: round(median), min: round(sorted[0]!), max: round(sorted[sorted.length - 1]!) };
}

/** One `npm start` (bin/run.js scripts/start, what npm start execs): seconds to the banner, then to its exit after SIGTERM. */
async function startOnce(dataDir: string): Promise<{ ready: number; stop: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(ROOT, "bin", "run.js"), "scripts/start", "--data-dir", dataDir, "--rpc-port", "0", "--api-port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const ready = await new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("is running.")) resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code} before its banner: ${output.slice(-2_000)}`)));
  });
  const stopping = process.hrtime.bigint();
  child.kill("SIGTERM");
  const code = await exited;
  if (code !== 0) throw new Error(`npm start exited with ${code} on SIGTERM`);
  return { ready, stop: Number(process.hrtime.bigint() - stopping) / 1e9 };
}

export async function runStart(settings: { restarts: number }): Promise<StartResult> {
  builtProgram("scripts/start"); // build first, outside the figures
  const dataDir = mkdtempSync(join(tmpdir(), "bench-start-"));
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL server runs as the user postgres when we are root
  try {
    const first = await startOnce(dataDir);
    const runs: { ready: number; stop: number }[] = [];
    for (let i = 0; i < settings.restarts; i += 1) runs.push(await startOnce(dataDir));
    return { firstStartSeconds: Number(first.ready.toFixed(2)), restarts: runs.length, restartSeconds: spread(runs.map((r) => r.ready)), stopSeconds: spread(runs.map((r) => r.stop)) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
