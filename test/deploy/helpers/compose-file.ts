import { readFileSync } from "node:fs";

import { parse } from "yaml";

/**
 * deploy/docker-compose.yml as Docker Compose reads it: `${VAR}`, `${VAR:?message}` and `${VAR:-default}`
 * replaced from an env file (the generated compose.env, as `--env-file` gives it), then parsed as YAML. Only the
 * parts the deployment checks read are typed.
 */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { ipam?: { config?: { subnet: string }[] } } | null>;
  volumes: Record<string, unknown>;
}

/** KEY=value lines, as `docker compose --env-file` reads them. */
export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match !== null) env[match[1]!] = match[2]!;
  }
  return env;
}

/** Replaces every interpolation in `text`; a variable without a value and without a default throws, as Compose does for `:?`. */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([?-])([^}]*))?\}/g, (_whole, name: string, kind: string | undefined, rest: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (kind === "-") return rest ?? "";
    throw new Error(`compose: ${name} is not set${kind === "?" ? ` (${rest})` : ""}`);
  });
}

export function loadCompose(path: string, env: Record<string, string>): ComposeFile {
  return parse(interpolate(readFileSync(path, "utf8"), env)) as ComposeFile;
}

/** The networks a service is on, by name. */
export function networksOf(service: ComposeService): string[] {
  if (service.networks === undefined) return ["default"];
  return Array.isArray(service.networks) ? service.networks : Object.keys(service.networks);
}

/** A `--name=value` option of a service's command. */
export function optionOf(service: ComposeService, name: string): string | undefined {
  const prefix = `--${name}=`;
  return service.command?.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

/** A volume entry `source:target[:mode]`, split. */
export function volumeOf(entry: string): { source: string; target: string; readOnly: boolean } {
  const [source, target, mode] = entry.split(":");
  return { source: source!, target: target!, readOnly: mode === "ro" };
}
