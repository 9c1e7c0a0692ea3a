import { randomBytes } from "node:crypto";
import { join } from "node:path";

import { readOrCreateSecret } from "../lib/secret-file";
import { ConfigurationError } from "./errors";

/**
 * The token of the node's admin routes (`/admin/*`), which every admin request needs, on loopback too.
 * Taken from `LEDGER_ADMIN_TOKEN` when set; otherwise read from `<dataDir>/admin.token`, which the first
 * start generates with mode 0600, as it does the authority key. `npm run node:backup` reads the same file.
 */
export async function loadAdminToken(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return checked(configured, "LEDGER_ADMIN_TOKEN");
  const file = adminTokenFile(dataDir);
  return checked(await readOrCreateSecret(file, () => randomBytes(32).toString("hex")), file);
}

export function adminTokenFile(dataDir: string): string {
  return join(dataDir, "admin.token");
}

function checked(token: string, source: string): string {
  if (token.length < 16) throw new ConfigurationError(`${source} must hold an admin token of at least 16 characters`);
  return token;
}
