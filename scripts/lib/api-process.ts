import { readFileSync } from "node:fs";

import { ApiClient } from "./api-client";
import { builtProgram } from "./built-program";
import { startReadyProcess, type ReadyProcess, type StartOptions } from "./ready-process";

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
    [...(process.env.API_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--enable-source-maps", builtProgram("api/main"), "--rpc-url", rpcUrl, "--port", String(options.port ?? 0)],
    { LOG_LEVEL: process.env.LOG_LEVEL ?? "info", LEDGER_DATA_DIR: dataRoot, ...env },
    options,
  );
  return Object.assign(started, { url: started.ready.url });
}

/** A client of the running API with the first bureau key, which the API wrote at its first start. */
export function bureauClient(api: ApiProcess): ApiClient {
  return new ApiClient(api.url, readFileSync(api.ready.bureauKeyFile, "utf8").trim());
}
