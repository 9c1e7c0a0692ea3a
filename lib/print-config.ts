import { describeSettings, type AppliedConfig } from "./config-file";

/** Configuration fields that hold secrets: printed only as set or not. */
const SECRET_FIELDS = new Set(["authorityKey", "rpcToken", "adminToken", "primaryAdminToken", "masterKey", "bureauKey", "databaseUrl"]);

export function redactConfig(config: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, SECRET_FIELDS.has(key) && value !== undefined ? "[set]" : value]));
}

/** What `--print-config` prints: the file read, every setting that is set and where from, and the resolved configuration. */
export function printConfig(applied: AppliedConfig, resolved: Record<string, object>): void {
  process.stdout.write(`${JSON.stringify({ configFile: applied.file ?? null, settings: describeSettings(applied), ...Object.fromEntries(Object.entries(resolved).map(([name, config]) => [name, redactConfig(config)])) }, null, 2)}\n`);
}
