import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";

import { prepareInvoice } from "./helpers/documents";
import { deployLedgerFixture } from "./helpers/fixture";
import { signForwardRequest } from "./helpers/senders";

/**
 * Requests a party signed itself and someone else relayed (ERC-2771 through OpenZeppelin's forwarder):
 * the ledger must see the signer, and a signed request must act exactly once, where it was meant to.
 */
describe("InvoiceLedger relayed requests", () => {
  async function signedIssue() {
    const f = await loadFixture(deployLedgerFixture);
    const prepared = prepareInvoice();
    const data = f.ledger.interface.encodeFunctionData("issue", [prepared.request]);
    const request = await signForwardRequest(f.forwarder, f.merchantA, await f.ledger.getAddress(), data);
    return { ...f, prepared, data, request };
  }

  it("records the signer, not the relayer, as the actor", async () => {
    const f = await signedIssue();
    const id = await f.ledger.invoiceIdOf(f.merchantA.address, f.prepared.request.requestId);
    await expect(f.forwarder.connect(f.relayer).execute(f.request))
      .to.emit(f.ledger, "InvoiceIssued").withArgs(id, 1n, f.merchantA.address, f.prepared.request.buyerTaxId, f.prepared.request.seal, f.prepared.request.total, f.prepared.request.tax);
    expect((await f.ledger.invoice(id)).seller).to.equal(f.merchantA.address);
  });

  it("refuses a replayed request", async () => {
    const f = await signedIssue();
    await f.forwarder.connect(f.relayer).execute(f.request);
    await expect(f.forwarder.connect(f.relayer).execute(f.request))
      .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner");
    expect(await f.ledger.nextNumber()).to.equal(2n);
  });

  it("refuses a request re-targeted at another contract, or with its data or signer changed", async () => {
    const f = await signedIssue();
    await expect(f.forwarder.connect(f.relayer).execute({ ...f.request, to: await f.registry.getAddress() }))
      .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner");
    const other = f.ledger.interface.encodeFunctionData("issue", [prepareInvoice().request]);
    await expect(f.forwarder.connect(f.relayer).execute({ ...f.request, data: other }))
      .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner");
    await expect(f.forwarder.connect(f.relayer).execute({ ...f.request, from: f.merchantB.address }))
      .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderInvalidSigner");
    expect(await f.ledger.nextNumber()).to.equal(1n);
  });

  it("refuses an expired request", async () => {
    const f = await signedIssue();
    await time.increaseTo(f.request.deadline + 1n);
    await expect(f.forwarder.connect(f.relayer).execute(f.request))
      .to.be.revertedWithCustomError(f.forwarder, "ERC2771ForwarderExpiredRequest").withArgs(f.request.deadline);
  });

  it("fails the relay, and leaves the nonce unused, when the ledger refuses the signer", async () => {
    const f = await loadFixture(deployLedgerFixture);
    const data = f.ledger.interface.encodeFunctionData("issue", [prepareInvoice().request]);
    const request = await signForwardRequest(f.forwarder, f.employee1, await f.ledger.getAddress(), data);
    await expect(f.forwarder.connect(f.relayer).execute(request)).to.be.revertedWithCustomError(f.forwarder, "FailedCall");
    expect(await f.forwarder.nonces(f.employee1.address)).to.equal(0n);
    // The same call sent by the employee directly shows why (the API decodes this by simulating first).
    await expect(f.ledger.connect(f.employee1).issue(prepareInvoice().request))
      .to.be.revertedWithCustomError(f.ledger, "InvoiceLedgerUnauthorized").withArgs(f.employee1.address);
  });
});
