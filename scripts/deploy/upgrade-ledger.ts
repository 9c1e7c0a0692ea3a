import { ContractFactory, getAddress, isError, type Provider, type Signer } from "ethers";

import { loadContractArtifact } from "../../lib/contract-artifacts";
import { minedDeployment, minedReceipt } from "../../lib/mined-receipt";
import { checkContractCode, type ContractCheck, type ContractCodeReport, type DeployedAddresses, type JsonRpcSender } from "../../lib/contract-code";
import { IDelayedUpgrades__factory, InvoiceLedger__factory } from "../../typechain-types";
import { UpgradeError } from "./upgrade-error";
import { ZERO_FEE } from "../../lib/zero-fee";

/**
 * The bureau's upgrade steps, for `npm run upgrade` (scripts/upgrade.ts) and for tests: each checks what the chain
 * has against this build (lib/contract-code.ts), refuses with an {@link UpgradeError} what cannot work, and sends
 * only standard transactions, so they work against any chain. The contracts enforce the rules themselves
 * (contracts/proxy/DelayedUpgrades.sol); the checks here only make the refusals clear before a transaction is sent.
 */

export const UPGRADEABLE_CONTRACTS = ["ParticipantRegistry", "InvoiceLedger"] as const;
export type UpgradeableContract = (typeof UPGRADEABLE_CONTRACTS)[number];

export interface UpgradeContext {
  /** Reads the chain (ethers' JsonRpcProvider). */
  provider: JsonRpcSender;
  /** The bureau's default admin, connected to the chain; only the writing steps need it. */
  signer?: Signer;
  deployment: DeployedAddresses;
  /** The contracts to act on; both when absent. */
  contracts?: readonly UpgradeableContract[];
  /** Seconds since 1970 (tests); the machine's clock when absent. */
  now?: () => number;
}

/** What one step did for one contract. */
export interface UpgradeStep {
  contract: UpgradeableContract;
  proxy: string;
  action: "scheduled" | "already-scheduled" | "executed" | "cancelled" | "unchanged";
  /** The implementation scheduled, executed or cancelled. */
  implementation: string | null;
  readyAt: number | null;
  /** Whether that implementation is this build's code. */
  matchesBuild: boolean | null;
  transactionHash: string | null;
}

export interface UpgradeOutcome {
  /** The chain before the step. */
  before: ContractCodeReport;
  steps: UpgradeStep[];
}

/** The contracts on chain against this build, with the scheduled upgrades. */
export async function upgradeStatus(context: UpgradeContext): Promise<ContractCodeReport> {
  return checkContractCode(context.provider, context.deployment, context.now === undefined ? {} : { now: context.now });
}

/**
 * Deploys this build's implementation of every selected contract that does not run it, and schedules it. A
 * contract that runs this build already is left alone, as is one whose upgrade to this build is already scheduled.
 */
export async function scheduleBuild(context: UpgradeContext): Promise<UpgradeOutcome> {
  const signer = requireSigner(context);
  const before = await upgradeStatus(context);
  const selected = selectedChecks(context, before);
  refuseUnupgradeable(before, selected);
  const steps: UpgradeStep[] = [];
  for (const check of selected) {
    const base = { contract: check.contract as UpgradeableContract, proxy: check.address };
    const pending = check.pendingUpgrade;
    if (check.status === "match" && pending === null) {
      steps.push({ ...base, action: "unchanged", implementation: check.implementation, readyAt: null, matchesBuild: true, transactionHash: null });
    } else if (pending !== null && pending.matchesBuild) {
      steps.push({ ...base, action: "already-scheduled", implementation: pending.implementation, readyAt: pending.readyAt, matchesBuild: true, transactionHash: null });
    } else if (pending !== null) {
      throw new UpgradeError("SCHEDULE_CONFLICT", `an upgrade of ${check.contract} to other code than this build's (${pending.implementation}) is scheduled: the bureau cancels it first (npm run upgrade -- cancel)`, { contract: check.contract, pending });
    } else {
      await requireAdmin(signer, check);
      const implementation = await deployBuildImplementation(signer, context.deployment, base.contract);
      const scheduled = await scheduleImplementation(signer, check.address, implementation);
      steps.push({ ...base, action: "scheduled", implementation, readyAt: scheduled.readyAt, matchesBuild: true, transactionHash: scheduled.transactionHash });
    }
  }
  return { before, steps };
}

