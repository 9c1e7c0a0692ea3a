import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

import { createLineLog } from "./line-log";

/**
 * Starts one of our processes (ledger node, API) the way `npm start` does and waits for the JSON line with
 * `event: "ready"` that each prints on stdout. Used by `npm start`, tests and benchmarks.
 */
export interface ReadyProcess<R> {
  readonly ready: R;
  readonly child: ChildProcess;
  /** Graceful stop (SIGTERM); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** kill -9; resolves when the process is gone. */
  kill(): Promise<void>;
}

export interface ExitedEarly {
  exitCode: number | null;
  logs: Record<string, unknown>[];
}

const readyTimeoutMs = Number(process.env.LEDGER_READY_TIMEOUT_MS ?? 600_000);

export interface StartOptions {
  /** Let the child write its stderr (the plain summary for people) to ours. */
  inheritStderr?: boolean;
  /** Append every stdout line (JSON logs) to this file. */
  logFile?: string;
}

export function startReadyProcess<R>(name: string, args: string[], env: Record<string, string | undefined>, options: StartOptions = {}): Promise<ReadyProcess<R>> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", options.inheritStderr ? "inherit" : "pipe"] });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stderr?.resume();
  // A log file that fails (disk full, ...) is reported and skipped; the child is still read, so it never blocks on its output.
  const log =
    options.logFile === undefined
      ? undefined
      : createLineLog(options.logFile, { onError: (error) => void process.stderr.write(`${name}: cannot write its log ${options.logFile} (${(error as NodeJS.ErrnoException).code ?? error.message}); lines are dropped until it can\n`) });
  void exited.then(() => log?.close());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not become ready within ${readyTimeoutMs / 1000} s: ${JSON.stringify(logs.slice(-5))}`));
    }, readyTimeoutMs);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      log?.write(`${line}\n`);
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (logs.length > 200) logs.shift();
      logs.push(entry);
      if (entry.event === "ready") {
        clearTimeout(timer);
        resolve({
          ready: entry as unknown as R,
          child,
          stop: async () => {
            child.kill("SIGTERM");
            return exited;
          },
          kill: async () => {
            child.kill("SIGKILL");
            await exited;
          },
        });
      }
    });
    void exited.then((exitCode) => {
      clearTimeout(timer);
      const early: ExitedEarly = { exitCode, logs };
      reject(Object.assign(new Error(`${name} exited with ${exitCode} before it was ready`), early));
    });
  });
}
