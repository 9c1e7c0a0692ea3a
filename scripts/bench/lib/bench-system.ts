import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { JsonRpcProvider, Wallet } from "ethers";

import { periodOf } from "../../../api/domain/tax-period";
import { deployLedger } from "../../../lib/deploy-ledger";
import { ApiClient, expectStatus } from "../../lib/api-client";
import { bureauClient, startApiProcess, type ApiProcess } from "../../lib/api-process";
import { randomTaxpayerId, type DemoBuyer } from "../../lib/demo-data";
import { freshDataDir, startNodeProcess } from "../../lib/node-process";
import { startReadyProcess } from "../../lib/ready-process";
import { freePort } from "./free-port";

/**
 * The system under a benchmark: the API process in front of a chain. The chain is our ledger node (persistent,
 * permissioned) or, for comparison, `hardhat node` (Hardhat's own development chain: in memory, any account)
 * with the same contracts deployed by the same deploy function, which the API reaches through standard
 * JSON-RPC only; or, for the API's own ceiling, the stub chain (../stub-chain/stub-chain.ts: our node for the
 * set-up, then issuing answered without an EVM).
 */
export type Engine = "ledger-node" | "hardhat-node" | "stub-chain";

export interface BenchSystem {
  engine: Engine;
  dataDir: string;
  api: ApiProcess;
  bureau: ApiClient;
  chainPid: number | undefined;
  stop(): Promise<void>;
}

/** Settings of the API for benchmarks: quiet logs, no per-IP limit in the way of a load generator. */
export const BENCH_API_ENV = { LOG_LEVEL: "warn", API_VERIFY_RATE: "100000000", API_RATE: "100000000" };

export async function startBenchSystem(engine: Engine, apiEnv: Record<string, string> = {}, blockWindowMs = 10): Promise<BenchSystem> {
  const dataDir = freshDataDir();
  const chain = engine === "hardhat-node" ? await startHardhatNode(dataDir) : await startNodeProcess(dataDir, {}, blockWindowMs);
  const front = engine === "stub-chain" ? await startStubChain(dataDir, chain, blockWindowMs) : chain;
  const api = await startApiProcess(dataDir, front.url, { ...BENCH_API_ENV, ...apiEnv }).catch(async (error: unknown) => {
    await front.stop();
    throw error;
  });
  return {
    engine,
    dataDir,
    api,
    bureau: bureauClient(api),
    chainPid: front.child.pid,
    async stop() {
      await api.stop();
      await front.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers `count` merchants with a quota that will not run out, and one enterprise as the buyer. */
export async function registerMerchants(bureau: ApiClient, count: number): Promise<{ merchants: ApiClient[]; buyer: DemoBuyer }> {
  const period = periodOf(new Date());
  const merchants: ApiClient[] = [];
  for (let m = 0; m < count; m++) {
    const body = expectStatus(await bureau.post("/v1/participants", { role: "merchant", name: `基准测试商户 ${m}`, taxpayerId: randomTaxpayerId() }), 201, "register a merchant");
    expectStatus(await bureau.put(`/v1/merchants/${body.participant.account}/quotas/${period}`, { granted: "100000000000000" }), 200, "grant a quota");
    merchants.push(bureau.as(body.apiKey));
  }
  const buyerId = randomTaxpayerId();
  expectStatus(await bureau.post("/v1/participants", { role: "enterprise", name: "深圳市基准科技有限公司", taxpayerId: buyerId }), 201, "register the buyer");
  return { merchants, buyer: { type: "organisation", name: "深圳市基准科技有限公司", taxpayerId: buyerId } };
}

interface ChainProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<unknown>;
}

/** The stub chain in front of `node` (which has deployed the contracts), as a process of its own; stopping it stops the node too. */
async function startStubChain(dataDir: string, node: ChainProcess, blockWindowMs: number): Promise<ChainProcess> {
  const { ledger } = JSON.parse(readFileSync(join(dataDir, "deployment.json"), "utf8")) as { ledger: string };
  const stub = await startReadyProcess<{ url: string }>(
    "the stub chain",
    ["-r", "ts-node/register/transpile-only", join(__dirname, "..", "stub-chain", "main.ts"), "--upstream", node.url, "--ledger", ledger, "--block-window-ms", String(blockWindowMs)],
    {},
    { inheritStderr: true },
  ).catch(async (error: unknown) => {
    await node.stop();
    throw error;
  });
  return {
    url: stub.ready.url,
    child: stub.child,
    async stop() {
      await stub.stop();
      await node.stop();
    },
  };
}

// Hardhat's first development account (public knowledge; funded on every `hardhat node`): the deployer there.
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";


/**
 * `hardhat node` (gas not charged, as on the ledger node: HARDHAT_ZERO_FEES makes the base fee 0, see
 * hardhat.config.ts), its per-request console logging switched off, the contracts deployed, and the files the
 * API reads written where the ledger node would write them.
 */
async function startHardhatNode(dataDir: string): Promise<ChainProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [require.resolve("hardhat/internal/cli/cli.js"), "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    env: { ...process.env, HARDHAT_ZERO_FEES: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("hardhat node did not start within 120 s")), 120_000);
    void exited.then(() => reject(new Error("hardhat node exited before it was ready")));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    await provider.send("hardhat_setLoggingEnabled", [false]);
    const deployment = await deployLedger(new Wallet(HARDHAT_ACCOUNT_0, provider), { adminDelay: 86_400 });
    writeFileSync(join(dataDir, "deployment.json"), `${JSON.stringify(deployment, null, 2)}\n`);
    writeFileSync(join(dataDir, "authority.key"), `${HARDHAT_ACCOUNT_0}\n`, { mode: 0o600 });
  } finally {
    provider.destroy();
  }
  return {
    url,
    child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
