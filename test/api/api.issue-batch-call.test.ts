import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { encodeIssueBatch, issueBatchGas, MAX_ISSUE_BATCH, type IssueRequestWords } from "../../api/chain/issue-batch-call";
import { abiWords } from "../../api/domain/abi-words";
import { canonicalBytes } from "../../api/domain/canonical-json";
import { checkCodeOf, commitmentOf, sealOf } from "../../api/domain/commitment";
import { creditNoteIdOf, invoiceIdOf, requestIdOf } from "../../api/domain/ids";
import { InvoiceLedger__factory } from "../../typechain-types";
import { deployLedgerFixture } from "../contracts/helpers/fixture";
import { prepareInvoice } from "../contracts/helpers/documents";
import { propertyRuns } from "../contracts/helpers/property-runs";

/**
 * The hand-built issueBatch call (api/chain/issue-batch-call.ts): its calldata is exactly what ethers' ABI coder
 * produces, for any batch; its gas limit, fixed by the batch size instead of estimated, covers what real batches
 * spend at their most expensive, up to the largest batch a request may carry.
 */
describe("the issueBatch call the API builds by hand", () => {
  const ledgerInterface = InvoiceLedger__factory.createInterface();
  const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => ethers.hexlify(b));
  const uintBelow = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
  const request: fc.Arbitrary<IssueRequestWords> = fc.record({ requestId: hex(32), seal: hex(24), buyerTaxId: hex(18), total: uintBelow(48), tax: uintBelow(40) });

  it("encodes any batch byte for byte as ethers does", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 12 }), (requests) => {
        expect(encodeIssueBatch(requests)).to.equal(ledgerInterface.encodeFunctionData("issueBatch", [requests]));
      }),
      propertyRuns(300),
    );
  });

  it("encodes the extremes of every field, and refuses values that do not fit", () => {
    const max: IssueRequestWords = { requestId: `0x${"ff".repeat(32)}`, seal: `0x${"FF".repeat(24)}`, buyerTaxId: `0x${"ff".repeat(18)}`, total: (1n << 48n) - 1n, tax: (1n << 40n) - 1n };
    expect(encodeIssueBatch([max])).to.equal(ledgerInterface.encodeFunctionData("issueBatch", [[max]]));
    expect(() => encodeIssueBatch([{ ...max, total: 1n << 48n }])).to.throw(RangeError, /uint48/);
    expect(() => encodeIssueBatch([{ ...max, tax: -1n }])).to.throw(RangeError, /uint40/);
    expect(() => encodeIssueBatch([{ ...max, seal: `0x${"ff".repeat(25)}` }])).to.throw(TypeError, /seal/);
    expect(() => encodeIssueBatch([{ ...max, buyerTaxId: "0xzz" }])).to.throw(TypeError, /buyerTaxId/);
  });

  it("hashes ids and seals over the same words as abi.encode", () => {
    const coder = ethers.AbiCoder.defaultAbiCoder();
    fc.assert(
      fc.property(hex(20), hex(32), hex(32), (address, first, second) => {
        expect(abiWords({ address }, { bytes32: first })).to.equal(coder.encode(["address", "bytes32"], [address, first]));
        expect(abiWords({ bytes32: first }, { address }, { bytes32: second })).to.equal(coder.encode(["bytes32", "address", "bytes32"], [first, address, second]));
      }),
      propertyRuns(300),
    );
    expect(() => abiWords({ address: "0x1234" })).to.throw(TypeError);
  });

  it("derives ids, commitments, seals and check codes as the contract and ethers' ABI encoding do", async () => {
    const { ledger } = await loadFixture(deployLedgerFixture);
    const coder = ethers.AbiCoder.defaultAbiCoder();
    const samples = fc.sample(fc.record({ seller: hex(20), reference: fc.string({ minLength: 1, maxLength: 64 }), salt: hex(32), claimKey: hex(20), amount: fc.nat() }), { numRuns: 25, seed: 42 });
    for (const { seller, reference, salt, claimKey, amount } of samples) {
      const requestId = requestIdOf(reference);
      expect(requestId).to.equal(ethers.keccak256(ethers.toUtf8Bytes(reference)));
      expect(invoiceIdOf(seller, requestId)).to.equal(await ledger.invoiceIdOf(seller, requestId));
      expect(creditNoteIdOf(seller, requestId)).to.equal(await ledger.creditNoteIdOf(seller, requestId));
      const document = { reference, amount, buyer: { name: "张三" } };
      const commitment = commitmentOf(salt, document);
      expect(commitment).to.equal(ethers.keccak256(ethers.concat([salt, canonicalBytes(document)])));
      const seal = sealOf(commitment, claimKey);
      expect(seal).to.equal(ethers.dataSlice(ethers.keccak256(coder.encode(["bytes32", "address"], [commitment, claimKey])), 0, 24));
      expect(checkCodeOf(seal)).to.equal((await ledger.checkCodeOf(seal)).toString().padStart(20, "0"));
    }
  });

  describe("gas", () => {
    /** A merchant's first issue of a new period (its quota and period counters written for the first time), to an
     * organisation buyer, the largest amounts: the most one request can cost. */
    async function mostExpensiveBatch(size: number) {
      const fixture = await loadFixture(deployLedgerFixture);
      const { ledger, officer, merchantB } = fixture;
      const period = await ledger.currentPeriod();
      await ledger.connect(officer).setQuota(merchantB.address, period, (1n << 64n) - 1n);
      const requests = Array.from({ length: size }, () => prepareInvoice({ buyerTaxId: "91440300MA5DC7M2X9", total: (1n << 48n) - 1n, tax: (1n << 40n) - 1n }).request as IssueRequestWords);
      const sent = await merchantB.sendTransaction({ to: await ledger.getAddress(), data: encodeIssueBatch(requests), gasLimit: issueBatchGas(size) });
      return (await sent.wait())!;
    }

    for (const size of [1, 2, 10, 100, MAX_ISSUE_BATCH]) {
      it(`covers a batch of ${size} at its most expensive`, async () => {
        const receipt = await mostExpensiveBatch(size);
        expect(receipt.status).to.equal(1);
        expect(receipt.gasUsed <= issueBatchGas(size), `${receipt.gasUsed} gas used, ${issueBatchGas(size)} given`).to.equal(true);
      });
    }

    it("keeps the largest batch within the node's 30,000,000 gas per transaction", () => {
      expect(issueBatchGas(MAX_ISSUE_BATCH) <= 30_000_000n).to.equal(true);
    });
  });
});
