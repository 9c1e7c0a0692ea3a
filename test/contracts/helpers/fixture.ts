import { ethers } from "hardhat";

import { withCheckCharacter } from "../../../api/domain/taxpayer-id";
import { taxpayerIdBytes } from "./documents";

export const TAXPAYER_IDS = {
  merchantA: withCheckCharacter("91440300708461136"),
  merchantB: withCheckCharacter("91440300MA5DC7M2X"),
  enterpriseA: withCheckCharacter("91110000100001234"),
  enterpriseB: withCheckCharacter("91310000MA1K4A2B3"),
} as const;

export const QUOTA = 1_000_000_000n; // 10 million yuan in fen
export const ADMIN_DELAY = 3n * 24n * 3600n;
export const UPGRADE_DELAY = 2n * 24n * 3600n;

/**
 * The whole system on Hardhat's in-process chain, deployed as in production: the forwarder, then the registry and
 * the ledger as implementations behind ERC-1967 proxies (each initialised in its proxy's constructor), with one
 * party of each kind. `registry` and `ledger` are the proxies, typed as the contracts they delegate to.
 */
export async function deployLedgerFixture() {
  const [bureau, officer, merchantA, merchantB, enterpriseA, enterpriseB, employee1, employee2, stranger, relayer] =
    await ethers.getSigners();

  const forwarder = await ethers.deployContract("LedgerForwarder");
  const registryImplementation = await ethers.deployContract("ParticipantRegistry", [await forwarder.getAddress()]);
  const registryInit = registryImplementation.interface.encodeFunctionData("initialize", [ADMIN_DELAY, bureau!.address, UPGRADE_DELAY]);
  const registryProxy = await ethers.deployContract("LedgerProxy", [await registryImplementation.getAddress(), registryInit]);
  const registry = await ethers.getContractAt("ParticipantRegistry", await registryProxy.getAddress());
  const ledgerImplementation = await ethers.deployContract("InvoiceLedger", [await registry.getAddress(), await forwarder.getAddress()]);
  const ledgerInit = ledgerImplementation.interface.encodeFunctionData("initialize", [UPGRADE_DELAY]);
  const ledgerProxy = await ethers.deployContract("LedgerProxy", [await ledgerImplementation.getAddress(), ledgerInit]);
  const ledger = await ethers.getContractAt("InvoiceLedger", await ledgerProxy.getAddress());

  await registry.connect(bureau).grantRole(await registry.BUREAU_ROLE(), officer!.address);
  await registry.connect(officer).registerMerchant(merchantA!.address, taxpayerIdBytes(TAXPAYER_IDS.merchantA));
  await registry.connect(officer).registerMerchant(merchantB!.address, taxpayerIdBytes(TAXPAYER_IDS.merchantB));
  await registry.connect(officer).registerEnterprise(enterpriseA!.address, taxpayerIdBytes(TAXPAYER_IDS.enterpriseA));
  await registry.connect(officer).registerEnterprise(enterpriseB!.address, taxpayerIdBytes(TAXPAYER_IDS.enterpriseB));
  await registry.connect(enterpriseA).registerIndividual(employee1!.address);
  await registry.connect(enterpriseB).registerIndividual(employee2!.address);

  const period = await ledger.currentPeriod();
  await ledger.connect(officer).setQuota(merchantA!.address, period, QUOTA);
  await ledger.connect(officer).setQuota(merchantB!.address, period, QUOTA);

  return {
    forwarder,
    registry,
    ledger,
    registryImplementation,
    ledgerImplementation,
    period,
    bureau: bureau!,
    officer: officer!,
    merchantA: merchantA!,
    merchantB: merchantB!,
    enterpriseA: enterpriseA!,
    enterpriseB: enterpriseB!,
    employee1: employee1!,
    employee2: employee2!,
    stranger: stranger!,
    relayer: relayer!,
  };
}
