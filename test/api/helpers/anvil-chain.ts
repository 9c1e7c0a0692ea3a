import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { Wallet } from "ethers";
import pino from "pino";

import { startEmbeddedServer } from "../../../api/db/embedded-server";
import { writeFileDurably } from "../../../lib/durable-file";
import { startAnvilProcess, type AnvilChainOptions, type AnvilProcess } from "../../../scripts/lib/anvil-process";
import { startRpcGateway, type RpcGateway } from "./rpc-gateway";
import { builtProgram } from "../../../scripts/lib/built-program";

const run = promisify(execFile);

/**
 * The second engine stood up as an operator stands up a consortium chain for the API: anvil (Cancun, our chain
 * id, zero fees) behind a gateway that applies a Besu endpoint's limits (rpc-gateway.ts), the contracts deployed
 * by the deployment CLI (`npm run deploy`'s program, scripts/deploy/deploy.ts) with a bureau key that holds no
 * ether, and the data root the API reads at its first start (api/config.ts): `deployment.json` exactly as the
 * CLI wrote it, and the bureau's key in `authority.key` (0600), which the API imports as its first bureau officer.
 */
export interface AnvilChain {
  dataRoot: string;
  anvil: AnvilProcess;
  gateway: RpcGateway;
  /** The gateway's token: the API sends it as LEDGER_RPC_TOKEN. */
  token: string;
  /** What the API needs from the deployment file (api/chain/ledger-client.ts); the file may hold more. */
  deployment: { chainId: number; ledger: string; registry: string; forwarder: string; blockNumber: number };
  bureau: Wallet;
  /** The JSON-RPC methods the deployment CLI called. */
  deployMethods: Map<string, number>;
  /** Stops the embedded database a killed API may have left, the gateway and anvil; removes the data root. */
  close(): Promise<void>;
}

export async function startAnvilChain(options: AnvilChainOptions & { maxLogsRange: number }): Promise<AnvilChain> {
  const dataRoot = mkdtempSync(join(tmpdir(), "second-engine-"));
  const anvil = await startAnvilProcess(options);
  const token = randomBytes(24).toString("hex");
  const gateway = await startRpcGateway({ target: anvil.url, token, maxLogsRange: options.maxLogsRange });
  try {
    const bureau = new Wallet(Wallet.createRandom().privateKey);
    const deploymentFile = join(dataRoot, "deployment.json");
    // `npm run deploy -- --rpc-url <url> --out <file>` without its build step (the test runner has compiled).
    await run(process.execPath, [builtProgram("scripts/deploy/deploy"), "--rpc-url", gateway.url, "--out", deploymentFile], {
      env: { ...process.env, DEPLOYER_KEY: bureau.privateKey, LEDGER_RPC_TOKEN: token },
    });
    const deployMethods = gateway.methods();
    gateway.resetRecord();
    await writeFileDurably(join(dataRoot, "authority.key"), `${bureau.privateKey}\n`, 0o600);
    return {
      dataRoot,
      anvil,
      gateway,
      token,
      deployment: deploymentOf(readFileSync(deploymentFile, "utf8")),
      bureau,
      deployMethods,
      async close() {
        // A killed API leaves its embedded server running (the next start would adopt it): stopped here.
        if (existsSync(join(dataRoot, "postgres"))) await (await startEmbeddedServer(join(dataRoot, "postgres"), pino({ level: "silent" }))).stop();
        await gateway.close();
        await anvil.stop();
        rmSync(dataRoot, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await gateway.close();
    await anvil.stop();
    rmSync(dataRoot, { recursive: true, force: true });
    throw error;
  }
}

/** The fields the API reads, checked; whatever else the deployment CLI records is left to it. */
function deploymentOf(text: string): AnvilChain["deployment"] {
  const file = JSON.parse(text) as Record<string, unknown>;
  const address = (key: string): string => {
    const value = file[key];
    if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw new Error(`deployment.json: ${key} is not an address`);
    return value;
  };
  const count = (key: string): number => {
    const value = file[key];
    if (typeof value !== "number" || !Number.isInteger(value)) throw new Error(`deployment.json: ${key} is not an integer`);
    return value;
  };
  return { chainId: count("chainId"), ledger: address("ledger"), registry: address("registry"), forwarder: address("forwarder"), blockNumber: count("blockNumber") };
}
