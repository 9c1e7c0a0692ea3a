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

/** The whole system on Hardhat's in-process chain: forwarder, registry and ledger, with one party of each kind. */
export async function deployLedgerFixture() {
  const [bureau, officer, merchantA, merchantB, enterpriseA, enterpriseB, employee1, employee2, stranger, relayer] =
    await ethers.getSigners();

  const forwarder = await ethers.deployContract("LedgerForwarder");
  const registry = await ethers.deployContract("ParticipantRegistry", [ADMIN_DELAY, bureau!.address, await forwarder.getAddress()]);
  const ledger = await ethers.deployContract("InvoiceLedger", [await registry.getAddress(), await forwarder.getAddress()]);

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
