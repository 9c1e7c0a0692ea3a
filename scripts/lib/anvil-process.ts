import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

/**
 * Foundry's anvil, the second EVM engine: the binary that the npm package `@foundry-rs/anvil-<platform>-<arch>`
 * carries (an optional dependency; the registry this project installs from has the linux-amd64 one), run as a
 * child process that speaks standard JSON-RPC. The engine benchmark drives it (scripts/bench/engines/anvil.ts),
 * and test/api/api.second-engine.test.ts runs the API's story on it.
 */
export const ANVIL_PACKAGE = `@foundry-rs/anvil-${process.platform}-${{ x64: "amd64", arm64: "arm64" }[process.arch as string] ?? process.arch}`;

/** The binary of the platform package, or undefined when none is installed for this machine. */
export function anvilBinary(): string | undefined {
  try {
    return join(dirname(require.resolve(`${ANVIL_PACKAGE}/package.json`)), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
  } catch {
    return undefined;
  }
}

export interface AnvilChainOptions {
  chainId: number;
  /** Seconds between blocks (interval mining, fractions allowed); undefined mines each transaction at once (automine). */
  blockTimeSeconds?: number;
  /** The EVM's hardfork, as the contracts are compiled for (default cancun). */
  hardfork?: string;
  blockGasLimit?: number;
}

export interface AnvilProcess {
  /** http://127.0.0.1:<port>, the port anvil chose. */
  readonly url: string;
  /** Graceful stop (SIGTERM); resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts anvil as a permissioned consortium chain is run: no funded developer accounts, no create2 deployer
 * planted in the genesis state, a zero base fee that stays zero (anvil treats a base fee set to 0 as constant,
 * as Besu's `zeroBaseFee` does) and a zero gas price suggested by `eth_gasPrice` (`--disable-min-priority-fee`:
 * without it anvil suggests 1 gwei, which an account without ether cannot pay). Resolves once it listens.
 */
export async function startAnvilProcess(options: AnvilChainOptions): Promise<AnvilProcess> {
  const binary = anvilBinary();
  if (binary === undefined) throw new Error(`no anvil binary: the optional dependency ${ANVIL_PACKAGE} is not installed`);
  const args = ["--host", "127.0.0.1", "--port", "0", "--chain-id", String(options.chainId), "--hardfork", options.hardfork ?? "cancun"];
  args.push("--accounts", "0", "--disable-default-create2-deployer", "--base-fee", "0", "--gas-price", "0", "--disable-min-priority-fee");
  args.push("--gas-limit", String(options.blockGasLimit ?? 100_000_000));
  if (options.blockTimeSeconds !== undefined) args.push("--block-time", String(options.blockTimeSeconds));
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stderr.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("anvil did not listen within 30 s"));
    }, 30_000);
    // anvil prints its settings, then "Listening on 127.0.0.1:<port>", then a few lines per block: read them all.
    createInterface({ input: child.stdout }).on("line", (line) => {
      const listening = /^Listening on (\S+:\d+)$/.exec(line.trim());
      if (listening === null) return;
      clearTimeout(timer);
      resolve(`http://${listening[1]}`);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with ${code} before it listened`));
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
