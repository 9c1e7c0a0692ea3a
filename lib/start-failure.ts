import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

import type { Logger } from "pino";

import { applyConfigFile, ConfigFileError, type AppliedConfig } from "./config-file";

/**
 * What keeps a process from starting that lies in its surroundings, not in its data: a port another program
 * holds, a data directory it cannot write, a full disk. Each gets a code, an exit code and a sentence that
 * says what to do, instead of a stack trace (the ledger node and the API share them; `npm start` passes the
 * child's exit code on).
 */
export const ENVIRONMENT_EXIT_CODES = {
  CONFIG_INVALID: 2,
  PORT_IN_USE: 9,
  DATA_DIR_NOT_WRITABLE: 10,
  DISK_FULL: 11,
} as const;

export type EnvironmentFailureCode = keyof typeof ENVIRONMENT_EXIT_CODES;

export class EnvironmentFailure extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: EnvironmentFailureCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EnvironmentFailure";
    this.exitCode = ENVIRONMENT_EXIT_CODES[code];
  }
}

interface SystemError {
  code?: string;
  syscall?: string;
  path?: string;
  port?: number;
  address?: string;
}

function systemErrorIn(error: unknown): SystemError | undefined {
  for (let current = error, depth = 0; current !== null && typeof current === "object" && depth < 8; depth += 1) {
    const candidate = current as SystemError & { cause?: unknown };
    if (typeof candidate.code === "string" && (candidate.syscall !== undefined || /^E[A-Z]+$/.test(candidate.code))) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** The environment failure behind `error` (its cause chain included), or undefined when it is something else. */
export function environmentFailureOf(error: unknown, what: string): EnvironmentFailure | undefined {
  if (error instanceof EnvironmentFailure) return error;
  const system = systemErrorIn(error);
  if (system === undefined) return undefined;
  const where = system.path === undefined ? "" : ` (${system.path})`;
  switch (system.code) {
    case "EADDRINUSE":
      return new EnvironmentFailure("PORT_IN_USE", `${what} cannot listen on ${system.address ?? "its address"}:${system.port ?? "?"}: another program already uses that port. Stop it, or give ${what} another port.`, { address: system.address, port: system.port }, { cause: error });
    case "EADDRNOTAVAIL":
      return new EnvironmentFailure("PORT_IN_USE", `${what} cannot listen on ${system.address ?? "its address"}: this machine has no such address. Give a host this machine has (127.0.0.1, 0.0.0.0, or one of its own addresses).`, { address: system.address, port: system.port }, { cause: error });
    case "ENOSPC":
    case "EDQUOT":
      return new EnvironmentFailure("DISK_FULL", `the disk holding ${what}'s data is full${where}. Free space (or move the data directory to a larger disk) and start again; nothing acknowledged was lost.`, { path: system.path }, { cause: error });
    case "EACCES":
    case "EPERM":
      if (system.syscall === "listen" || system.syscall === "bind") {
        return new EnvironmentFailure("PORT_IN_USE", `${what} is not allowed to listen on port ${system.port ?? "?"} (ports below 1024 need privileges). Choose a port above 1024.`, { address: system.address, port: system.port }, { cause: error });
      }
      return new EnvironmentFailure("DATA_DIR_NOT_WRITABLE", `${what} cannot write its data${where}: permission denied. Give it a data directory this user can write (--data-dir / LEDGER_DATA_DIR), or fix the directory's owner and mode.`, { path: system.path }, { cause: error });
    case "EROFS":
    case "ENOTDIR":
    case "EISDIR":
    case "ENOENT":
      if (system.path === undefined) return undefined;
      return new EnvironmentFailure(
        "DATA_DIR_NOT_WRITABLE",
        `${what} cannot write its data${where}: ${system.code === "EROFS" ? "the file system is read-only" : system.code === "ENOTDIR" ? "a part of that path is a file, not a directory" : system.code === "EISDIR" ? "a directory stands where a file should be" : "a directory on that path does not exist"}. Give it a writable data directory (--data-dir / LEDGER_DATA_DIR).`,
        { path: system.path },
        { cause: error },
      );
    default:
      return undefined;
  }
}

/** Creates `dir` when missing and proves that a file can be written and synced in it, before any real work. */
export function assertWritableDirectory(dir: string, what: string): void {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(probe, "w", 0o600);
    try {
      writeSync(fd, "probe");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(probe, { force: true });
  } catch (error) {
    rmSync(probe, { force: true });
    throw environmentFailureOf(error, what) ?? error;
  }
}

/** Fails early, with the reason, when `host:port` cannot be listened on (port 0 is always free). */
export async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error) => reject(environmentFailureOf(error, what) ?? error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

export interface StartRefusal {
  code: string;
  exitCode: number;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Ends a start that cannot go on, the same way for every process: one JSON log line `event: "refused"` with the
 * code and exit code (for supervisors and tests; only when there is a logger), one sentence on stderr for the
 * person, and the exit code.
 */
export function refuseStart(who: string, refusal: StartRefusal, logger?: Logger, error?: unknown): never {
  logger?.fatal({ event: "refused", code: refusal.code, exitCode: refusal.exitCode, details: refusal.details ?? {}, ...(error === undefined ? {} : { err: error }) }, refusal.message);
  process.stderr.write(`${who} cannot start (${refusal.code}): ${refusal.message}\n`);
  process.exit(refusal.exitCode);
}

/**
 * Reads the configuration file (`--config`, else LEDGER_CONFIG) into the environment, or refuses the start
 * (CONFIG_INVALID, exit 2). `logger` is made only on a refusal: a process makes its own after this, at the
 * LOG_LEVEL the file may set.
 */
export function applyConfigFileOrRefuse(file: string | undefined, who: string, logger?: () => Logger): AppliedConfig {
  try {
    return applyConfigFile(file ?? process.env.LEDGER_CONFIG);
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    return refuseStart(who, { code: error.code, exitCode: ENVIRONMENT_EXIT_CODES.CONFIG_INVALID, message: error.message, details: error.details }, logger?.());
  }
}
