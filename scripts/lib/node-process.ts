import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface ReadyLine {
  url: string;
  chainId: number;
  authority: string;
  contracts: { forwarder: string; registry: string; ledger: string; deployer: string };
}

export interface NodeProcess {
  readonly url: string;
  readonly ready: ReadyLine;
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

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), "ledger-node-test-"));
}

/** Starts the real node process the way `npm run node` does (tests and benchmarks), and waits for its ready line. */
export function startNodeProcess(dataDir: string, env: Record<string, string> = {}, blockWindowMs = 2): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    // LEDGER_NODE_ARGS: extra Node.js flags for the node process, e.g. "--cpu-prof" to profile it.
    [...(process.env.LEDGER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "-r", "ts-node/register/transpile-only", "ledger-node/main.ts", "--data-dir", dataDir, "--block-window-ms", String(blockWindowMs), ...(env.LEDGER_RPC_PORT ? [] : ["--port", "0"])],
    { env: { ...process.env, LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the node did not become ready within ${readyTimeoutMs / 1000} s: ${JSON.stringify(logs.slice(-5))}`));
    }, readyTimeoutMs);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.event === "ready") {
        clearTimeout(timer);
        const ready = entry as unknown as ReadyLine;
        resolve({
          url: ready.url,
          ready,
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
      reject(Object.assign(new Error(`the node exited with ${exitCode} before it was ready`), early));
    });
  });
}
