import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { prepareInvoice, taxpayerIdBytes } from "./helpers/documents";
import { deployLedgerFixture, QUOTA, TAXPAYER_IDS } from "./helpers/fixture";
import { issueInvoice } from "./helpers/scenario";

const ISSUED = 1n;

describe("InvoiceLedger issuance", () => {
  it("assigns numbers in issuance order and records what the verifier needs", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const prepared = prepareInvoice({ buyerTaxId: TAXPAYER_IDS.enterpriseA, total: 1_130_00n, tax: 130_00n });
    const id = await f.ledger.invoiceIdOf(f.merchantA.address, prepared.request.requestId);
    await expect(f.ledger.connect(f.merchantA).issue(prepared.request))
      .to.emit(f.ledger, "InvoiceIssued")
      .withArgs(id, 1n, f.merchantA.address, taxpayerIdBytes(TAXPAYER_IDS.enterpriseA), prepared.request.seal, 1_130_00n, 130_00n);
    const second = await issueInvoice(f.ledger, f.merchantB);
    expect(second.number).to.equal(2n);
    expect(await f.ledger.nextNumber()).to.equal(3n);

    const stored = await f.ledger.invoice(id);
    expect(stored.number).to.equal(1n);
    expect(stored.seller).to.equal(f.merchantA.address);
    expect(stored.total).to.equal(1_130_00n);
    expect(stored.tax).to.equal(130_00n);
    expect(stored.holder).to.equal(ethers.ZeroAddress);
    const checkCode = await f.ledger.checkCodeOf(prepared.request.seal);
    expect(await f.ledger.verify(1n, checkCode, 1_130_00n)).to.deep.equal([true, ISSUED, 0n]);
  });

  it("does not verify a wrong check code, a wrong amount or an unknown number", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const invoice = await issueInvoice(f.ledger, f.merchantA, { total: 500n, tax: 0n });
    const checkCode = await f.ledger.checkCodeOf(invoice.request.seal);
    expect(await f.ledger.verify(invoice.number, checkCode ^ 1n, 500n)).to.deep.equal([false, 0n, 0n]);
    expect(await f.ledger.verify(invoice.number, checkCode, 501n)).to.deep.equal([false, 0n, 0n]);
    expect(await f.ledger.verify(invoice.number + 1n, checkCode, 500n)).to.deep.equal([false, 0n, 0n]);
    expect(checkCode < 10n ** 20n).to.equal(true);
  });

  it("refuses a repeated request id without creating a second invoice", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const invoice = await issueInvoice(f.ledger, f.merchantA);
    const again = prepareInvoice({ requestId: invoice.request.requestId as string });
    await expect(f.ledger.connect(f.merchantA).issue(again.request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerDuplicateRequest")
      .withArgs(f.merchantA.address, invoice.request.requestId, invoice.number);
    expect(await f.ledger.nextNumber()).to.equal(invoice.number + 1n);
    // Request ids are the merchant's own: another merchant may use the same one.
    await expect(f.ledger.connect(f.merchantB).issue(again.request)).to.emit(f.ledger, "InvoiceIssued");
  });

  it("issues a batch with consecutive numbers, all or nothing", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const batch = Array.from({ length: 5 }, () => prepareInvoice());
    await expect(f.ledger.connect(f.merchantA).issueBatch(batch.map((p) => p.request)))
      .to.emit(f.ledger, "InvoiceIssued");
    for (const [i, p] of batch.entries()) {
      const stored = await f.ledger.invoice(await f.ledger.invoiceIdOf(f.merchantA.address, p.request.requestId));
      expect(stored.number).to.equal(BigInt(i + 1));
    }

    const bad = [prepareInvoice(), prepareInvoice({ total: 0n, tax: 0n }), prepareInvoice()];
    await expect(f.ledger.connect(f.merchantA).issueBatch(bad.map((p) => p.request)))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidAmount").withArgs(0n, 0n);
    const repeated = [prepareInvoice(), prepareInvoice({ requestId: batch[2]!.request.requestId as string })];
    await expect(f.ledger.connect(f.merchantA).issueBatch(repeated.map((p) => p.request)))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerDuplicateRequest")
      .withArgs(f.merchantA.address, batch[2]!.request.requestId, 3n);
    const first = await f.ledger.invoiceIdOf(f.merchantA.address, bad[0]!.request.requestId);
    expect(await f.ledger.stateOf(first)).to.equal(0n);
    expect(await f.ledger.nextNumber()).to.equal(6n);
    await expect(f.ledger.connect(f.merchantA).issueBatch([])).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerEmptyBatch");
  });

  it("refuses malformed requests with the values that caused the refusal", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const noSeal = prepareInvoice();
    noSeal.request.seal = ethers.ZeroHash.slice(0, 50);
    await expect(f.ledger.connect(f.merchantA).issue(noSeal.request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerMissingField").withArgs(noSeal.request.requestId);
    const noRequestId = prepareInvoice({ requestId: ethers.ZeroHash });
    await expect(f.ledger.connect(f.merchantA).issue(noRequestId.request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerMissingField").withArgs(ethers.ZeroHash);
    await expect(f.ledger.connect(f.merchantA).issue(prepareInvoice({ total: 100n, tax: 101n }).request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidAmount").withArgs(100n, 101n);
  });

  it("enforces the merchant's quota for the current period, single and batch", async () => {
    const f = await loadFixture(deployLedgerFixture);
    await f.ledger.connect(f.officer).setQuota(f.merchantA.address, f.period, 1_000n);
    await issueInvoice(f.ledger, f.merchantA, { total: 600n, tax: 0n });
    expect(await f.ledger.quotaOf(f.merchantA.address, f.period)).to.deep.equal([1_000n, 600n]);
    await expect(f.ledger.connect(f.merchantA).issue(prepareInvoice({ total: 401n, tax: 0n }).request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerQuotaExceeded").withArgs(f.merchantA.address, f.period, 401n, 400n);
    const batch = [prepareInvoice({ total: 200n, tax: 0n }), prepareInvoice({ total: 201n, tax: 0n })];
    await expect(f.ledger.connect(f.merchantA).issueBatch(batch.map((p) => p.request)))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerQuotaExceeded").withArgs(f.merchantA.address, f.period, 401n, 400n);
    await issueInvoice(f.ledger, f.merchantA, { total: 400n, tax: 0n });
    // Lowering a grant below what is used stops issuance instead of underflowing.
    await f.ledger.connect(f.officer).setQuota(f.merchantA.address, f.period, 10n);
    await expect(f.ledger.connect(f.merchantA).issue(prepareInvoice({ total: 1n, tax: 0n }).request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerQuotaExceeded").withArgs(f.merchantA.address, f.period, 1n, 0n);
    // Another period's grant does not help now.
    await f.ledger.connect(f.officer).setQuota(f.merchantA.address, 209912, QUOTA);
    await expect(f.ledger.connect(f.merchantA).issue(prepareInvoice().request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerQuotaExceeded");
  });

  it("lets only the bureau set quotas, only for merchants and valid periods", async () => {
    const f = await loadFixture(deployLedgerFixture);
    await expect(f.ledger.connect(f.officer).setQuota(f.merchantA.address, f.period, 5n))
      .to.emit(f.ledger, "QuotaGranted").withArgs(f.merchantA.address, f.period, 5n, f.officer.address);
    await expect(f.ledger.connect(f.merchantA).setQuota(f.merchantA.address, f.period, 5n))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.merchantA.address);
    await expect(f.ledger.connect(f.officer).setQuota(f.enterpriseA.address, f.period, 5n))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.enterpriseA.address);
    for (const period of [202613, 202600, 196912]) {
      await expect(f.ledger.connect(f.officer).setQuota(f.merchantA.address, period, 5n))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerInvalidPeriod").withArgs(period);
    }
  });

  it("lets only active merchants issue", async () => {
    const f = await loadFixture(deployLedgerFixture);
    for (const who of [f.enterpriseA, f.employee1, f.stranger, f.officer]) {
      await expect(f.ledger.connect(who).issue(prepareInvoice().request))
        .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(who.address);
    }
    await f.registry.connect(f.officer).suspend(f.merchantA.address);
    await expect(f.ledger.connect(f.merchantA).issueBatch([prepareInvoice().request]))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.merchantA.address);
  });

  it("stops every write while the bureau has paused the ledger", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const invoice = await issueInvoice(f.ledger, f.merchantA);
    await expect(f.ledger.connect(f.merchantA).pause()).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized");
    await expect(f.ledger.connect(f.officer).pause()).to.emit(f.ledger, "Paused").withArgs(f.officer.address);
    const id = invoice.id;
    const note = ethers.hexlify(ethers.randomBytes(32));
    const writes: [typeof f.officer, string, unknown[]][] = [
      [f.officer, "setQuota", [f.merchantA.address, f.period, 1n]],
      [f.officer, "freeze", [id, ethers.ZeroHash]],
      [f.officer, "unfreeze", [id]],
      [f.merchantA, "issue", [prepareInvoice().request]],
      [f.merchantA, "issueBatch", [[prepareInvoice().request]]],
      [f.merchantA, "reverse", [id, { requestId: ethers.ZeroHash, seal: ethers.ZeroHash.slice(0, 50), total: 1n, tax: 0n, reason: 0 }]],
      [f.employee1, "claim", [id, ethers.ZeroHash, "0x"]],
      [f.employee1, "transfer", [id, f.employee2.address]],
      [f.employee1, "submit", [id, f.enterpriseA.address]],
      [f.enterpriseA, "reject", [id, ethers.ZeroHash]],
      [f.enterpriseA, "reimburse", [id]],
      [f.enterpriseA, "file", [id, f.period]],
      [f.enterpriseA, "confirmReversal", [note]],
      [f.enterpriseA, "cancelReversal", [note]],
    ];
    for (const [who, method, args] of writes) {
      const send = (f.ledger.connect(who) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
      await expect(send(...args), method).to.be.revertedWithCustomError(f.ledger, "EnforcedPause");
    }
    await expect(f.ledger.connect(f.enterpriseA).unpause()).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized");
    await f.ledger.connect(f.officer).unpause();
    await expect(f.ledger.connect(f.merchantA).issue(prepareInvoice().request)).to.emit(f.ledger, "InvoiceIssued");
  });

  it("reports unknown invoices", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const unknown = ethers.hexlify(ethers.randomBytes(32));
    await expect(f.ledger.invoice(unknown)).to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnknownInvoice").withArgs(unknown);
    expect(await f.ledger.stateOf(unknown)).to.equal(0n);
    expect(await f.ledger.registry()).to.equal(await f.registry.getAddress());
  });
});
