import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startApiProcess, type ApiProcess } from "../../../scripts/lib/api-process";
import type { ExitedEarly } from "../../../scripts/lib/ready-process";

/**
 * Helpers for tests of the API's own data: a data root of its own next to a running node (the node's
 * deployment, authority key and admin token copied in; the API's embedded database goes to `<root>/postgres`),
 * one byte of a file flipped, and an API start that is expected to be refused (its exit code and the `code`
 * of its refusal line).
 */
export function apiDataRoot(nodeDataDir: string): string {
  const root = mkdtempSync(join(tmpdir(), "api-data-test-"));
  for (const file of ["deployment.json", "authority.key", "admin.token"]) copyFileSync(join(nodeDataDir, file), join(root, file));
  mkdirSync(join(root, "logs"), { recursive: true });
  return root;
}

/** Flips the byte at `offset` of the file. */
export function flipByteAt(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset] = bytes[offset]! ^ 0xff;
  writeFileSync(file, bytes);
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