/** Executes every selected scheduled upgrade, which must be ready; refused before its time with NOT_READY. */
export async function executeScheduled(context: UpgradeContext): Promise<UpgradeOutcome> {
  const signer = requireSigner(context);
  const before = await upgradeStatus(context);
  const scheduled = selectedChecks(context, before).filter((check) => check.pendingUpgrade !== null);
  if (scheduled.length === 0) throw new UpgradeError("NOTHING_SCHEDULED", "no upgrade is scheduled: the bureau schedules one first (npm run upgrade -- schedule)");
  const early = scheduled.filter((check) => !check.pendingUpgrade!.ready);
  if (early.length > 0) throw notReady(early.map((check) => ({ contract: check.contract, implementation: check.pendingUpgrade!.implementation, readyAt: check.pendingUpgrade!.readyAt })), before.checkedAt);
  const steps: UpgradeStep[] = [];
  for (const check of scheduled) {
    const pending = check.pendingUpgrade!;
    await requireAdmin(signer, check);
    const transactionHash = await executeImplementation(signer, check.address, pending.implementation, "0x", check.contract, before.checkedAt);
    steps.push({ contract: check.contract as UpgradeableContract, proxy: check.address, action: "executed", implementation: pending.implementation, readyAt: pending.readyAt, matchesBuild: pending.matchesBuild, transactionHash });
  }
  return { before, steps };
}

/** Cancels every selected scheduled upgrade. */
export async function cancelScheduled(context: UpgradeContext): Promise<UpgradeOutcome> {
  const signer = requireSigner(context);
  const before = await upgradeStatus(context);
  const scheduled = selectedChecks(context, before).filter((check) => check.pendingUpgrade !== null);
  if (scheduled.length === 0) throw new UpgradeError("NOTHING_SCHEDULED", "no upgrade is scheduled: there is nothing to cancel");
  const steps: UpgradeStep[] = [];
  for (const check of scheduled) {
    const pending = check.pendingUpgrade!;
    await requireAdmin(signer, check);
    const transactionHash = await sent(() => IDelayedUpgrades__factory.connect(check.address, signer).cancelUpgrade(ZERO_FEE));
    steps.push({ contract: check.contract as UpgradeableContract, proxy: check.address, action: "cancelled", implementation: pending.implementation, readyAt: pending.readyAt, matchesBuild: pending.matchesBuild, transactionHash });
  }
  return { before, steps };
}

/**
 * Deploys this build's implementation of `contract` (from contract-artifacts/, the code the start check compares
 * with), built for this deployment's registry and forwarder, which it keeps as immutables.
 */
export async function deployBuildImplementation(signer: Signer, deployment: DeployedAddresses, contract: UpgradeableContract): Promise<string> {
  const artifact = loadContractArtifact(contract);
  const args = contract === "InvoiceLedger" ? [deployment.registry, deployment.forwarder] : [deployment.forwarder];
  const deployed = await new ContractFactory(artifact.abi as string[], artifact.bytecode, signer).deploy(...args, ZERO_FEE);
  await minedDeployment(deployed);
  return getAddress(await deployed.getAddress());
}

/** Schedules `implementation` on the proxy; answers when it becomes executable. */
export async function scheduleImplementation(signer: Signer, proxy: string, implementation: string): Promise<{ readyAt: number; transactionHash: string }> {
  const contract = IDelayedUpgrades__factory.connect(proxy, signer);
  const transactionHash = await sent(() => contract.scheduleUpgrade(implementation, ZERO_FEE));
  const [, readyAt] = await contract.pendingUpgrade();
  return { readyAt: Number(readyAt), transactionHash };
}

/** Executes the scheduled `implementation` on the proxy, with `data` as its migration call ("0x": none). */
export async function executeImplementation(signer: Signer, proxy: string, implementation: string, data = "0x", contract = "the contract", now = Math.floor(Date.now() / 1000)): Promise<string> {
  try {
    return await sent(() => InvoiceLedger__factory.connect(proxy, signer).upgradeToAndCall(implementation, data, ZERO_FEE));
  } catch (error) {
    // The chain's clock decides: a block before `readyAt` refuses it even when this machine's clock says it is time.
    if (isError(error, "CALL_EXCEPTION") && error.revert?.name === "DelayedUpgradesNotReady") {
      throw notReady([{ contract, implementation, readyAt: Number(error.revert.args[1]) }], now);
    }
    throw error;
  }
}

