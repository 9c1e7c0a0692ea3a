import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { prepareReversal, taxpayerIdBytes } from "./helpers/documents";
import { deployLedgerFixture, QUOTA, TAXPAYER_IDS } from "./helpers/fixture";
import { claimInvoice, issueInvoice, type IssuedInvoice } from "./helpers/scenario";

const State = { None: 0n, Issued: 1n, Locked: 2n, Reimbursed: 3n, Filed: 4n, Reversed: 5n, Frozen: 6n } as const;
const CreditNoteStatus = { None: 0n, Pending: 1n, Effective: 2n, Cancelled: 3n } as const;
const ParticipantStatus = { Active: 1n, Suspended: 2n, Revoked: 3n } as const;

type Fixture = Awaited<ReturnType<typeof deployLedgerFixture>>;

/** YYYYMM `months` after `period`, with JavaScript's calendar. */
function addMonths(period: bigint, months: number): bigint {
  const index = Number(period / 100n) * 12 + Number(period % 100n) - 1 + months;
  return BigInt(Math.floor(index / 12) * 100 + (index % 12) + 1);
}

/** Moves the chain's clock to the middle of `period` in China Standard Time, and grants both merchants their quota there. */
async function moveTo(f: Fixture, period: bigint): Promise<void> {
  const start = Date.UTC(Number(period / 100n), Number(period % 100n) - 1, 15) / 1000 - 8 * 3600;
  await time.increaseTo(start);
  expect(await f.ledger.currentPeriod()).to.equal(period);
  await f.ledger.connect(f.officer).setQuota(f.merchantA.address, period, QUOTA);
  await f.ledger.connect(f.officer).setQuota(f.merchantB.address, period, QUOTA);
}

/** Issues an invoice to enterprise A now, has employee 1 claim and submit it, and enterprise A reimburse it. */
async function reimbursedNow(f: Fixture): Promise<IssuedInvoice> {
  const invoice = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA, total: 1_130n, tax: 130n });
  await claimInvoice(f.ledger, invoice, f.employee1);
  await f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseA.address);
  await f.ledger.connect(f.enterpriseA).reimburse(invoice.id);
  return invoice;
}

/** Two accounts registered later than everyone in the fixture, for successors. */
async function laterAccounts() {
  const signers = await ethers.getSigners();
  return { second: signers[10]!, third: signers[11]! };
}

