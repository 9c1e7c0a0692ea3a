import { readFileSync } from "node:fs";

import { ApiClient } from "./api-client";
import { builtProgram } from "./built-program";
import { startReadyProcess, type ReadyProcess, type StartOptions } from "./ready-process";

/**
 * Node.js flags the API runs with, wherever it is started (this function for `npm start`, tests and benchmarks;
 * package.json's `npm run api`; deploy/api.Dockerfile; a test holds the three equal). A young generation of
 * 64 MB semi-spaces instead of V8's 16: each request allocates ~90 KB, and with the default a collection came
 * every ~110 verifies and took 2-8 ms (~3.5 MB survived each, copied), which was the verify latency's p99.
 * Four times fewer collections, each about as long (measured on a warm API: verify p99 1.2-1.8 ms instead of
 * 2.0-3.6 ms); the API's resident memory grows by at most the 96 MB more of young generation.
 */
export const API_NODE_FLAGS = ["--max-semi-space-size=64"] as const;

export interface ApiReadyLine {
  url: string;
  docs: string;
  rpcUrl: string;
  bureauKeyFile: string;
}

export interface ApiProcess extends ReadyProcess<ApiReadyLine> {
  readonly url: string;
}

/**
 * Starts the real API process the way `npm start` does: its data under `<dataRoot>/api`, the contract
 * addresses and the first bureau key from the ledger node's files in `<dataRoot>`.
 */
export async function startApiProcess(dataRoot: string, rpcUrl: string, env: Record<string, string> = {}, options: StartOptions & { port?: number } = {}): Promise<ApiProcess> {
  const started = await startReadyProcess<ApiReadyLine>(
    "the API",
    // API_NODE_ARGS: extra Node.js flags for the API process, e.g. "--cpu-prof" to profile it.
    [...API_NODE_FLAGS, ...(process.env.API_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--enable-source-maps", builtProgram("api/main"), "--rpc-url", rpcUrl, "--port", String(options.port ?? 0)],
    { LOG_LEVEL: process.env.LOG_LEVEL ?? "info", LEDGER_DATA_DIR: dataRoot, ...env },
    options,
  );
  return Object.assign(started, { url: started.ready.url });
}

/** A client of the running API with the first bureau key, which the API wrote at its first start. */
export function bureauClient(api: ApiProcess): ApiClient {
  return new ApiClient(api.url, readFileSync(api.ready.bureauKeyFile, "utf8").trim());
}
