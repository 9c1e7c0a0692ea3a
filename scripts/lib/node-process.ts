import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { builtProgram } from "./built-program";
import { startReadyProcess, type ExitedEarly, type ReadyProcess, type StartOptions } from "./ready-process";

export interface ReadyLine {
  url: string;
  chainId: number;
  authority: string;
  contracts: { forwarder: string; registry: string; ledger: string; deployer: string };
}

export interface NodeProcess extends ReadyProcess<ReadyLine> {
  readonly url: string;
}

export type { ExitedEarly };

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), "ledger-node-test-"));
}

/** Starts the real node process the way `npm run node` does (tests and benchmarks), and waits for its ready line. */
export async function startNodeProcess(dataDir: string, env: Record<string, string> = {}, blockWindowMs = 2, options: StartOptions & { port?: number } = {}): Promise<NodeProcess> {
  const port = options.port ?? (env.LEDGER_RPC_PORT ? undefined : 0);
  const started = await startReadyProcess<ReadyLine>(
    "the ledger node",
    // LEDGER_NODE_ARGS: extra Node.js flags for the node process, e.g. "--cpu-prof" to profile it.
    [...(process.env.LEDGER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--enable-source-maps", builtProgram("ledger-node/main"), "--data-dir", dataDir, "--block-window-ms", String(blockWindowMs), ...(port === undefined ? [] : ["--port", String(port)])],
    { LOG_LEVEL: process.env.LOG_LEVEL ?? "info", ...env },
    options,
  );
  return Object.assign(started, { url: started.ready.url });
}
