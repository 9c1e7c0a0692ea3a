import { readFileSync } from "node:fs";

import { adminTokenFile } from "./admin-token";
import { resolveConfig } from "./config";

/** A node's answer to an admin request: a refusal of ours carries `code` and `error`. */
export interface AdminAnswer {
  ok: boolean;
  status: number;
  body: { code?: string; error?: string } & Record<string, unknown>;
}

/**
 * POSTs an admin request to a running node, with its admin token (LEDGER_ADMIN_TOKEN, or `<data dir>/admin.token`):
 * what the operator commands (node:backup, node:promote, node:renew-engine) send.
 */
export async function adminPost(dataDir: string | undefined, url: string, path: string, body: unknown): Promise<AdminAnswer> {
  const config = resolveConfig(dataDir === undefined ? {} : { dataDir });
  const token = config.adminToken ?? readFileSync(adminTokenFile(config.dataDir), "utf8").trim();
  const response = await fetch(new URL(path, url), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, status: response.status, body: (await response.json()) as AdminAnswer["body"] };
}
