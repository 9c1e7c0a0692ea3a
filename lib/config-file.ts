import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { z } from "zod";

import { isSettingName, SETTINGS, type Setting, type SettingName } from "./settings";

/**
 * Configuration from a file as well as the environment. The file is JSON whose keys are the settings' own
 * names (lib/settings.ts), the same names the environment uses, so one name is documented once:
 *
 *   { "LEDGER_DATA_DIR": "/var/lib/e-invoice", "API_PORT": 8080, "LOG_LEVEL": "warn" }
 *
 * Precedence, lowest first: built-in defaults, the file, the environment, the command line. A value from the
 * file is put into the environment of this process (and so of the processes it starts) only where the
 * environment does not already set it. Unknown names and values that are not strings, numbers or booleans are
 * refused with the key and the reason.
 */
export class ConfigFileError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(
    message: string,
    readonly details: { file: string; key?: string } = { file: "" },
  ) {
    super(message);
    this.name = "ConfigFileError";
  }
}

export type SettingSource = "file" | "environment";

export interface AppliedConfig {
  /** The file read, absolute; undefined when none was given. */
  file: string | undefined;
  /** Where each setting that is set came from. */
  sources: Partial<Record<SettingName, SettingSource>>;
}

const value = z.union([z.string(), z.number().finite(), z.boolean()]);

export function readConfigFile(file: string): Record<SettingName, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigFileError(`cannot read the configuration file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`the configuration file ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  const shape = z.record(z.string(), value).safeParse(parsed);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    const key = issue?.path[0] === undefined ? undefined : String(issue.path[0]);
    throw new ConfigFileError(
      key === undefined ? `the configuration file ${file} must be one JSON object of settings` : `the configuration file ${file}: ${key} must be a string, a number or a boolean`,
      { file, ...(key === undefined ? {} : { key }) },
    );
  }
  const settings: Partial<Record<SettingName, string>> = {};
  for (const [key, setting] of Object.entries(shape.data)) {
    if (!isSettingName(key)) {
      throw new ConfigFileError(`the configuration file ${file} names an unknown setting ${key} (known settings: npm start -- --print-config, or lib/settings.ts)`, { file, key });
    }
    settings[key] = typeof setting === "boolean" ? (setting ? "1" : "0") : String(setting);
  }
  return settings as Record<SettingName, string>;
}

/** Reads `file` (when given) into `env` under the environment's own values; returns what came from where. */
export function applyConfigFile(file: string | undefined, env: NodeJS.ProcessEnv = process.env): AppliedConfig {
  const sources: Partial<Record<SettingName, SettingSource>> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) if (env[name] !== undefined && env[name] !== "") sources[name] = "environment";
  if (file === undefined || file === "") return { file: undefined, sources };
  const absolute = resolve(file);
  for (const [name, setting] of Object.entries(readConfigFile(absolute)) as [SettingName, string][]) {
    if (sources[name] === "environment") continue;
    env[name] = setting;
    sources[name] = "file";
  }
  return { file: absolute, sources };
}

/** The settings that are set, secrets shown only as set, for `--print-config`. */
export function describeSettings(applied: AppliedConfig, env: NodeJS.ProcessEnv = process.env): Record<string, { value: string; from: SettingSource }> {
  const described: Record<string, { value: string; from: SettingSource }> = {};
  for (const [name, from] of Object.entries(applied.sources) as [SettingName, SettingSource][]) {
    const setting: Setting = SETTINGS[name];
    described[name] = { value: setting.secret ? "[set]" : (env[name] ?? ""), from };
  }
  return described;
}
