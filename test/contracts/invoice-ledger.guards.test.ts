import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { prepareReversal, signClaim, taxpayerIdBytes } from "./helpers/documents";
import { deployLedgerFixture, TAXPAYER_IDS } from "./helpers/fixture";
import { claimArgs, claimInvoice, issueInvoice } from "./helpers/scenario";

const State = { None: 0n, Issued: 1n, Locked: 2n, Reimbursed: 3n, Filed: 4n, Reversed: 5n, Frozen: 6n } as const;

/** An invoice made out to enterprise A, claimed by employee 1 and taken as far as `upTo`. */
async function invoiceAt(upTo: "issued" | "claimed" | "locked" | "reimbursed" | "filed") {
  const f = await loadFixture(deployLedgerFixture);
  const invoice = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA });
  const steps = ["issued", "claimed", "locked", "reimbursed", "filed"];
  const reach = steps.indexOf(upTo);
  if (reach >= 1) await claimInvoice(f.ledger, invoice, f.employee1);
  if (reach >= 2) await f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseA.address);
  if (reach >= 3) await f.ledger.connect(f.enterpriseA).reimburse(invoice.id);
  if (reach >= 4) await f.ledger.connect(f.enterpriseA).file(invoice.id, f.period);
  return { ...f, invoice };
}

