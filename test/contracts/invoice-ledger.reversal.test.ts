import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { prepareReversal } from "./helpers/documents";
import { deployLedgerFixture, QUOTA, TAXPAYER_IDS } from "./helpers/fixture";
import { claimInvoice, issueInvoice } from "./helpers/scenario";

const State = { None: 0n, Issued: 1n, Locked: 2n, Reimbursed: 3n, Filed: 4n, Reversed: 5n, Frozen: 6n } as const;
const CreditNoteStatus = { None: 0n, Pending: 1n, Effective: 2n, Cancelled: 3n } as const;
const Reason = { IssueError: 0n, SalesReturn: 1n, ServiceStopped: 2n, Discount: 3n } as const;

async function reimbursedInvoice() {
  const f = await loadFixture(deployLedgerFixture);
  const invoice = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA, total: 1_130n, tax: 130n });
  await claimInvoice(f.ledger, invoice, f.employee1);
  await f.ledger.connect(f.employee1).submit(invoice.id, f.enterpriseA.address);
  await f.ledger.connect(f.enterpriseA).reimburse(invoice.id);
  return { ...f, invoice };
}

describe("InvoiceLedger red-letter reversal", () => {
  it("reverses an issued invoice in full at once, with a numbered credit note, and gives the quota back", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const invoice = await issueInvoice(f.ledger, f.merchantA, { total: 1_130n, tax: 130n });
    expect((await f.ledger.quotaOf(f.merchantA.address, f.period))[1]).to.equal(1_130n);
    const request = prepareReversal({ total: 1_130n, tax: 130n, reason: Number(Reason.IssueError) });
    const note = await f.ledger.creditNoteIdOf(f.merchantA.address, request.requestId);
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, request))
      .to.emit(f.ledger, "InvoiceReversed")
      .withArgs(invoice.id, note, f.merchantA.address, invoice.number + 1n, 1_130n, 130n, Reason.IssueError, State.Reversed);
    expect(await f.ledger.stateOf(invoice.id)).to.equal(State.Reversed);
    const stored = await f.ledger.creditNote(note);
    expect(stored.invoice).to.equal(invoice.id);
    expect(stored.status).to.equal(CreditNoteStatus.Effective);
    expect(stored.seal).to.equal(request.seal);
    expect(await f.ledger.quotaOf(f.merchantA.address, f.period)).to.deep.equal([QUOTA, 0n]);
    // Invoices and credit notes share one gapless sequence.
    expect((await issueInvoice(f.ledger, f.merchantB)).number).to.equal(invoice.number + 2n);
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 1n, tax: 0n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(invoice.id, State.Reversed, State.Reversed);
  });

  it("reverses part of an invoice, keeping the rest, until nothing remains", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const invoice = await issueInvoice(f.ledger, f.merchantA, { total: 1_130n, tax: 130n });
    await f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 565n, tax: 65n, reason: 3 }));
    let stored = await f.ledger.invoice(invoice.id);
    expect([stored.state, stored.reversedTotal, stored.reversedTax]).to.deep.equal([State.Issued, 565n, 65n]);
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 566n, tax: 65n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerReversalExceedsRemaining").withArgs(invoice.id, 566n, 65n, 565n, 65n);
    // What remains may not be left with more tax than amount.
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 520n, tax: 0n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerReversalExceedsRemaining").withArgs(invoice.id, 520n, 0n, 565n, 65n);
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 0n, tax: 0n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidAmount").withArgs(0n, 0n);
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 10n, tax: 11n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidAmount").withArgs(10n, 11n);
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 100n, tax: 66n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerReversalExceedsRemaining").withArgs(invoice.id, 100n, 66n, 565n, 65n);
    await f.ledger.connect(f.merchantA).reverse(invoice.id, prepareReversal({ total: 565n, tax: 65n }));
    stored = await f.ledger.invoice(invoice.id);
    expect([stored.state, stored.reversedTotal, stored.reversedTax]).to.deep.equal([State.Reversed, 1_130n, 130n]);
  });

  it("cancels a pending lock: a partial reversal sends the invoice back to its holder, a full one ends it", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const partial = await issueInvoice(f.ledger, f.merchantA, { total: 1_000n, tax: 0n });
    await claimInvoice(f.ledger, partial, f.employee1);
    await f.ledger.connect(f.employee1).submit(partial.id, f.enterpriseA.address);
    await f.ledger.connect(f.merchantA).reverse(partial.id, prepareReversal({ total: 100n, tax: 0n }));
    let stored = await f.ledger.invoice(partial.id);
    expect([stored.state, stored.enterprise, stored.holder]).to.deep.equal([State.Issued, ethers.ZeroAddress, f.employee1.address]);

    const full = await issueInvoice(f.ledger, f.merchantA, { total: 1_000n, tax: 0n });
    await claimInvoice(f.ledger, full, f.employee1);
    await f.ledger.connect(f.employee1).submit(full.id, f.enterpriseA.address);
    await f.ledger.connect(f.merchantA).reverse(full.id, prepareReversal({ total: 1_000n, tax: 0n }));
    stored = await f.ledger.invoice(full.id);
    expect([stored.state, stored.enterprise]).to.deep.equal([State.Reversed, ethers.ZeroAddress]);
    await expect(f.ledger.connect(f.enterpriseA).reimburse(full.id)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty");
  });

  it("needs the reimbursing enterprise's confirmation once the invoice is reimbursed or filed", async () => {
    const f = await reimbursedInvoice();
    const request = prepareReversal({ total: 1_130n, tax: 130n, reason: Number(Reason.SalesReturn) });
    const note = await f.ledger.creditNoteIdOf(f.merchantA.address, request.requestId);
    await expect(f.ledger.connect(f.merchantA).reverse(f.invoice.id, request))
      .to.emit(f.ledger, "ReversalRequested")
      .withArgs(f.invoice.id, note, f.merchantA.address, f.invoice.number + 1n, request.seal, 1_130n, 130n, Reason.SalesReturn);
    expect(await f.ledger.stateOf(f.invoice.id)).to.equal(State.Reimbursed);
    expect((await f.ledger.invoice(f.invoice.id)).reversalPending).to.equal(true);
    expect((await f.ledger.creditNote(note)).status).to.equal(CreditNoteStatus.Pending);
    await expect(f.ledger.connect(f.merchantA).reverse(f.invoice.id, prepareReversal({ total: 1n, tax: 0n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerReversalPending").withArgs(f.invoice.id);
    // The enterprise may still file it meanwhile; the confirmation then reverses the filed invoice.
    await f.ledger.connect(f.enterpriseA).file(f.invoice.id, f.period);
    for (const who of [f.enterpriseB, f.employee1, f.merchantA]) {
      await expect(f.ledger.connect(who).confirmReversal(note)).to.be.revertedWithCustomError(f.ledger, who === f.enterpriseB ? "InvoiceLedgerNotParty" : "InvoiceLedgerUnauthorized");
    }
    await expect(f.ledger.connect(f.enterpriseA).confirmReversal(note))
      .to.emit(f.ledger, "InvoiceReversed")
      .withArgs(f.invoice.id, note, f.enterpriseA.address, f.invoice.number + 1n, 1_130n, 130n, Reason.SalesReturn, State.Reversed);
    const stored = await f.ledger.invoice(f.invoice.id);
    expect([stored.state, stored.enterprise, stored.reversalPending]).to.deep.equal([State.Reversed, f.enterpriseA.address, false]);
    await expect(f.ledger.connect(f.enterpriseA).confirmReversal(note))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerCreditNoteNotPending").withArgs(note, CreditNoteStatus.Effective);
  });

  it("lets the seller withdraw or the enterprise decline a pending credit note, and nobody else", async () => {
    const f = await reimbursedInvoice();
    const first = prepareReversal({ total: 130n, tax: 0n });
    await f.ledger.connect(f.merchantA).reverse(f.invoice.id, first);
    const firstNote = await f.ledger.creditNoteIdOf(f.merchantA.address, first.requestId);
    for (const who of [f.merchantB, f.enterpriseB, f.employee1, f.stranger]) {
      await expect(f.ledger.connect(who).cancelReversal(firstNote)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(f.invoice.id, who.address);
    }
    await expect(f.ledger.connect(f.merchantA).cancelReversal(firstNote))
      .to.emit(f.ledger, "ReversalCancelled").withArgs(f.invoice.id, firstNote, f.merchantA.address);
    expect((await f.ledger.creditNote(firstNote)).status).to.equal(CreditNoteStatus.Cancelled);

    const second = prepareReversal({ total: 130n, tax: 0n });
    await f.ledger.connect(f.merchantA).reverse(f.invoice.id, second);
    const secondNote = await f.ledger.creditNoteIdOf(f.merchantA.address, second.requestId);
    await expect(f.ledger.connect(f.enterpriseA).cancelReversal(secondNote))
      .to.emit(f.ledger, "ReversalCancelled").withArgs(f.invoice.id, secondNote, f.enterpriseA.address);
    await expect(f.ledger.connect(f.enterpriseA).confirmReversal(secondNote))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerCreditNoteNotPending").withArgs(secondNote, CreditNoteStatus.Cancelled);
    const stored = await f.ledger.invoice(f.invoice.id);
    expect([stored.state, stored.reversedTotal, stored.reversalPending]).to.deep.equal([State.Reimbursed, 0n, false]);
  });

  it("refuses a confirmation while the invoice is frozen", async () => {
    const f = await reimbursedInvoice();
    const request = prepareReversal({ total: 130n, tax: 0n });
    await f.ledger.connect(f.merchantA).reverse(f.invoice.id, request);
    await f.ledger.connect(f.officer).freeze(f.invoice.id, ethers.ZeroHash);
    const note = await f.ledger.creditNoteIdOf(f.merchantA.address, request.requestId);
    await expect(f.ledger.connect(f.enterpriseA).confirmReversal(note))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidTransition").withArgs(f.invoice.id, State.Frozen, State.Reversed);
  });

  it("is the seller's alone, once per request id", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const invoice = await issueInvoice(f.ledger, f.merchantA, { total: 1_000n, tax: 0n });
    await expect(f.ledger.connect(f.merchantB).reverse(invoice.id, prepareReversal({ total: 1n, tax: 0n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerNotParty").withArgs(invoice.id, f.merchantB.address);
    await expect(f.ledger.connect(f.enterpriseA).reverse(invoice.id, prepareReversal({ total: 1n, tax: 0n })))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.enterpriseA.address);
    const request = prepareReversal({ total: 1n, tax: 0n });
    await f.ledger.connect(f.merchantA).reverse(invoice.id, request);
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerDuplicateRequest").withArgs(f.merchantA.address, request.requestId, invoice.number + 1n);
    const noSeal = { ...prepareReversal({ total: 1n, tax: 0n }), seal: ethers.ZeroHash.slice(0, 50) };
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, noSeal))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerMissingField").withArgs(noSeal.requestId);
    const noRequestId = prepareReversal({ total: 1n, tax: 0n, requestId: ethers.ZeroHash });
    await expect(f.ledger.connect(f.merchantA).reverse(invoice.id, noRequestId))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerMissingField").withArgs(ethers.ZeroHash);
    const unknown = ethers.hexlify(ethers.randomBytes(32));
    await expect(f.ledger.creditNote(unknown)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnknownCreditNote").withArgs(unknown);
    await expect(f.ledger.connect(f.enterpriseA).confirmReversal(unknown)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnknownCreditNote");
  });
});