function notReady(pending: { contract: string; implementation: string; readyAt: number }[], now: number): UpgradeError {
  const latest = Math.max(...pending.map((p) => p.readyAt));
  const wait = Math.max(0, latest - now);
  return new UpgradeError(
    "NOT_READY",
    `the upgrade delay has not passed: ${pending.map((p) => `${p.contract} to ${p.implementation} is executable from ${new Date(p.readyAt * 1000).toISOString()}`).join("; ")} (in ${formatDuration(wait)}); run execute again then`,
    { pending, secondsLeft: wait },
  );
}

/** "2 h 5 min", "40 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days ${hours % 24} h`;
}

function requireSigner(context: UpgradeContext): Signer {
  if (context.signer === undefined) throw new UpgradeError("CONFIGURATION", "this step sends transactions: it needs the bureau's admin key");
  return context.signer;
}

function selectedChecks(context: UpgradeContext, report: ContractCodeReport): ContractCheck[] {
  const selected = context.contracts ?? UPGRADEABLE_CONTRACTS;
  return report.contracts.filter((check) => (selected as readonly string[]).includes(check.contract));
}

/** What no upgrade can fix: a changed forwarder, a pre-proxy deployment, an address without code. */
function refuseUnupgradeable(report: ContractCodeReport, selected: ContractCheck[]): void {
  const stuck = report.contracts.filter((check) => (check.contract === "LedgerForwarder" && check.status !== "match") || (selected.includes(check) && (check.status === "pre-proxy" || check.status === "missing")));
  if (stuck.length === 0) return;
  throw new UpgradeError(
    "NOT_UPGRADEABLE",
    `${stuck.map((check) => `${check.contract} at ${check.address}: ${check.reason ?? check.status}`).join("; ")}. ${
      stuck.some((check) => check.contract === "LedgerForwarder")
        ? "The forwarder is a plain contract whose address the implementations keep as an immutable: a new forwarder means a new deployment. "
        : ""
    }Run the build that matches the chain, or deploy the contracts anew (npm run deploy)`,
    { contracts: stuck.map(({ contract, address, status }) => ({ contract, address, status })) },
  );
}

async function requireAdmin(signer: Signer, check: ContractCheck): Promise<void> {
  const [admin, account] = await Promise.all([IDelayedUpgrades__factory.connect(check.address, signer).upgradeAdmin(), signer.getAddress()]);
  if (getAddress(admin) !== getAddress(account)) {
    throw new UpgradeError("NOT_ADMIN", `${check.contract} is upgraded only by the bureau's default admin ${admin}; this key is for ${account}`, { contract: check.contract, admin, account });
  }
}

/** Sends one transaction and waits for it; the contract's own refusals become {@link UpgradeError}s. */
async function sent(send: () => Promise<{ hash: string; provider: Provider }>): Promise<string> {
  try {
    const response = await send();
    await minedReceipt(response.provider, response.hash);
    return response.hash;
  } catch (error) {
    if (isError(error, "CALL_EXCEPTION") && error.revert !== null && error.revert !== undefined) {
      const { name, args } = error.revert;
      if (name === "DelayedUpgradesUnauthorized") throw new UpgradeError("NOT_ADMIN", `the chain refused: ${String(args[0])} is not the bureau's default admin`, { account: String(args[0]) }, { cause: error });
      if (name === "DelayedUpgradesAlreadyScheduled") throw new UpgradeError("SCHEDULE_CONFLICT", `the chain refused: an upgrade to ${String(args[0])} is already scheduled (cancel it first: npm run upgrade -- cancel)`, { scheduled: String(args[0]) }, { cause: error });
      if (name === "DelayedUpgradesNothingScheduled" || name === "DelayedUpgradesNotScheduled") throw new UpgradeError("NOTHING_SCHEDULED", `the chain refused: ${name}`, { reason: name }, { cause: error });
    }
    throw error;
  }
}
