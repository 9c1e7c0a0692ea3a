/**
 * `npm run upgrade`: the bureau's contract upgrades, after a delay (docs/upgrades.md).
 *
 *   npm run upgrade -- status              the contracts on chain against this build, and any scheduled upgrade
 *   npm run upgrade -- schedule            deploy this build's implementations that differ, and schedule them
 *   npm run upgrade -- execute             once the delay has passed (refused before, exit 3)
 *   npm run upgrade -- cancel              withdraw the scheduled upgrades
 *
 * Defaults are those of the embedded system (`npm start`): the node at http://127.0.0.1:8545, the deployment in
 * `<data dir>/deployment.json`, the bureau's key in `<data dir>/authority.key`, the node's admin token in
 * `<data dir>/admin.token`. For any other chain: --rpc-url, --deployment, --key-file (or UPGRADE_ADMIN_KEY) and
 * LEDGER_RPC_TOKEN. Human output by default, `--json` for scripts; progress on stderr. Exit codes: 0 done (or
 * nothing to do), 3 not ready yet, 4 nothing scheduled, 5 a contract that cannot be upgraded differs, 6 another
 * upgrade is scheduled, 7 the key is not the bureau's default admin, 8 (status) the chain does not run this build,
 * 9 the deployment or key cannot be read, 1 anything else.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { Command, Option } from "commander";
import { FetchRequest, JsonRpcProvider, NonceManager, Wallet, isError } from "ethers";

import type { ContractCodeReport } from "../lib/contract-code";
import type { LedgerDeployment } from "../lib/deploy-ledger";
import { UPGRADE_EXIT_CODES, UpgradeError } from "./deploy/upgrade-error";
import { cancelScheduled, executeScheduled, formatDuration, scheduleBuild, upgradeStatus, type UpgradeContext, type UpgradeOutcome, type UpgradeableContract } from "./deploy/upgrade-ledger";

const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

interface GlobalOptions {
  rpcUrl?: string;
  dataDir: string;
  deployment?: string;
  keyFile?: string;
  contract?: "registry" | "ledger";
  json?: boolean;
}

const program = new Command()
  .name("upgrade")
  .description("upgrade the ledger's contracts to this build, after the upgrade delay the contracts enforce")
  .option("--rpc-url <url>", `JSON-RPC endpoint (default ${DEFAULT_RPC_URL}, the embedded node)`)
  .option("--data-dir <dir>", "the embedded system's data directory (LEDGER_DATA_DIR)", process.env.LEDGER_DATA_DIR ?? "./data")
  .option("--deployment <file>", "the contracts' addresses (default <data dir>/deployment.json)")
  .option("--key-file <file>", "the bureau's default-admin key (default UPGRADE_ADMIN_KEY, else <data dir>/authority.key)")
  .addOption(new Option("--contract <name>", "act on one contract only").choices(["registry", "ledger"]))
  .option("--json", "one JSON object on stdout instead of text")
  .addHelpText("after", "\nExamples:\n  npm run upgrade -- status\n  npm run upgrade -- schedule\n  npm run upgrade -- execute        (after the delay; refused before with exit 3)\n  UPGRADE_ADMIN_KEY=0x… LEDGER_RPC_TOKEN=… npm run upgrade -- status --rpc-url https://besu-1.example:8545 --deployment deployment.json");

program.command("status").description("the contracts on chain against this build, and the scheduled upgrades").action(() => run("status"));
program.command("schedule").description("deploy this build's implementations that differ and schedule them").action(() => run("schedule"));
program.command("execute").description("execute the scheduled upgrades whose delay has passed").action(() => run("execute"));
program.command("cancel").description("cancel the scheduled upgrades").action(() => run("cancel"));

type UpgradeCommand = "status" | "schedule" | "execute" | "cancel";

async function run(command: UpgradeCommand): Promise<void> {
  const options = program.opts<GlobalOptions>();
  const json = options.json === true;
  const rpcUrl = options.rpcUrl ?? DEFAULT_RPC_URL;
  let provider: JsonRpcProvider | undefined;
  try {
    const deploymentFile = resolve(options.deployment ?? join(options.dataDir, "deployment.json"));
    const deployment = readJson<LedgerDeployment>(deploymentFile, "the deployment");
    const request = new FetchRequest(rpcUrl);
    const token = bearerToken(options);
    if (token !== undefined) request.setHeader("authorization", `Bearer ${token}`);
    provider = new JsonRpcProvider(request, deployment.chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    const contracts: readonly UpgradeableContract[] | undefined = options.contract === undefined ? undefined : [options.contract === "ledger" ? "InvoiceLedger" : "ParticipantRegistry"];
    const context: UpgradeContext = { provider, deployment, ...(contracts === undefined ? {} : { contracts }) };
    if (command === "status") {
      const report = await upgradeStatus(context);
      if (json) print({ command, rpcUrl, chainId: deployment.chainId, ...report });
      else process.stdout.write(statusText(report, rpcUrl));
      process.exitCode = report.matches ? 0 : UPGRADE_EXIT_CODES.CONTRACTS_MISMATCH;
      return;
    }
    context.signer = new NonceManager(new Wallet(adminKey(options), provider));
    progress(json, `${command}: contracts at ${rpcUrl}, key ${await context.signer.getAddress()}`);
    const outcome = command === "schedule" ? await scheduleBuild(context) : command === "execute" ? await executeScheduled(context) : await cancelScheduled(context);
    if (json) print({ command, rpcUrl, chainId: deployment.chainId, steps: outcome.steps });
    else process.stdout.write(outcomeText(command, outcome));
  } catch (error) {
    fail(error, json);
  } finally {
    provider?.destroy();
  }
}

/** The embedded node's admin token goes only to the embedded node (the default endpoint); elsewhere LEDGER_RPC_TOKEN. */
function bearerToken(options: GlobalOptions): string | undefined {
  if (process.env.LEDGER_RPC_TOKEN) return process.env.LEDGER_RPC_TOKEN;
  if (options.rpcUrl !== undefined) return undefined;
  if (process.env.LEDGER_ADMIN_TOKEN) return process.env.LEDGER_ADMIN_TOKEN;
  const file = join(options.dataDir, "admin.token");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

function adminKey(options: GlobalOptions): string {
  if (options.keyFile === undefined && process.env.UPGRADE_ADMIN_KEY) return normalisedKey(process.env.UPGRADE_ADMIN_KEY, "UPGRADE_ADMIN_KEY");
  const file = resolve(options.keyFile ?? join(options.dataDir, "authority.key"));
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new UpgradeError("CONFIGURATION", `cannot read the bureau's admin key ${file}: give --key-file or UPGRADE_ADMIN_KEY`, { file }, { cause: error });
  }
  return normalisedKey(text, file);
}

