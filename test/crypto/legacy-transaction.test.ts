import { expect } from "chai";
import { Wallet, hexlify } from "ethers";
import fc from "fast-check";

import { signLegacyTransaction, type LegacyTransaction } from "../../crypto/legacy-transaction";
import { decodeSignedTransaction } from "../../ledger-node/chain/raw-transaction";

/** crypto/legacy-transaction.ts: the API's native signer, held byte for byte to ethers' and read back by the node. */
describe("crypto/legacy-transaction: native signing of legacy EIP-155 transactions", () => {
  const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => hexlify(b));
  const transaction: fc.Arbitrary<LegacyTransaction> = fc.record({
    nonce: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    gasPrice: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1n << 80n })),
    gasLimit: fc.bigInt({ min: 21_000n, max: 60_000_000n }),
    to: bytes(20, 20),
    value: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1n << 100n })),
    data: bytes(0, 3_000),
    chainId: fc.oneof(fc.constant(1337n), fc.constant(31337n), fc.bigInt({ min: 1n, max: (1n << 32n) - 1n })),
  });
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((b) => b !== 0) && BigInt(hexlify(k)) < 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n);

  it("produces exactly the bytes ethers' Wallet.signTransaction produces, for any transaction and key", async () => {
    await fc.assert(
      fc.asyncProperty(transaction, key, async (tx, privateKey) => {
        const wallet = new Wallet(hexlify(privateKey));
        const expected = await wallet.signTransaction({ ...tx, type: 0 });
        const signed = signLegacyTransaction(tx, privateKey);
        expect(signed).to.equal(expected);
        const read = decodeSignedTransaction(signed);
        expect([read.from.toLowerCase(), read.chainId, read.nonce]).to.deep.equal([wallet.address.toLowerCase(), tx.chainId, BigInt(tx.nonce)]);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses fields it cannot encode", () => {
    const tx: LegacyTransaction = { nonce: 0, gasPrice: 0n, gasLimit: 21_000n, to: `0x${"11".repeat(20)}`, value: 0n, data: "0x", chainId: 1337n };
    const privateKey = Buffer.alloc(32, 1);
    expect(() => signLegacyTransaction({ ...tx, to: "0x1234" }, privateKey)).to.throw(TypeError);
    expect(() => signLegacyTransaction({ ...tx, data: "0xabc" }, privateKey)).to.throw(TypeError);
    expect(() => signLegacyTransaction({ ...tx, nonce: -1 }, privateKey)).to.throw(RangeError);
  });
});
