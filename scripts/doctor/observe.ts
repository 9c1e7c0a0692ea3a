import { statfs } from "node:fs/promises";

/**
 * What the doctor looks at in a running system, read the way an operator would: the node's and the API's
 * /health, the chain head over standard JSON-RPC, and the free space of the disk holding the data directory.
 * Anything that cannot be read is recorded as the error it gave, never thrown: an unreachable part is a finding.
 */
export interface Observation<T> {
  ok: boolean;
  value?: T;
  error?: string;
}

export interface NodeHealth {
  status?: string;
  role?: string;
  head?: { number?: number; timestamp?: number };
  /** `lastWrite.at`: when the node last wrote its snapshot (ISO 8601); null until it has written one since it started. */
  snapshot?: { block?: number | null; lastWrite?: { at?: string } | null };
  contracts?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ApiHealth {
  status?: string;
  chain?: { ok?: boolean; block?: number };
  index?: { indexedBlock?: number; headBlock?: number; aheadOfChain?: boolean; missingDocuments?: number };
  storage?: { status?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Disk {
  path: string;
  freeBytes: number;
  totalBytes: number;
}

export interface Observations {
  at: number;
  node: Observation<NodeHealth>;
  chainHead: Observation<number>;
  api: Observation<ApiHealth> & { httpStatus?: number };
  disk: Observation<Disk>;
}

export interface ObserveOptions {
  rpcUrl: string;
  apiUrl: string;
  dataDir: string;
  rpcToken?: string | undefined;
  timeoutMs?: number;
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code !== undefined) return cause.code;
  return error instanceof Error ? (error.name === "TimeoutError" ? "no answer in time" : error.message) : String(error);
}

async function getJson<T>(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: (await response.json()) as T };
}

export async function observe(options: ObserveOptions): Promise<Observations> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const auth: Record<string, string> = options.rpcToken === undefined ? {} : { authorization: `Bearer ${options.rpcToken}` };
  const [node, chainHead, api, disk] = await Promise.all([
    getJson<NodeHealth>(new URL("/health", options.rpcUrl).toString(), auth, timeoutMs).then(
      ({ body }) => ({ ok: true, value: body }),
      (error: unknown) => ({ ok: false, error: reason(error) }),
    ),
    fetch(options.rpcUrl, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }), signal: AbortSignal.timeout(timeoutMs) })
      .then(async (response) => (await response.json()) as { result?: string; error?: { message?: string } })
      .then(
        (answer) => (typeof answer.result === "string" ? { ok: true, value: Number(BigInt(answer.result)) } : { ok: false, error: answer.error?.message ?? "no block number" }),
        (error: unknown) => ({ ok: false, error: reason(error) }),
      ),
    getJson<ApiHealth>(new URL("/health", options.apiUrl).toString(), {}, timeoutMs).then(
      ({ status, body }) => ({ ok: true, value: body, httpStatus: status }),
      (error: unknown) => ({ ok: false, error: reason(error) }),
    ),
    statfs(options.dataDir).then(
      (stats) => ({ ok: true, value: { path: options.dataDir, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize } }),
      (error: unknown) => ({ ok: false, error: reason(error) }),
    ),
  ]);
  return { at: Date.now(), node, chainHead, api, disk };
}
