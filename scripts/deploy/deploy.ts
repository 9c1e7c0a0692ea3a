/**
 * Deploys the contracts to any standard JSON-RPC endpoint (the embedded node does this itself at its first
 * start; this is for Hardhat, a Besu/QBFT consortium, or a fresh deployment anywhere):
 *
 *   npm run deploy -- --rpc-url http://besu-1.example:8545 --out deployment.json --upgrade-delay 172800
 *   (the deployer's key in DEPLOYER_KEY; it becomes the bureau's admin, who alone upgrades the contracts,
 *   each upgrade scheduled at least --upgrade-delay seconds ahead: docs/upgrades.md)
 */
import { writeFileSync } from "node:fs";

import { Command, InvalidArgumentError } from "commander";
import { FetchRequest, JsonRpcProvider, Wallet } from "ethers";

import { DEFAULT_UPGRADE_DELAY, deployLedger } from "../../lib/deploy-ledger";

function seconds(name: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`${name} must be a whole number of seconds`);
    return parsed;
  };
}

const options = new Command()
  .requiredOption("--rpc-url <url>", "JSON-RPC endpoint")
  .option("--out <file>", "where to write the addresses", "deployment.json")
  .option("--admin-delay <seconds>", "delay of the bureau admin handover", seconds("--admin-delay"), 86_400)
  .option("--upgrade-delay <seconds>", "how long a scheduled contract upgrade waits before it may be executed", seconds("--upgrade-delay"), DEFAULT_UPGRADE_DELAY)
  .parse()
  .opts<{ rpcUrl: string; out: string; adminDelay: number; upgradeDelay: number }>();

async function main(): Promise<void> {
  const key = process.env.DEPLOYER_KEY;
  if (key === undefined) throw new Error("set DEPLOYER_KEY to the deploying (bureau) account's private key");
  const request = new FetchRequest(options.rpcUrl);
  if (process.env.LEDGER_RPC_TOKEN) request.setHeader("authorization", `Bearer ${process.env.LEDGER_RPC_TOKEN}`);
  const provider = new JsonRpcProvider(request);
  const deployment = await deployLedger(new Wallet(key, provider), { adminDelay: options.adminDelay, upgradeDelay: options.upgradeDelay });
  writeFileSync(options.out, `${JSON.stringify(deployment, null, 2)}\n`);
  console.log(JSON.stringify(deployment));
  provider.destroy();
}

main().catch((error: unknown) => {
  // ethers wraps the node's JSON-RPC error; show the node's own words when there are some.
  const rpc = (error as { error?: { message?: string } }).error;
  console.error(rpc?.message ?? (error instanceof Error ? error.message : error));
  process.exit(1);
});
