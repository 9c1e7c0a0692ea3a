import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { withCheckCharacter } from "../../api/domain/taxpayer-id";
import { taxpayerIdBytes } from "./helpers/documents";
import { ADMIN_DELAY, deployLedgerFixture, TAXPAYER_IDS } from "./helpers/fixture";

const Role = { None: 0n, Merchant: 1n, Enterprise: 2n, Individual: 3n } as const;
const Status = { None: 0n, Active: 1n, Suspended: 2n, Revoked: 3n } as const;

describe("ParticipantRegistry", () => {
  it("registers organisations by taxpayer ID and individuals without personal data", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const account = ethers.Wallet.createRandom().address;
    const taxpayerId = withCheckCharacter("91440300MA5G8XK0Q");
    await expect(f.registry.connect(f.officer).registerMerchant(account, taxpayerIdBytes(taxpayerId)))
      .to.emit(f.registry, "ParticipantRegistered")
      .withArgs(account, Role.Merchant, taxpayerIdBytes(taxpayerId), 7n, f.officer.address);
    const stored = await f.registry.participant(account);
    expect([stored.role, stored.status, stored.taxpayerId, stored.index, stored.registrar])
      .to.deep.equal([Role.Merchant, Status.Active, taxpayerIdBytes(taxpayerId), 7n, f.officer.address]);
    expect(await f.registry.accountOf(taxpayerIdBytes(taxpayerId))).to.equal(account);
    expect(await f.registry.accountAt(7)).to.equal(account);
    expect(await f.registry.isRegistered(account)).to.equal(true);
    expect(await f.registry.isActive(account, Role.Merchant)).to.equal(true);
    expect(await f.registry.isActive(account, Role.Enterprise)).to.equal(false);

    const employee = await f.registry.participant(f.employee1.address);
    expect([employee.role, employee.taxpayerId, employee.registrar])
      .to.deep.equal([Role.Individual, ethers.ZeroHash.slice(0, 38), f.enterpriseA.address]);
    expect(await f.registry.isBureau(f.officer.address)).to.equal(true);
    expect(await f.registry.isRegistered(f.officer.address)).to.equal(true);
    expect(await f.registry.isRegistered(f.stranger.address)).to.equal(false);
  });

  it("refuses malformed taxpayer IDs, taken ones, the zero account and a second role", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const registry = f.registry.connect(f.officer);
    const valid = TAXPAYER_IDS.merchantA;
    const wrongCheck = valid.slice(0, 17) + (valid.endsWith("0") ? "1" : "0");
    for (const bad of [wrongCheck, valid.toLowerCase(), "91440300708461136I", "914403007084611_36"]) {
      await expect(registry.registerEnterprise(f.stranger.address, taxpayerIdBytes(bad)))
        .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryInvalidTaxpayerId").withArgs(taxpayerIdBytes(bad));
    }
    await expect(registry.registerEnterprise(f.stranger.address, taxpayerIdBytes(valid)))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryTaxpayerIdTaken").withArgs(taxpayerIdBytes(valid), f.merchantA.address);
    const fresh = taxpayerIdBytes(withCheckCharacter("12100000400000000"));
    await expect(registry.registerEnterprise(ethers.ZeroAddress, fresh)).to.be.revertedWithCustomError(f.registry, "ParticipantRegistryZeroAccount");
    await expect(registry.registerEnterprise(f.employee1.address, fresh))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryAlreadyRegistered").withArgs(f.employee1.address, Role.Individual);
    await expect(registry.registerIndividual(f.merchantA.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryAlreadyRegistered").withArgs(f.merchantA.address, Role.Merchant);
  });

  it("lets only officers register organisations and only officers or active enterprises register individuals", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const fresh = taxpayerIdBytes(withCheckCharacter("12100000400000000"));
    for (const who of [f.merchantA, f.enterpriseA, f.employee1, f.stranger]) {
      await expect(f.registry.connect(who).registerMerchant(f.stranger.address, fresh))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount");
      await expect(f.registry.connect(who).registerEnterprise(f.stranger.address, fresh))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount");
    }
    for (const who of [f.merchantA, f.employee1, f.stranger]) {
      await expect(f.registry.connect(who).registerIndividual(f.stranger.address))
        .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryUnauthorized").withArgs(who.address);
    }
    await f.registry.connect(f.officer).suspend(f.enterpriseB.address);
    await expect(f.registry.connect(f.enterpriseB).registerIndividual(f.stranger.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryUnauthorized").withArgs(f.enterpriseB.address);
    await expect(f.registry.connect(f.officer).registerIndividual(f.stranger.address)).to.emit(f.registry, "ParticipantRegistered");
  });

  it("suspends, reinstates and revokes, and revocation frees the taxpayer ID for a new account", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const registry = f.registry.connect(f.officer);
    await expect(registry.suspend(f.merchantA.address))
      .to.emit(f.registry, "ParticipantStatusChanged").withArgs(f.merchantA.address, Status.Active, Status.Suspended, f.officer.address);
    expect(await f.registry.isRegistered(f.merchantA.address)).to.equal(false);
    await expect(registry.suspend(f.merchantA.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryInvalidStatusChange").withArgs(f.merchantA.address, Status.Suspended, Status.Suspended);
    await expect(registry.reinstate(f.merchantA.address))
      .to.emit(f.registry, "ParticipantStatusChanged").withArgs(f.merchantA.address, Status.Suspended, Status.Active, f.officer.address);
    await expect(registry.reinstate(f.merchantA.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryInvalidStatusChange").withArgs(f.merchantA.address, Status.Active, Status.Active);
    await registry.suspend(f.merchantA.address);
    await expect(registry.revoke(f.merchantA.address))
      .to.emit(f.registry, "ParticipantStatusChanged").withArgs(f.merchantA.address, Status.Suspended, Status.Revoked, f.officer.address);
    await expect(registry.revoke(f.merchantA.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryInvalidStatusChange").withArgs(f.merchantA.address, Status.Revoked, Status.Revoked);
    await expect(registry.reinstate(f.merchantA.address)).to.be.revertedWithCustomError(f.registry, "ParticipantRegistryInvalidStatusChange");
    expect(await f.registry.accountOf(taxpayerIdBytes(TAXPAYER_IDS.merchantA))).to.equal(ethers.ZeroAddress);
    await registry.registerMerchant(f.stranger.address, taxpayerIdBytes(TAXPAYER_IDS.merchantA));
    expect(await f.registry.accountOf(taxpayerIdBytes(TAXPAYER_IDS.merchantA))).to.equal(f.stranger.address);
    await registry.revoke(f.employee1.address);
    await expect(registry.suspend(f.relayer.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryNotRegistered").withArgs(f.relayer.address);
  });

  it("lets an enterprise manage only the employees it registered", async () => {
    const f = await loadFixture(deployLedgerFixture);
    await expect(f.registry.connect(f.enterpriseA).suspend(f.employee1.address))
      .to.emit(f.registry, "ParticipantStatusChanged").withArgs(f.employee1.address, Status.Active, Status.Suspended, f.enterpriseA.address);
    await f.registry.connect(f.enterpriseA).reinstate(f.employee1.address);
    for (const target of [f.employee2.address, f.merchantA.address, f.enterpriseB.address]) {
      await expect(f.registry.connect(f.enterpriseA).suspend(target))
        .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryUnauthorized").withArgs(f.enterpriseA.address);
    }
    await expect(f.registry.connect(f.employee1).revoke(f.employee1.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryUnauthorized").withArgs(f.employee1.address);
    await f.registry.connect(f.officer).suspend(f.enterpriseA.address);
    await expect(f.registry.connect(f.enterpriseA).revoke(f.employee1.address))
      .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryUnauthorized").withArgs(f.enterpriseA.address);
  });

  it("hands the bureau's admin over in two steps, after the delay", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const successor = f.stranger;
    await f.registry.connect(f.bureau).beginDefaultAdminTransfer(successor.address);
    await expect(f.registry.connect(successor).acceptDefaultAdminTransfer())
      .to.be.revertedWithCustomError(f.registry, "AccessControlEnforcedDefaultAdminDelay");
    await time.increase(ADMIN_DELAY + 1n);
    await f.registry.connect(successor).acceptDefaultAdminTransfer();
    expect(await f.registry.defaultAdmin()).to.equal(successor.address);
    const BUREAU_ROLE = await f.registry.BUREAU_ROLE();
    await expect(f.registry.connect(f.bureau).grantRole(BUREAU_ROLE, f.relayer.address))
      .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount");
    await f.registry.connect(successor).grantRole(BUREAU_ROLE, f.relayer.address);
    expect(await f.registry.isBureau(f.relayer.address)).to.equal(true);
  });
});
