/**
 * Candidate 2: Foundry's anvil, the binary that the npm packages `@foundry-rs/anvil-<platform>-<arch>` carry (the
 * registry this project installs from has the linux-amd64 one, an optional dependency), as a child process
 * driven over JSON-RPC with mining on demand. Its persistence is a whole-state dump (`anvil_dumpState`) loaded
 * at the next start (`--load-state`); it runs with history pruned and few blocks kept, its smallest and fastest
 * dump (the ledger node would keep the history itself).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

import { JsonRpcProvider } from "ethers";

import { ANVIL_PACKAGE as PLATFORM_PACKAGE } from "../../lib/anvil-process";
import { freePort } from "../lib/free-port";
import { installedVersion } from "../lib/results";
import type { CandidateEngine, RestartFigures } from "./candidate";
import { BLOCK_GAS_LIMIT, CHAIN_ID, GENESIS_TIME } from "./workload";

// Where the binary is found is shared with the second-engine test (scripts/lib/anvil-process.ts).
export { anvilBinary } from "../../lib/anvil-process";

export async function startAnvil(binary: string): Promise<CandidateEngine> {
  const dir = mkdtempSync(join(tmpdir(), "engine-anvil-"));
  const stateFile = join(dir, "state.json");
  const version = installedVersion(PLATFORM_PACKAGE);
  let running = await launch(binary, []);

  return {
    name: "anvil (child process, JSON-RPC)",
    version: `${PLATFORM_PACKAGE} ${version}`,
    persistence: "a whole-state dump on request (anvil_dumpState), loaded at start (--load-state); nothing between dumps survives",
    async block(rawTransactions, timestamp) {
      for (const raw of rawTransactions) await running.rpc.send("eth_sendRawTransaction", [raw]);
      await running.rpc.send("evm_setNextBlockTimestamp", [timestamp]);
      await running.rpc.send("evm_mine", []);
    },
    call: (to, data) => running.rpc.send("eth_call", [{ to, data }, "latest"]) as Promise<string>,
    async restart(): Promise<RestartFigures> {
      // The most anvil can offer: a dump taken right before the crash.
      const dumpStarted = performance.now();
      const dump = (await running.rpc.send("anvil_dumpState", [])) as string;
      writeFileSync(stateFile, gunzipSync(Buffer.from(dump.slice(2), "hex")));
      const snapshot = { seconds: (performance.now() - dumpStarted) / 1000, MiB: statSync(stateFile).size / 2 ** 20 };
      running.stop();
      const started = performance.now();
      running = await launch(binary, ["--load-state", stateFile]);
      return { secondsToReady: (performance.now() - started) / 1000, snapshot };
    },
    async close() {
      running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(binary: string, extra: string[]): Promise<{ rpc: JsonRpcProvider; stop(): void }> {
  const port = await freePort();
  const args = ["--port", String(port), "--no-mining", "--hardfork", "cancun", "--chain-id", String(CHAIN_ID), "--gas-price", "0", "--base-fee", "0"];
  args.push("--gas-limit", String(BLOCK_GAS_LIMIT), "--timestamp", String(GENESIS_TIME), "--order", "fifo", "--prune-history", "--transaction-block-keeper", "64", "--silent", ...extra);
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
  const rpc = new JsonRpcProvider(`http://127.0.0.1:${port}`, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 });
  const stop = () => {
    rpc.destroy();
    child.kill("SIGKILL");
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode} at start`);
    try {
      await rpc.send("eth_blockNumber", []);
      return { rpc, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        stop();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

