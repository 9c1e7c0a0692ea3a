import { NonceManager, type Signer } from "ethers";

import { InvoiceLedger__factory, LedgerForwarder__factory, ParticipantRegistry__factory } from "../../typechain-types";

export interface LedgerDeployment {
  chainId: number;
  forwarder: string;
  registry: string;
  ledger: string;
  deployer: string;
  blockNumber: number;
}

/**
 * Deploys the forwarder, the participant registry (the deployer becomes the bureau's admin and first
 * officer) and the invoice ledger with any signer on any standard JSON-RPC endpoint: the embedded ledger
 * node, Hardhat, or a Besu/QBFT consortium. Nothing here uses a method only our node has.
 */
export async function deployLedger(signer: Signer, options: { adminDelay: number }): Promise<LedgerDeployment> {
  const provider = signer.provider;
  if (provider === null) throw new Error("the deployer needs a provider");
  const bureau = await signer.getAddress();
  // ethers caches identical RPC answers briefly, so a nonce read right after a send can be stale: count them here.
  const deployer = signer instanceof NonceManager ? signer : new NonceManager(signer);
  const forwarder = await new LedgerForwarder__factory(deployer).deploy();
  await forwarder.waitForDeployment();
  const registry = await new ParticipantRegistry__factory(deployer).deploy(options.adminDelay, bureau, await forwarder.getAddress());
  await registry.waitForDeployment();
  const ledger = await new InvoiceLedger__factory(deployer).deploy(await registry.getAddress(), await forwarder.getAddress());
  const receipt = await (await ledger.waitForDeployment()).deploymentTransaction()?.wait();
  return {
    chainId: Number((await provider.getNetwork()).chainId),
    forwarder: await forwarder.getAddress(),
    registry: await registry.getAddress(),
    ledger: await ledger.getAddress(),
    deployer: bureau,
    blockNumber: receipt?.blockNumber ?? (await provider.getBlockNumber()),
  };
}
