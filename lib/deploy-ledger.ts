import { NonceManager, type BaseContract, type Signer } from "ethers";

import { InvoiceLedger__factory, LedgerForwarder__factory, LedgerProxy__factory, ParticipantRegistry__factory } from "../typechain-types";
import { minedDeployment } from "./mined-receipt";
import { ZERO_FEE } from "./zero-fee";

/** A scheduled upgrade waits this long (seconds) unless the deployment says otherwise: 48 hours. */
export const DEFAULT_UPGRADE_DELAY = 172_800;

/**
 * Where the ledger's contracts are. `registry` and `ledger` are the addresses the parties use for good: since the
 * contracts became upgradeable, those of ERC-1967 proxies. Records written before (by the node, in its chain store
 * and `deployment.json`) lack the optional fields: their registry and ledger are plain contracts, which the start
 * check reports as a pre-proxy deployment (lib/contract-code.ts).
 */
export interface LedgerDeployment {
  chainId: number;
  forwarder: string;
  registry: string;
  ledger: string;
  deployer: string;
  blockNumber: number;
  /**
   * The implementations the proxies were deployed with. An executed upgrade replaces them; the proxy's ERC-1967
   * implementation slot always says which one runs (`npm run upgrade -- status`).
   */
  implementations?: { registry: string; ledger: string };
  /** Seconds between scheduling an upgrade and executing it, as initialised. */
  upgradeDelay?: number;
}

export interface DeployOptions {
  /** Delay (seconds) of the registry's two-step default-admin handover. */
  adminDelay: number;
  /** Delay (seconds) between scheduling an upgrade and executing it; {@link DEFAULT_UPGRADE_DELAY} when absent. */
  upgradeDelay?: number;
}

/**
 * Deploys the forwarder, then the participant registry and the invoice ledger, each as an implementation behind a
 * {@link LedgerProxy__factory LedgerProxy} that is initialised in its constructor (so nobody can initialise it
 * first). The deployer becomes the bureau's default admin (who alone schedules and executes upgrades) and first
 * officer. Works with any signer on any standard JSON-RPC endpoint: the embedded ledger node, Hardhat, or a
 * Besu/QBFT consortium. Nothing here uses a method only our node has.
 */
export async function deployLedger(signer: Signer, options: DeployOptions): Promise<LedgerDeployment & Required<Pick<LedgerDeployment, "implementations" | "upgradeDelay">>> {
  const provider = signer.provider;
  if (provider === null) throw new Error("the deployer needs a provider");
  const upgradeDelay = options.upgradeDelay ?? DEFAULT_UPGRADE_DELAY;
  if (!Number.isSafeInteger(upgradeDelay) || upgradeDelay <= 0) throw new Error(`the upgrade delay must be a positive number of seconds, not ${upgradeDelay}`);
  const bureau = await signer.getAddress();
  // ethers caches identical RPC answers briefly, so a nonce read right after a send can be stale: count them here.
  const deployer = signer instanceof NonceManager ? signer : new NonceManager(signer);
  // Each deployment mined before the next is sent (minedDeployment: not ethers' waitForDeployment, which can miss it).
  const deployed = async (contract: Promise<BaseContract>) => {
    const instance = await contract;
    const { blockNumber } = await minedDeployment(instance);
    return { address: await instance.getAddress(), blockNumber };
  };

  const { address: forwarder } = await deployed(new LedgerForwarder__factory(deployer).deploy(ZERO_FEE));
  const { address: registryImplementation } = await deployed(new ParticipantRegistry__factory(deployer).deploy(forwarder, ZERO_FEE));
  const registryInit = ParticipantRegistry__factory.createInterface().encodeFunctionData("initialize", [options.adminDelay, bureau, upgradeDelay]);
  const { address: registry } = await deployed(new LedgerProxy__factory(deployer).deploy(registryImplementation, registryInit, ZERO_FEE));
  const { address: ledgerImplementation } = await deployed(new InvoiceLedger__factory(deployer).deploy(registry, forwarder, ZERO_FEE));
  const ledgerInit = InvoiceLedger__factory.createInterface().encodeFunctionData("initialize", [upgradeDelay]);
  // The deployment's block: the ledger's, the last one deployed.
  const { address: ledger, blockNumber } = await deployed(new LedgerProxy__factory(deployer).deploy(ledgerImplementation, ledgerInit, ZERO_FEE));
  return {
    chainId: Number((await provider.getNetwork()).chainId),
    forwarder,
    registry,
    ledger,
    deployer: bureau,
    blockNumber,
    implementations: { registry: registryImplementation, ledger: ledgerImplementation },
    upgradeDelay,
  };
}
