import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { prepareInvoice, prepareReversal, signClaim } from "./helpers/documents";
import { ADMIN_DELAY, deployLedgerFixture, QUOTA, TAXPAYER_IDS, UPGRADE_DELAY } from "./helpers/fixture";
import { claimInvoice, issueInvoice } from "./helpers/scenario";

/** The ERC-1967 implementation slot: where a proxy keeps the address of the code it runs. */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
const NOTE = ethers.encodeBytes32String("v2 migration");

async function implementationOf(proxy: { getAddress(): Promise<string> }): Promise<string> {
  const word = await ethers.provider.getStorage(await proxy.getAddress(), IMPLEMENTATION_SLOT);
  return ethers.getAddress(ethers.dataSlice(word, 12));
}

/** The fixture, plus a deployed (not yet scheduled) successor implementation of the ledger. */
async function withSuccessor() {
  const f = await deployLedgerFixture();
  const successor = await ethers.deployContract("InvoiceLedgerV2", [await f.registry.getAddress(), await f.forwarder.getAddress()]);
  const other = await ethers.deployContract("InvoiceLedgerV2", [await f.registry.getAddress(), await f.forwarder.getAddress()]);
  return { ...f, successor, successorAddress: await successor.getAddress(), otherAddress: await other.getAddress() };
}

/** ... with the successor scheduled by the bureau now; `readyAt` is when it becomes executable. */
async function withScheduledSuccessor() {
  const f = await withSuccessor();
  await f.ledger.connect(f.bureau).scheduleUpgrade(f.successorAddress);
  const [, readyAt] = await f.ledger.pendingUpgrade();
  return { ...f, readyAt };
}