function normalisedKey(value: string, source: string): string {
  const key = value.startsWith("0x") ? value : `0x${value}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new UpgradeError("CONFIGURATION", `${source} does not hold a private key (64 hex digits)`, { source });
  return key;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (error) {
    throw new UpgradeError("CONFIGURATION", `cannot read ${what} ${file}: start the ledger node once (it writes it), or give --deployment`, { file }, { cause: error });
  }
}

const pad = (text: string, width: number) => text.padEnd(width);

function statusText(report: ContractCodeReport, rpcUrl: string): string {
  const lines = [`Contracts at ${rpcUrl}, against this build:`];
  for (const check of report.contracts) {
    const where = check.implementation !== null && check.implementation !== check.address ? `  implementation ${check.implementation}` : "";
    const delay = check.upgradeDelay === null ? "" : `  upgrade delay ${formatDuration(check.upgradeDelay)}`;
    lines.push(`  ${pad(check.contract, 20)} ${check.address}  ${pad(check.status, 9)}${where}${delay}`);
    if (check.reason !== null) lines.push(`      ${check.reason}`);
    const pending = check.pendingUpgrade;
    if (pending !== null) {
      const when = pending.ready ? "executable now" : `executable from ${new Date(pending.readyAt * 1000).toISOString()} (in ${formatDuration(pending.readyAt - report.checkedAt)})`;
      lines.push(`      scheduled: ${pending.implementation} (${pending.matchesBuild ? "this build's code" : "NOT this build's code"}), ${when}`);
    }
  }
  if (report.matches) lines.push("The chain runs this build.");
  else if (report.contracts.some((c) => c.status !== "match" && c.pendingUpgrade?.matchesBuild === true)) lines.push("An upgrade to this build is scheduled: npm run upgrade -- execute once it is executable.");
  else lines.push("The chain does not run this build: npm run upgrade -- schedule, then npm run upgrade -- execute after the delay.");
  return `${lines.join("\n")}\n`;
}

function outcomeText(command: UpgradeCommand, outcome: UpgradeOutcome): string {
  const lines = outcome.steps.map((step) => {
    const code = step.matchesBuild === null ? "" : step.matchesBuild ? " (this build's code)" : " (not this build's code)";
    switch (step.action) {
      case "scheduled":
        return `${step.contract}: scheduled ${step.implementation!}${code}, executable from ${new Date(step.readyAt! * 1000).toISOString()}`;
      case "already-scheduled":
        return `${step.contract}: an upgrade to ${step.implementation!}${code} is already scheduled, executable from ${new Date(step.readyAt! * 1000).toISOString()}`;
      case "executed":
        return `${step.contract}: upgraded to ${step.implementation!}${code}`;
      case "cancelled":
        return `${step.contract}: cancelled the upgrade to ${step.implementation!}`;
      case "unchanged":
        return `${step.contract}: runs this build already`;
    }
  });
  if (command === "schedule" && outcome.steps.some((s) => s.action === "scheduled")) lines.push("Anyone can inspect the scheduled code during the delay; then: npm run upgrade -- execute");
  return `${lines.join("\n")}\n`;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function progress(json: boolean, line: string): void {
  if (!json) process.stderr.write(`${line}\n`);
}

function fail(error: unknown, json: boolean): void {
  const known = error instanceof UpgradeError ? error : undefined;
  // ethers wraps the node's JSON-RPC error; show the node's own words when there are some.
  const rpc = isError(error, "UNKNOWN_ERROR") ? (error as { error?: { message?: string } }).error?.message : undefined;
  const message = rpc ?? (error instanceof Error ? error.message : String(error));
  if (json) print({ error: { code: known?.code ?? "FAILED", message, details: known?.details ?? {} } });
  else process.stderr.write(`upgrade refused (${known?.code ?? "FAILED"}): ${message}\n`);
  process.exitCode = known?.exitCode ?? 1;
}

for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

program.parseAsync().catch((error: unknown) => fail(error, program.opts<GlobalOptions>().json === true));
