import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startApiProcess, type ApiProcess } from "../../../scripts/lib/api-process";
import type { ExitedEarly } from "../../../scripts/lib/ready-process";

/**
 * Helpers for tests of the API's own data: a data root of its own next to a running node (the node's
 * deployment and authority key copied in), the newest LevelDB log of the API's store, and an API start that
 * is expected to be refused (its exit code and the `code` of its refusal line).
 */
export function apiDataRoot(nodeDataDir: string): string {
  const root = mkdtempSync(join(tmpdir(), "api-data-test-"));
  for (const file of ["deployment.json", "authority.key"]) copyFileSync(join(nodeDataDir, file), join(root, file));
  mkdirSync(join(root, "logs"), { recursive: true });
  return root;
}

export function newestLog(dataRoot: string): string {
  const dir = join(dataRoot, "api", "db");
  const logs = readdirSync(dir).filter((f) => f.endsWith(".log")).sort();
  const newest = logs[logs.length - 1];
  if (newest === undefined) throw new Error(`no LevelDB log in ${dir}`);
  return join(dir, newest);
}

/** Flips one byte `fromEnd` bytes before the end of the file (inside the newest records). */
export function flipByte(file: string, fromEnd: number): void {
  const bytes = readFileSync(file);
  const at = Math.max(0, bytes.length - fromEnd);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(file, bytes);
}

export function truncate(file: string, bytesOff: number): void {
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, Math.max(0, statSync(file).size - bytesOff)));
}

export interface Refusal {
  exitCode: number | null;
  code: string | undefined;
}

export async function startRefused(dataRoot: string, rpcUrl: string, env: Record<string, string> = {}): Promise<Refusal> {
  let api: ApiProcess;
  try {
    api = await startApiProcess(dataRoot, rpcUrl, env);
  } catch (error) {
    const early = error as Partial<ExitedEarly>;
    if (early.exitCode === undefined) throw error;
    const refusal = early.logs?.find((entry) => entry.event === "refused");
    return { exitCode: early.exitCode, code: refusal?.code as string | undefined };
  }
  await api.kill();
  throw new Error("the API started although it should have refused");
}