describe("upgrades: UUPS proxies that upgrade only to the scheduled implementation, after the delay", () => {
  describe("an executed upgrade", () => {
    it("keeps every invoice, its state, numbering and history, and adds the new implementation's function", async () => {
      const f = await loadFixture(withSuccessor);
      const merchant = f.ledger.connect(f.merchantA);
      // Invoices in several states: issued, claimed and locked, reimbursed, partly reversed.
      const issued = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA });
      const locked = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA });
      await claimInvoice(f.ledger, locked, f.employee1);
      await f.ledger.connect(f.employee1).submit(locked.id, f.enterpriseA.address);
      const reimbursed = await issueInvoice(f.ledger, f.merchantB, { buyerTaxId: TAXPAYER_IDS.enterpriseA });
      await claimInvoice(f.ledger, reimbursed, f.employee1);
      await f.ledger.connect(f.employee1).submit(reimbursed.id, f.enterpriseA.address);
      await f.ledger.connect(f.enterpriseA).reimburse(reimbursed.id);
      await merchant.reverse(issued.id, prepareReversal({ total: 56_50n, tax: 6_50n }));
      // A claim signed before the upgrade must still be good after it: same EIP-712 domain, same proxy.
      const unclaimed = await issueInvoice(f.ledger, f.merchantA);
      const claimSignature = await signClaim(f.ledger, unclaimed.id, f.employee2.address, unclaimed.claimKey);

      const ids = [issued.id, locked.id, reimbursed.id, unclaimed.id];
      const snapshot = async () => ({
        invoices: await Promise.all(ids.map(async (id) => [...(await f.ledger.invoice(id))])),
        verified: await Promise.all([issued, locked, reimbursed, unclaimed].map(async (i) => f.ledger.verify(i.number, await f.ledger.checkCodeOf(i.request.seal), i.request.total))),
        next: await f.ledger.nextNumber(),
        quota: await f.ledger.quotaOf(f.merchantA.address, f.period),
        domain: await f.ledger.eip712Domain(),
        issuePeriod: await f.ledger.issuePeriodOf(issued.id),
      });
      const before = await snapshot();
      expect(before.next).to.equal(6n); // four invoices and one credit note

      const scheduling = await f.ledger.connect(f.bureau).scheduleUpgrade(f.successorAddress);
      const scheduledAt = BigInt((await scheduling.getBlock())!.timestamp);
      await expect(scheduling).to.emit(f.ledger, "UpgradeScheduled").withArgs(f.successorAddress, scheduledAt + UPGRADE_DELAY, f.bureau.address);
      expect(await f.ledger.pendingUpgrade()).to.deep.equal([f.successorAddress, scheduledAt + UPGRADE_DELAY]);
      await time.increase(UPGRADE_DELAY);
      const migration = f.successor.interface.encodeFunctionData("initializeV2", [NOTE]);
      await expect(f.ledger.connect(f.bureau).upgradeToAndCall(f.successorAddress, migration))
        .to.emit(f.ledger, "UpgradeExecuted").withArgs(f.successorAddress, f.bureau.address)
        .and.to.emit(f.ledger, "Upgraded").withArgs(f.successorAddress);

      expect(await implementationOf(f.ledger)).to.equal(f.successorAddress);
      expect(await f.ledger.pendingUpgrade()).to.deep.equal([ethers.ZeroAddress, 0n]);
      expect(await snapshot()).to.deep.equal(before);
      const upgraded = await ethers.getContractAt("InvoiceLedgerV2", await f.ledger.getAddress());
      expect(await upgraded.upgradeNote()).to.equal(NOTE);
      // The migration step ran once and cannot run again.
      await expect(upgraded.initializeV2(NOTE)).to.be.revertedWithCustomError(upgraded, "InvalidInitialization");

      // The story goes on where it was: the next number, a claim signed before, reimbursing a locked invoice.
      // (The delay may have taken the chain into the next tax period, which needs its own quota.)
      await f.ledger.connect(f.officer).setQuota(f.merchantA.address, await f.ledger.currentPeriod(), QUOTA);
      const next = await issueInvoice(f.ledger, f.merchantA);
      expect(next.number).to.equal(before.next);
      await expect(f.ledger.connect(f.employee2).claim(unclaimed.id, unclaimed.commitment, claimSignature))
        .to.emit(f.ledger, "InvoiceClaimed").withArgs(unclaimed.id, f.employee2.address);
      await f.ledger.connect(f.enterpriseA).reimburse(locked.id);
      await expect(f.ledger.connect(f.enterpriseA).reimburse(reimbursed.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition");
      // The history is one event log at one address, from before and after the upgrade alike.
      const issuedEvents = await f.ledger.queryFilter(f.ledger.filters.InvoiceIssued());
      expect(issuedEvents.map((e) => e.args.number)).to.deep.equal([1n, 2n, 3n, 5n, 6n]);
    });

    it("upgrades the registry the same way, keeping participants, roles and the admin", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const successor = await ethers.deployContract("ParticipantRegistry", [await f.forwarder.getAddress()]);
      const successorAddress = await successor.getAddress();
      const before = await f.registry.participant(f.merchantA.address);
      await f.registry.connect(f.bureau).scheduleUpgrade(successorAddress);
      await time.increase(UPGRADE_DELAY);
      await expect(f.registry.connect(f.bureau).upgradeToAndCall(successorAddress, "0x"))
        .to.emit(f.registry, "UpgradeExecuted").withArgs(successorAddress, f.bureau.address);
      expect(await implementationOf(f.registry)).to.equal(successorAddress);
      expect(await f.registry.participant(f.merchantA.address)).to.deep.equal(before);
      expect(await f.registry.isBureau(f.officer.address)).to.equal(true);
      expect(await f.registry.defaultAdmin()).to.equal(f.bureau.address);
      expect(await f.registry.upgradeDelay()).to.equal(UPGRADE_DELAY);
      // The ledger, which asks the registry about every actor, works on (in the tax period the delay led to).
      await f.ledger.connect(f.officer).setQuota(f.merchantA.address, await f.ledger.currentPeriod(), QUOTA);
      expect((await issueInvoice(f.ledger, f.merchantA)).number).to.equal(1n);
    });

    it("follows the bureau's default admin: after a handover the new admin upgrades, the former one no more", async () => {
      const f = await loadFixture(withSuccessor);
      expect(await f.ledger.upgradeAdmin()).to.equal(f.bureau.address);
      expect(await f.registry.upgradeAdmin()).to.equal(f.bureau.address);
      await f.registry.connect(f.bureau).beginDefaultAdminTransfer(f.officer.address);
      await time.increase(ADMIN_DELAY + 1n);
      await f.registry.connect(f.officer).acceptDefaultAdminTransfer();
      expect(await f.ledger.upgradeAdmin()).to.equal(f.officer.address);
      await expect(f.ledger.connect(f.bureau).scheduleUpgrade(f.successorAddress))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesUnauthorized").withArgs(f.bureau.address);
      await expect(f.ledger.connect(f.officer).scheduleUpgrade(f.successorAddress)).to.emit(f.ledger, "UpgradeScheduled");
    });

    it("lets the admin cancel a schedule, and schedule again, which starts a new delay", async () => {
      const f = await loadFixture(withScheduledSuccessor);
      await expect(f.ledger.connect(f.bureau).cancelUpgrade())
        .to.emit(f.ledger, "UpgradeCancelled").withArgs(f.successorAddress, f.bureau.address);
      expect(await f.ledger.pendingUpgrade()).to.deep.equal([ethers.ZeroAddress, 0n]);
      await time.increase(UPGRADE_DELAY);
      await f.ledger.connect(f.bureau).scheduleUpgrade(f.successorAddress);
      const [, readyAt] = await f.ledger.pendingUpgrade();
      expect(readyAt).to.equal(BigInt(await time.latest()) + UPGRADE_DELAY);
    });
  });

  describe("the proxy", () => {
    it("runs out of gas where its implementation does, and reverts as it does otherwise", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const to = await f.ledger.getAddress();
      const batch = f.ledger.interface.encodeFunctionData("issueBatch", [Array.from({ length: 20 }, () => prepareInvoice().request)]);
      const failure = (data: string, gas: number): Promise<string> =>
        ethers.provider.send("eth_call", [{ from: f.merchantA.address, to, data, gas: ethers.toQuantity(gas) }, "latest"]).then(() => "no failure", (error: Error) => error.message);
      // Without the proxy's care this would be an empty revert: the EVM keeps 1/64 of the gas back for the proxy.
      expect(await failure(batch, 300_000)).to.match(/ran out of gas/);
      expect(await failure(batch, 2_000_000)).to.equal("no failure");
      // An empty revert that leaves gas (a selector nobody implements) stays a revert; a custom error stays one.
      expect(await failure("0xdeadbeef", 300_000)).to.match(/revert/).and.not.match(/ran out of gas/);
      expect(await failure(f.ledger.interface.encodeFunctionData("issueBatch", [[]]), 300_000)).to.match(/InvoiceLedgerEmptyBatch/);
    });
  });

  describe("refused with their custom errors", () => {
    it("a schedule or a cancellation by anyone but the bureau's default admin, officers included", async () => {
      const f = await loadFixture(withScheduledSuccessor);
      for (const who of [f.officer, f.merchantA, f.stranger]) {
        await expect(f.ledger.connect(who).scheduleUpgrade(f.otherAddress))
          .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesUnauthorized").withArgs(who.address);
        await expect(f.ledger.connect(who).cancelUpgrade())
          .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesUnauthorized").withArgs(who.address);
        await expect(f.registry.connect(who).scheduleUpgrade(f.otherAddress))
          .to.be.revertedWithCustomError(f.registry, "DelayedUpgradesUnauthorized").withArgs(who.address);
      }
    });

    it("an execution before the delay has passed, naming when it will be ready", async () => {
      const f = await loadFixture(withScheduledSuccessor);
      const early = f.readyAt - 1n;
      await time.setNextBlockTimestamp(early);
      await expect(f.ledger.connect(f.bureau).upgradeToAndCall(f.successorAddress, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesNotReady").withArgs(f.successorAddress, f.readyAt, early);
      await time.setNextBlockTimestamp(f.readyAt);
      await expect(f.ledger.connect(f.bureau).upgradeToAndCall(f.successorAddress, "0x")).to.emit(f.ledger, "Upgraded");
    });

    it("an execution of any other implementation than the scheduled one", async () => {
      const f = await loadFixture(withScheduledSuccessor);
      await time.increaseTo(f.readyAt);
      await expect(f.ledger.connect(f.bureau).upgradeToAndCall(f.otherAddress, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesNotScheduled").withArgs(f.otherAddress, f.successorAddress);
      await expect(f.ledger.connect(f.bureau).upgradeToAndCall(ethers.ZeroAddress, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesNotScheduled").withArgs(ethers.ZeroAddress, f.successorAddress);
    });

    it("an execution by anyone but the admin, even of the scheduled implementation once ready", async () => {
      const f = await loadFixture(withScheduledSuccessor);
      await time.increaseTo(f.readyAt);
      await expect(f.ledger.connect(f.officer).upgradeToAndCall(f.successorAddress, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesUnauthorized").withArgs(f.officer.address);
    });

    it("an execution after the schedule was cancelled, and a cancellation with nothing scheduled", async () => {
      const f = await loadFixture(withScheduledSuccessor);
      await f.ledger.connect(f.bureau).cancelUpgrade();
      await time.increaseTo(f.readyAt);
      await expect(f.ledger.connect(f.bureau).upgradeToAndCall(f.successorAddress, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesNotScheduled").withArgs(f.successorAddress, ethers.ZeroAddress);
      await expect(f.ledger.connect(f.bureau).cancelUpgrade()).to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesNothingScheduled");
    });

    it("a second schedule while one is pending, and a schedule of an address without code", async () => {
      const f = await loadFixture(withScheduledSuccessor);
      await expect(f.ledger.connect(f.bureau).scheduleUpgrade(f.otherAddress))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesAlreadyScheduled").withArgs(f.successorAddress, f.readyAt);
      await f.ledger.connect(f.bureau).cancelUpgrade();
      await expect(f.ledger.connect(f.bureau).scheduleUpgrade(f.stranger.address))
        .to.be.revertedWithCustomError(f.ledger, "DelayedUpgradesNotAContract").withArgs(f.stranger.address);
    });

    it("an execution of a scheduled contract that is not a UUPS implementation (the proxy would be bricked)", async () => {
      const f = await loadFixture(withSuccessor);
      const forwarder = await f.forwarder.getAddress();
      await f.ledger.connect(f.bureau).scheduleUpgrade(forwarder);
      await time.increase(UPGRADE_DELAY);
      await expect(f.ledger.connect(f.bureau).upgradeToAndCall(forwarder, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "ERC1967InvalidImplementation").withArgs(forwarder);
    });

    it("a second initialisation of a proxy, and any initialisation of an implementation", async () => {
      const f = await loadFixture(withSuccessor);
      await expect(f.ledger.initialize(UPGRADE_DELAY)).to.be.revertedWithCustomError(f.ledger, "InvalidInitialization");
      await expect(f.registry.initialize(ADMIN_DELAY, f.stranger.address, UPGRADE_DELAY))
        .to.be.revertedWithCustomError(f.registry, "InvalidInitialization");
      await expect(f.ledgerImplementation.initialize(UPGRADE_DELAY))
        .to.be.revertedWithCustomError(f.ledgerImplementation, "InvalidInitialization");
      await expect(f.registryImplementation.connect(f.stranger).initialize(ADMIN_DELAY, f.stranger.address, UPGRADE_DELAY))
        .to.be.revertedWithCustomError(f.registryImplementation, "InvalidInitialization");
      await expect(f.successor.initializeV2(NOTE)).to.be.revertedWithCustomError(f.successor, "InvalidInitialization");
    });

    it("an upgrade called on an implementation itself rather than through its proxy", async () => {
      const f = await loadFixture(withSuccessor);
      await expect(f.ledgerImplementation.connect(f.bureau).upgradeToAndCall(f.successorAddress, "0x"))
        .to.be.revertedWithCustomError(f.ledgerImplementation, "UUPSUnauthorizedCallContext");
    });

    it("a proxy initialised with no delay, or one so long that the code could never change again", async () => {
      const f = await loadFixture(withSuccessor);
      const maxDelay = 365n * 24n * 3600n;
      for (const delay of [0n, maxDelay + 1n]) {
        const init = f.ledgerImplementation.interface.encodeFunctionData("initialize", [delay]);
        await expect(ethers.deployContract("LedgerProxy", [await f.ledgerImplementation.getAddress(), init]))
          .to.be.revertedWithCustomError(f.ledgerImplementation, "DelayedUpgradesInvalidDelay").withArgs(delay);
      }
      const init = f.ledgerImplementation.interface.encodeFunctionData("initialize", [maxDelay]);
      const proxy = await ethers.deployContract("LedgerProxy", [await f.ledgerImplementation.getAddress(), init]);
      expect(await (await ethers.getContractAt("InvoiceLedger", await proxy.getAddress())).upgradeDelay()).to.equal(maxDelay);
      // A proxy must be initialised in its deployment: otherwise anyone could initialise it first.
      await expect(ethers.deployContract("LedgerProxy", [await f.ledgerImplementation.getAddress(), "0x"]))
        .to.be.revertedWithCustomError(proxy, "ERC1967ProxyUninitialized");
    });
  });
});