describe("InvoiceLedger guards", () => {
  describe("claim", () => {
    it("refuses a wrong commitment, a signature by another key, and a signature made out to someone else", async () => {
      const f = await invoiceAt("issued");
      const [id, commitment, signature] = await claimArgs(f.ledger, f.invoice, f.employee1);
      const employee1 = f.ledger.connect(f.employee1);
      await expect(employee1.claim(id, ethers.hexlify(ethers.randomBytes(32)), signature))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidClaim").withArgs(id);
      const forged = await signClaim(f.ledger, id, f.employee1.address, ethers.Wallet.createRandom());
      await expect(employee1.claim(id, commitment, forged)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidClaim");
      // Someone who sees employee 1's claim in flight cannot use it for themselves.
      await expect(f.ledger.connect(f.employee2).claim(id, commitment, signature))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidClaim").withArgs(id);
      await expect(employee1.claim(id, commitment, "0x1234")).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidClaim");
    });

    it("refuses a second claim, a claim by a merchant or stranger, and a claim of a locked invoice", async () => {
      const f = await invoiceAt("claimed");
      await expect(f.ledger.connect(f.employee2).claim(...(await claimArgs(f.ledger, f.invoice, f.employee2))))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerAlreadyClaimed").withArgs(f.invoice.id, f.employee1.address);
      for (const who of [f.merchantA, f.stranger]) {
        await expect(f.ledger.connect(who).claim(...(await claimArgs(f.ledger, f.invoice, who))))
          .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(who.address);
      }
      const other = await issueInvoice(f.ledger, f.merchantA);
      await f.ledger.connect(f.officer).freeze(other.id, ethers.ZeroHash);
      await expect(f.ledger.connect(f.employee2).claim(...(await claimArgs(f.ledger, other, f.employee2))))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(other.id, State.Frozen, State.Issued);
    });

    it("lets an enterprise that buys for itself claim its own invoice", async () => {
      const f = await invoiceAt("issued");
      await expect(claimInvoice(f.ledger, f.invoice, f.enterpriseA)).to.emit(f.ledger, "InvoiceClaimed").withArgs(f.invoice.id, f.enterpriseA.address);
    });
  });

  describe("transfer", () => {
    it("refuses non-holders, unregistered or merchant recipients, self-transfers and locked invoices", async () => {
      const f = await invoiceAt("claimed");
      const id = f.invoice.id;
      await expect(f.ledger.connect(f.employee2).transfer(id, f.employee2.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(id, f.employee2.address);
      for (const to of [f.stranger.address, f.merchantB.address, f.employee1.address, f.officer.address]) {
        await expect(f.ledger.connect(f.employee1).transfer(id, to))
          .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidRecipient").withArgs(id, to);
      }
      await f.ledger.connect(f.employee1).submit(id, f.enterpriseA.address);
      await expect(f.ledger.connect(f.employee1).transfer(id, f.employee2.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Locked, State.Issued);
    });

    it("takes the right to submit away from the previous holder", async () => {
      const f = await invoiceAt("claimed");
      await f.ledger.connect(f.employee1).transfer(f.invoice.id, f.employee2.address);
      await expect(f.ledger.connect(f.employee1).submit(f.invoice.id, f.enterpriseA.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(f.invoice.id, f.employee1.address);
    });
  });

  describe("submit for reimbursement", () => {
    it("enforces the buyer title: an invoice made out to enterprise A cannot be locked by enterprise B", async () => {
      const f = await invoiceAt("claimed");
      await expect(f.ledger.connect(f.employee1).submit(f.invoice.id, f.enterpriseB.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerBuyerMismatch")
        .withArgs(f.invoice.id, taxpayerIdBytes(TAXPAYER_IDS.enterpriseA), taxpayerIdBytes(TAXPAYER_IDS.enterpriseB));
    });

    it("refuses non-holders, unclaimed invoices and recipients that are not active enterprises", async () => {
      const f = await invoiceAt("issued");
      await expect(f.ledger.connect(f.employee1).submit(f.invoice.id, f.enterpriseA.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(f.invoice.id, f.employee1.address);
      await claimInvoice(f.ledger, f.invoice, f.employee1);
      for (const to of [f.merchantA.address, f.employee2.address, f.stranger.address]) {
        await expect(f.ledger.connect(f.employee1).submit(f.invoice.id, to))
          .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidRecipient").withArgs(f.invoice.id, to);
      }
      await f.registry.connect(f.officer).suspend(f.enterpriseA.address);
      await expect(f.ledger.connect(f.employee1).submit(f.invoice.id, f.enterpriseA.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidRecipient").withArgs(f.invoice.id, f.enterpriseA.address);
      await expect(f.ledger.connect(f.stranger).submit(f.invoice.id, f.enterpriseA.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.stranger.address);
    });
  });

  describe("double reimbursement", () => {
    it("can never happen, at the same enterprise or at another one", async () => {
      const f = await loadFixture(deployLedgerFixture);
      // Made out to an individual: any enterprise could take it, but only once.
      const invoice = await issueInvoice(f.ledger, f.merchantB);
      await claimInvoice(f.ledger, invoice, f.employee1);
      await f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseA.address);
      await expect(f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseB.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Locked, State.Locked);
      await expect(f.ledger.connect(f.enterpriseB).reimburse(invoice.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(invoice.id, f.enterpriseB.address);
      await f.ledger.connect(f.enterpriseA).reimburse(invoice.id);
      await expect(f.ledger.connect(f.enterpriseA).reimburse(invoice.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Reimbursed, State.Reimbursed);
      await expect(f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseB.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Reimbursed, State.Locked);
      await expect(f.ledger.connect(f.enterpriseB).reimburse(invoice.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(invoice.id, f.enterpriseB.address);
      await expect(f.ledger.connect(f.enterpriseA).reject(invoice.id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Reimbursed, State.Issued);
    });
  });

  describe("enterprise steps", () => {
    it("are refused to anyone but the locking enterprise", async () => {
      const f = await invoiceAt("locked");
      const id = f.invoice.id;
      await expect(f.ledger.connect(f.enterpriseB).reimburse(id)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(id, f.enterpriseB.address);
      await expect(f.ledger.connect(f.enterpriseB).reject(id, ethers.ZeroHash)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty");
      await expect(f.ledger.connect(f.enterpriseB).file(id, f.period)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty");
      for (const who of [f.employee1, f.merchantA, f.officer]) {
        await expect(f.ledger.connect(who).reimburse(id)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(who.address);
      }
      await f.registry.connect(f.officer).suspend(f.enterpriseA.address);
      await expect(f.ledger.connect(f.enterpriseA).reimburse(id)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized");
    });

    it("follow the order lock, reimburse, file, and file only into a valid past or current period", async () => {
      const f = await invoiceAt("locked");
      const id = f.invoice.id;
      const enterprise = f.ledger.connect(f.enterpriseA);
      await expect(enterprise.file(id, f.period)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Locked, State.Filed);
      await enterprise.reimburse(id);
      const next = f.period % 100n === 12n ? f.period + 89n : f.period + 1n;
      for (const period of [next, 202613n, 0n]) {
        await expect(enterprise.file(id, period)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidPeriod").withArgs(period);
      }
      // Issued this period: an earlier period is out of range (an invoice issued in 2026-11 cannot be booked in 2020-01).
      await expect(enterprise.file(id, 202001))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerFilingPeriodOutOfRange").withArgs(id, 202001n, f.period, f.period);
      await enterprise.file(id, f.period);
      await expect(enterprise.file(id, f.period)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Filed, State.Filed);
      await expect(enterprise.reject(id, ethers.ZeroHash)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Filed, State.Issued);
    });

    it("refuse unknown invoices", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const unknown = ethers.hexlify(ethers.randomBytes(32));
      await expect(f.ledger.connect(f.enterpriseA).reimburse(unknown)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnknownInvoice").withArgs(unknown);
      await expect(f.ledger.connect(f.employee1).submit(unknown, f.enterpriseA.address)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnknownInvoice");
    });
  });

  describe("freeze", () => {
    for (const upTo of ["issued", "locked", "reimbursed", "filed"] as const) {
      it(`freezes a ${upTo} invoice, blocks every step meanwhile, and unfreezes it to where it was`, async () => {
        const f = await invoiceAt(upTo);
        const id = f.invoice.id;
        const before = await f.ledger.stateOf(id);
        await f.ledger.connect(f.officer).freeze(id, ethers.encodeBytes32String("SUSPECTED_FRAUD"));
        expect((await f.ledger.invoice(id)).frozenFrom).to.equal(before);
        // The step that would come next is refused, and so is the one that would keep the state as it was.
        await expect(f.ledger.connect(f.merchantA).reverse(id, prepareReversal({ total: 1n, tax: 0n })))
          .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Frozen, State.Reversed);
        if (upTo === "locked" || upTo === "reimbursed") {
          await expect(f.ledger.connect(f.enterpriseA).reimburse(id))
            .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Frozen, State.Reimbursed);
        }
        await expect(f.ledger.connect(f.officer).freeze(id, ethers.ZeroHash))
          .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Frozen, State.Frozen);
        const checkCode = await f.ledger.checkCodeOf(f.invoice.request.seal);
        expect(await f.ledger.verify(f.invoice.number, checkCode, f.invoice.request.total)).to.deep.equal([true, State.Frozen, 0n]);
        await f.ledger.connect(f.officer).unfreeze(id);
        expect(await f.ledger.stateOf(id)).to.equal(before);
        expect((await f.ledger.invoice(id)).frozenFrom).to.equal(State.None);
      });
    }

    it("is the bureau's alone, and only a frozen invoice can be unfrozen", async () => {
      const f = await invoiceAt("issued");
      const id = f.invoice.id;
      for (const who of [f.merchantA, f.enterpriseA, f.employee1, f.stranger]) {
        await expect(f.ledger.connect(who).freeze(id, ethers.ZeroHash)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(who.address);
      }
      await expect(f.ledger.connect(f.officer).unfreeze(id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(id, State.Issued, State.None);
      await f.ledger.connect(f.officer).freeze(id, ethers.ZeroHash);
      await expect(f.ledger.connect(f.merchantA).unfreeze(id)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized");
    });
  });
});
