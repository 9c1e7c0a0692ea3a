import { expect } from "chai";
import { SigningKey, computeAddress, hexlify, randomBytes } from "ethers";

import { sealBlock, sealDigest, sealSigner } from "../../ledger-node/chain/block-seal";

describe("sealBlock: the authority's seal of a block, signed natively", () => {
  it("is byte for byte the signature ethers makes of the seal digest, and recovers to the authority", () => {
    // Seals journaled before the node signed natively were ethers' signatures: a replay checks them, and a
    // proof bundle carries them; both forms must be the same bytes (deterministic nonce, low s, v = 27 / 28).
    const vs = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const key = new SigningKey(hexlify(randomBytes(32)));
      const [hash, parentHash] = [hexlify(randomBytes(32)), hexlify(randomBytes(32))];
      const number = 1 + i * 997;
      const seal = sealBlock(key, 7_755, number, hash, parentHash);
      const expected = key.sign(sealDigest(7_755, number, hash, parentHash));
      expect(seal).to.equal(expected.serialized);
      vs.add(expected.v);
      expect(sealSigner(seal, 7_755, number, hash, parentHash)).to.equal(computeAddress(key.publicKey));
      expect(sealSigner(seal, 7_755, number + 1, hash, parentHash)).to.not.equal(computeAddress(key.publicKey));
    }
    expect([...vs].sort()).to.deep.equal([27, 28]); // both recovery ids were exercised
  });
});
