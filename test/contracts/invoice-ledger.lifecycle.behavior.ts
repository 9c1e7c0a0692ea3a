import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { prepareReversal } from "./helpers/documents";
import { deployLedgerFixture, TAXPAYER_IDS } from "./helpers/fixture";
import { claimInvoice, issueInvoice } from "./helpers/scenario";
import type { Sender } from "./helpers/senders";

type Fixture = Awaited<ReturnType<typeof deployLedgerFixture>>;

const State = { None: 0n, Issued: 1n, Locked: 2n, Reimbursed: 3n, Filed: 4n, Reversed: 5n, Frozen: 6n } as const;

/**
 * The lifecycle of DESIGN.md section 2, walked by every party. Runs once with calls sent by the parties
 * and once with calls the parties signed and someone else relayed: the chain must record the same actors.
 */
export function shouldFollowTheLifecycle(senderOf: (f: Fixture) => Sender): void {
  async function setup() {
    const f = await loadFixture(deployLedgerFixture);
    return { ...f, sender: senderOf(f) };
  }

  it("issues, claims, submits, reimburses and files an invoice, recording each actor", async () => {
    const f = await setup();
    const invoice = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA }, f.sender);
    expect(await f.ledger.stateOf(invoice.id)).to.equal(State.Issued);

    await expect(claimInvoice(f.ledger, invoice, f.employee1, f.sender))
      .to.emit(f.ledger, "InvoiceClaimed").withArgs(invoice.id, f.employee1.address);
    await expect(f.sender.send(f.employee1, f.ledger, "submit", [invoice.id, f.enterpriseA.address]))
      .to.emit(f.ledger, "InvoiceSubmitted").withArgs(invoice.id, f.employee1.address, f.enterpriseA.address);
    expect(await f.ledger.stateOf(invoice.id)).to.equal(State.Locked);
    await expect(f.sender.send(f.enterpriseA, f.ledger, "reimburse", [invoice.id]))
      .to.emit(f.ledger, "InvoiceReimbursed").withArgs(invoice.id, f.enterpriseA.address);
    await expect(f.sender.send(f.enterpriseA, f.ledger, "file", [invoice.id, f.period]))
      .to.emit(f.ledger, "InvoiceFiled").withArgs(invoice.id, f.enterpriseA.address, f.period);

    const stored = await f.ledger.invoice(invoice.id);
    expect(stored.state).to.equal(State.Filed);
    expect(stored.holder).to.equal(f.employee1.address);
    expect(stored.enterprise).to.equal(f.enterpriseA.address);
    expect(stored.filedPeriod).to.equal(f.period);
    expect(stored.seller).to.equal(f.merchantA.address);
  });

  it("lets an enterprise reject a claim, after which the holder may submit it again", async () => {
    const f = await setup();
    const invoice = await issueInvoice(f.ledger, f.merchantA, {}, f.sender);
    await claimInvoice(f.ledger, invoice, f.employee2, f.sender);
    await f.sender.send(f.employee2, f.ledger, "submit", [invoice.id, f.enterpriseA.address]);
    const reason = ethers.encodeBytes32String("NOT_BUSINESS_EXPENSE");
    await expect(f.sender.send(f.enterpriseA, f.ledger, "reject", [invoice.id, reason]))
      .to.emit(f.ledger, "InvoiceRejected").withArgs(invoice.id, f.enterpriseA.address, reason);
    expect((await f.ledger.invoice(invoice.id)).enterprise).to.equal(ethers.ZeroAddress);
    await f.sender.send(f.employee2, f.ledger, "submit", [invoice.id, f.enterpriseB.address]);
    await f.sender.send(f.enterpriseB, f.ledger, "reimburse", [invoice.id]);
    expect(await f.ledger.stateOf(invoice.id)).to.equal(State.Reimbursed);
  });

  it("transfers an invoice between holders", async () => {
    const f = await setup();
    const invoice = await issueInvoice(f.ledger, f.merchantB, {}, f.sender);
    await claimInvoice(f.ledger, invoice, f.employee1, f.sender);
    await expect(f.sender.send(f.employee1, f.ledger, "transfer", [invoice.id, f.employee2.address]))
      .to.emit(f.ledger, "InvoiceTransferred").withArgs(invoice.id, f.employee1.address, f.employee2.address);
    expect((await f.ledger.invoice(invoice.id)).holder).to.equal(f.employee2.address);
  });

  it("reverses with a red-letter note, immediately or with the enterprise's confirmation", async () => {
    const f = await setup();
    const open = await issueInvoice(f.ledger, f.merchantA, {}, f.sender);
    const full = prepareReversal({ total: open.request.total as bigint, tax: open.request.tax as bigint });
    await expect(f.sender.send(f.merchantA, f.ledger, "reverse", [open.id, full]))
      .to.emit(f.ledger, "InvoiceReversed");
    expect(await f.ledger.stateOf(open.id)).to.equal(State.Reversed);

    const booked = await issueInvoice(f.ledger, f.merchantA, { buyerTaxId: TAXPAYER_IDS.enterpriseA }, f.sender);
    await claimInvoice(f.ledger, booked, f.employee1, f.sender);
    await f.sender.send(f.employee1, f.ledger, "submit", [booked.id, f.enterpriseA.address]);
    await f.sender.send(f.enterpriseA, f.ledger, "reimburse", [booked.id]);
    const partial = prepareReversal({ total: 11_30n, tax: 1_30n, reason: 3 });
    await expect(f.sender.send(f.merchantA, f.ledger, "reverse", [booked.id, partial]))
      .to.emit(f.ledger, "ReversalRequested");
    const note = await f.ledger.creditNoteIdOf(f.merchantA.address, partial.requestId);
    await expect(f.sender.send(f.enterpriseA, f.ledger, "confirmReversal", [note]))
      .to.emit(f.ledger, "InvoiceReversed")
      .withArgs(booked.id, note, f.enterpriseA.address, (await f.ledger.creditNote(note)).number, 11_30n, 1_30n, 3n, State.Reimbursed);
  });

  it("lets the bureau freeze and unfreeze an invoice", async () => {
    const f = await setup();
    const invoice = await issueInvoice(f.ledger, f.merchantA, {}, f.sender);
    const reason = ethers.encodeBytes32String("AUDIT-2026-11");
    await expect(f.sender.send(f.officer, f.ledger, "freeze", [invoice.id, reason]))
      .to.emit(f.ledger, "InvoiceFrozen").withArgs(invoice.id, f.officer.address, State.Issued, reason);
    await expect(f.sender.send(f.officer, f.ledger, "unfreeze", [invoice.id]))
      .to.emit(f.ledger, "InvoiceUnfrozen").withArgs(invoice.id, f.officer.address, State.Issued);
  });
}
