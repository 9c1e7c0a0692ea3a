import { NodeUnavailableError } from "../errors";

/** A request to the primary's admin routes (replication), answered JSON; throws NODE_UNAVAILABLE when it cannot be had. */
export async function primaryRequest<T>(primaryUrl: string, token: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(new URL(path, primaryUrl), {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal === undefined ? { signal: AbortSignal.timeout(10_000) } : { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) }),
  });
  const text = await response.text();
  if (!response.ok) throw new NodeUnavailableError(`the primary answered ${path} with HTTP ${response.status}: ${text.slice(0, 200)}`, { status: response.status });
  return JSON.parse(text) as T;
}