describe("InvoiceLedger business rules", () => {
  describe("filing period: between the invoice's issue period and the current period", () => {
    /** Invoices issued in P0, P0+2 (a month skipped) and P0+14 (across a year end), all reimbursed, the clock at P0+14. */
    async function threePeriods() {
      const f = await loadFixture(deployLedgerFixture);
      const p0 = f.period;
      const first = await reimbursedNow(f);
      await moveTo(f, addMonths(p0, 2));
      const second = await reimbursedNow(f);
      await moveTo(f, addMonths(p0, 14));
      const third = await reimbursedNow(f);
      return { ...f, p0, first, second, third, now: addMonths(p0, 14) };
    }

    it("refuses a period before the invoice was issued, naming both bounds", async () => {
      const f = await threePeriods();
      const enterprise = f.ledger.connect(f.enterpriseA);
      const cases: [IssuedInvoice, bigint, bigint][] = [
        [f.first, addMonths(f.p0, -1), f.p0],
        [f.first, 197001n, f.p0],
        [f.second, addMonths(f.p0, 1), addMonths(f.p0, 2)],
        [f.second, f.p0, addMonths(f.p0, 2)],
        [f.third, addMonths(f.p0, 13), f.now],
        [f.third, addMonths(f.p0, 2), f.now],
      ];
      for (const [invoice, period, issuedIn] of cases) {
        await expect(enterprise.file(invoice.id, period))
          .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerFilingPeriodOutOfRange")
          .withArgs(invoice.id, period, issuedIn, f.now);
      }
      // A future period stays what it was: not a valid filing period at all.
      await expect(enterprise.file(f.first.id, addMonths(f.now, 1)))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidPeriod").withArgs(addMonths(f.now, 1));
    });

    it("accepts the issue period, a later month without issuance, and the current period", async () => {
      const f = await threePeriods();
      expect(await f.ledger.issuePeriodOf(f.first.id)).to.equal(f.p0);
      expect(await f.ledger.issuePeriodOf(f.second.id)).to.equal(addMonths(f.p0, 2));
      expect(await f.ledger.issuePeriodOf(f.third.id)).to.equal(f.now);
      await expect(f.ledger.issuePeriodOf(ethers.ZeroHash)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnknownInvoice");
      const enterprise = f.ledger.connect(f.enterpriseA);
      await expect(enterprise.file(f.first.id, f.p0)).to.emit(f.ledger, "InvoiceFiled").withArgs(f.first.id, f.enterpriseA.address, f.p0);
      await expect(enterprise.file(f.second.id, addMonths(f.p0, 7))).to.emit(f.ledger, "InvoiceFiled");
      await expect(enterprise.file(f.third.id, f.now)).to.emit(f.ledger, "InvoiceFiled");
      expect((await f.ledger.invoice(f.second.id)).filedPeriod).to.equal(addMonths(f.p0, 7));
    });

    it("counts the numbers credit notes take: a reversal that opens a period closes the previous one", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const old = await reimbursedNow(f);
      const other = await issueInvoice(f.ledger, f.merchantA);
      await moveTo(f, addMonths(f.period, 1));
      // The first number of the new period goes to a credit note (of an invoice of the previous period).
      await f.ledger.connect(f.merchantA).reverse(other.id, prepareReversal({ total: 1n, tax: 0n }));
      const fresh = await reimbursedNow(f);
      const now = addMonths(f.period, 1);
      expect(await f.ledger.issuePeriodOf(old.id)).to.equal(f.period);
      expect(await f.ledger.issuePeriodOf(fresh.id)).to.equal(now);
      await expect(f.ledger.connect(f.enterpriseA).file(fresh.id, f.period))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerFilingPeriodOutOfRange").withArgs(fresh.id, f.period, now, now);
      await f.ledger.connect(f.enterpriseA).file(old.id, f.period);
    });
  });

  describe("verification by number: credit notes as well as invoices", () => {
    it("verifies a credit note's printed number, check code and total, with its status and its invoice's state", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const invoice = await reimbursedNow(f);
      const request = prepareReversal({ total: 1_130n, tax: 130n });
      await f.ledger.connect(f.merchantA).reverse(invoice.id, request);
      const noteId = await f.ledger.creditNoteIdOf(f.merchantA.address, request.requestId);
      const note = await f.ledger.creditNote(noteId);
      const checkCode = await f.ledger.checkCodeOf(request.seal);
      expect(await f.ledger.verify(note.number, checkCode, 1_130n)).to.deep.equal([true, State.Reimbursed, CreditNoteStatus.Pending]);
      await f.ledger.connect(f.enterpriseA).confirmReversal(noteId);
      expect(await f.ledger.verify(note.number, checkCode, 1_130n)).to.deep.equal([true, State.Reversed, CreditNoteStatus.Effective]);
      // A wrong code or amount does not verify, and the invoice itself still verifies as an invoice.
      expect(await f.ledger.verify(note.number, checkCode ^ 1n, 1_130n)).to.deep.equal([false, State.None, CreditNoteStatus.None]);
      expect(await f.ledger.verify(note.number, checkCode, 1_129n)).to.deep.equal([false, State.None, CreditNoteStatus.None]);
      const invoiceCode = await f.ledger.checkCodeOf(invoice.request.seal);
      expect(await f.ledger.verify(invoice.number, invoiceCode, 1_130n)).to.deep.equal([true, State.Reversed, CreditNoteStatus.None]);
      expect(await f.ledger.verify(note.number, invoiceCode, 1_130n)).to.deep.equal([false, State.None, CreditNoteStatus.None]);
    });
  });

  describe("stranded invoices: the bureau's ways out", () => {
    it("releases an invoice locked by a suspended enterprise back to its holder, who submits it elsewhere", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const invoice = await issueInvoice(f.ledger, f.merchantB);
      await claimInvoice(f.ledger, invoice, f.employee1);
      await f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseA.address);
      await expect(f.ledger.connect(f.officer).release(invoice.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerPartyActive").withArgs(invoice.id, f.enterpriseA.address);
      await f.registry.connect(f.officer).suspend(f.enterpriseA.address);
      await expect(f.ledger.connect(f.enterpriseA).reject(invoice.id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.enterpriseA.address);
      for (const who of [f.enterpriseB, f.employee1, f.merchantB]) {
        await expect(f.ledger.connect(who).release(invoice.id)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(who.address);
      }
      await expect(f.ledger.connect(f.officer).release(invoice.id))
        .to.emit(f.ledger, "InvoiceReleased").withArgs(invoice.id, f.enterpriseA.address, f.officer.address);
      const stored = await f.ledger.invoice(invoice.id);
      expect([stored.state, stored.enterprise, stored.holder]).to.deep.equal([State.Issued, ethers.ZeroAddress, f.employee1.address]);
      await expect(f.ledger.connect(f.officer).release(invoice.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Issued, State.Issued);
      await f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseB.address);
      await f.ledger.connect(f.enterpriseB).reimburse(invoice.id);
      expect(await f.ledger.stateOf(invoice.id)).to.equal(State.Reimbursed);
    });

    it("releases only a locked invoice: a reimbursed one stays booked, a frozen one waits for unfreeze", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const invoice = await reimbursedNow(f);
      await f.registry.connect(f.officer).revoke(f.enterpriseA.address);
      await expect(f.ledger.connect(f.officer).release(invoice.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Reimbursed, State.Issued);
    });

    it("is refused like every write while the ledger is paused", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const invoice = await issueInvoice(f.ledger, f.merchantA);
      await f.ledger.connect(f.officer).pause();
      await expect(f.ledger.connect(f.officer).release(invoice.id)).to.be.revertedWithCustomError(f.ledger, "EnforcedPause");
      await expect(f.ledger.connect(f.officer).reassign(invoice.id, f.employee2.address)).to.be.revertedWithCustomError(f.ledger, "EnforcedPause");
    });

    it("reassigns an invoice whose holder is revoked or suspended, and only then", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const invoice = await issueInvoice(f.ledger, f.merchantA);
      await expect(f.ledger.connect(f.officer).reassign(invoice.id, f.employee2.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerPartyActive").withArgs(invoice.id, ethers.ZeroAddress);
      await claimInvoice(f.ledger, invoice, f.employee1);
      await expect(f.ledger.connect(f.officer).reassign(invoice.id, f.employee2.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerPartyActive").withArgs(invoice.id, f.employee1.address);
      await f.registry.connect(f.enterpriseA).revoke(f.employee1.address);
      await expect(f.ledger.connect(f.employee1).transfer(invoice.id, f.employee2.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.employee1.address);
      await expect(f.ledger.connect(f.enterpriseA).reassign(invoice.id, f.employee2.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.enterpriseA.address);
      for (const to of [f.merchantA.address, f.stranger.address, f.officer.address, f.employee1.address]) {
        await expect(f.ledger.connect(f.officer).reassign(invoice.id, to))
          .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidRecipient").withArgs(invoice.id, to);
      }
      await expect(f.ledger.connect(f.officer).reassign(invoice.id, f.employee2.address))
        .to.emit(f.ledger, "InvoiceReassigned").withArgs(invoice.id, f.employee1.address, f.employee2.address, f.officer.address);
      expect((await f.ledger.invoice(invoice.id)).holder).to.equal(f.employee2.address);
      await f.ledger.connect(f.employee2).submit(invoice.id, f.enterpriseB.address);
      // Locked: the holder no longer matters, and reassigning is refused.
      await f.registry.connect(f.enterpriseB).suspend(f.employee2.address);
      await expect(f.ledger.connect(f.officer).reassign(invoice.id, f.enterpriseA.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Locked, State.Issued);
      await expect(f.ledger.connect(f.officer).reassign(ethers.ZeroHash, f.enterpriseA.address))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnknownInvoice").withArgs(ethers.ZeroHash);
    });

    it("confirms a pending credit note whose enterprise was revoked, and cancels one whose seller was revoked", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const booked = await reimbursedNow(f);
      const request = prepareReversal({ total: 1_130n, tax: 130n });
      await f.ledger.connect(f.merchantA).reverse(booked.id, request);
      const note = await f.ledger.creditNoteIdOf(f.merchantA.address, request.requestId);
      await expect(f.ledger.connect(f.officer).confirmReversal(note))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerPartyActive").withArgs(booked.id, f.enterpriseA.address);
      await expect(f.ledger.connect(f.officer).cancelReversal(note))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerPartyActive").withArgs(booked.id, f.merchantA.address);
      await f.registry.connect(f.officer).revoke(f.enterpriseA.address);
      await expect(f.ledger.connect(f.officer).confirmReversal(note))
        .to.emit(f.ledger, "InvoiceReversed")
        .withArgs(booked.id, note, f.officer.address, booked.number + 1n, 1_130n, 130n, 1n, State.Reversed);

      const second = await issueInvoice(f.ledger, f.merchantB, { total: 1_000n, tax: 0n });
      await claimInvoice(f.ledger, second, f.employee2);
      await f.ledger.connect(f.employee2).submit(second.id, f.enterpriseB.address);
      await f.ledger.connect(f.enterpriseB).reimburse(second.id);
      const secondRequest = prepareReversal({ total: 100n, tax: 0n });
      await f.ledger.connect(f.merchantB).reverse(second.id, secondRequest);
      const secondNote = await f.ledger.creditNoteIdOf(f.merchantB.address, secondRequest.requestId);
      await f.registry.connect(f.officer).suspend(f.merchantB.address);
      await expect(f.ledger.connect(f.officer).cancelReversal(secondNote))
        .to.emit(f.ledger, "ReversalCancelled").withArgs(second.id, secondNote, f.officer.address);
      const stored = await f.ledger.invoice(second.id);
      expect([stored.state, stored.reversalPending, stored.reversedTotal]).to.deep.equal([State.Reimbursed, false, 0n]);
    });
  });

  describe("stranded invoices: an organisation's successor acts for its revoked account", () => {
    it("lets a revoked merchant's successor reverse its invoices and withdraw its pending credit notes", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const { second: successor, third: latecomer } = await laterAccounts();
      const open = await issueInvoice(f.ledger, f.merchantA, { total: 1_000n, tax: 0n });
      const booked = await reimbursedNow(f);
      const pendingRequest = prepareReversal({ total: 130n, tax: 0n });
      await f.ledger.connect(f.merchantA).reverse(booked.id, pendingRequest);
      const pending = await f.ledger.creditNoteIdOf(f.merchantA.address, pendingRequest.requestId);

      // Suspended: nobody else may act for the merchant yet; its ID is still bound to it.
      await f.registry.connect(f.officer).suspend(f.merchantA.address);
      await expect(f.registry.connect(f.officer).registerMerchant(successor.address, taxpayerIdBytes(TAXPAYER_IDS.merchantA)))
        .to.be.revertedWithCustomError(f.registry, "ParticipantRegistryTaxpayerIdTaken");
      await f.registry.connect(f.officer).revoke(f.merchantA.address);
      await f.registry.connect(f.officer).registerMerchant(successor.address, taxpayerIdBytes(TAXPAYER_IDS.merchantA));
      expect((await f.registry.participant(f.merchantA.address)).status).to.equal(ParticipantStatus.Revoked);

      // Another merchant, or an enterprise under another ID, is still no party.
      await expect(f.ledger.connect(f.merchantB).reverse(open.id, prepareReversal({ total: 1n, tax: 0n })))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(open.id, f.merchantB.address);
      await expect(f.ledger.connect(f.merchantB).cancelReversal(pending))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(booked.id, f.merchantB.address);

      await expect(f.ledger.connect(successor).cancelReversal(pending))
        .to.emit(f.ledger, "ReversalCancelled").withArgs(booked.id, pending, successor.address);
      const request = prepareReversal({ total: 1_000n, tax: 0n });
      const note = await f.ledger.creditNoteIdOf(successor.address, request.requestId);
      await expect(f.ledger.connect(successor).reverse(open.id, request))
        .to.emit(f.ledger, "InvoiceReversed")
        .withArgs(open.id, note, successor.address, await f.ledger.nextNumber(), 1_000n, 0n, 1n, State.Reversed);

      // Only the account bound to the ID now is the successor: revoked in turn, its own successor takes over.
      await f.registry.connect(f.officer).revoke(successor.address);
      await f.registry.connect(f.officer).registerMerchant(latecomer.address, taxpayerIdBytes(TAXPAYER_IDS.merchantA));
      await expect(f.ledger.connect(latecomer).reverse(booked.id, prepareReversal({ total: 130n, tax: 0n })))
        .to.emit(f.ledger, "ReversalRequested");
    });

    it("lets a revoked enterprise's successor reimburse, file and confirm what its predecessor locked", async () => {
      const f = await loadFixture(deployLedgerFixture);
      const { second: successor } = await laterAccounts();
      const locked = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA });
      await claimInvoice(f.ledger, locked, f.employee1);
      await f.ledger.connect(f.employee1).submit(locked.id, f.enterpriseA.address);
      const booked = await reimbursedNow(f);
      const request = prepareReversal({ total: 130n, tax: 0n });
      await f.ledger.connect(f.merchantA).reverse(booked.id, request);
      const note = await f.ledger.creditNoteIdOf(f.merchantA.address, request.requestId);

      await f.registry.connect(f.officer).revoke(f.enterpriseA.address);
      await f.registry.connect(f.officer).registerEnterprise(successor.address, taxpayerIdBytes(TAXPAYER_IDS.enterpriseA));
      await expect(f.ledger.connect(f.enterpriseB).reimburse(locked.id))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(locked.id, f.enterpriseB.address);
      await expect(f.ledger.connect(successor).reimburse(locked.id)).to.emit(f.ledger, "InvoiceReimbursed").withArgs(locked.id, successor.address);
      await expect(f.ledger.connect(successor).file(locked.id, f.period)).to.emit(f.ledger, "InvoiceFiled").withArgs(locked.id, successor.address, f.period);
      await expect(f.ledger.connect(successor).confirmReversal(note))
        .to.emit(f.ledger, "InvoiceReversed").withArgs(booked.id, note, successor.address, booked.number + 1n, 130n, 0n, 1n, State.Reimbursed);
      // The successor may decline a note as well.
      const second = prepareReversal({ total: 100n, tax: 0n });
      await f.ledger.connect(f.merchantA).reverse(booked.id, second);
      const secondNote = await f.ledger.creditNoteIdOf(f.merchantA.address, second.requestId);
      await expect(f.ledger.connect(successor).cancelReversal(secondNote))
        .to.emit(f.ledger, "ReversalCancelled").withArgs(booked.id, secondNote, successor.address);
    });
  });
});
