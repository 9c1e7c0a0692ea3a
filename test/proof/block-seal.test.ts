import { expect } from "chai";
import { AbiCoder, hexlify, keccak256, randomBytes } from "ethers";

import { blockSealDigest } from "../../lib/proof/block-seal";

/** The digest as it was defined first: the ABI coder's encoding of the tag and the block's fields. */
const byCoder = (chainId: bigint, number: bigint, hash: string, parentHash: string) =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["string", "uint256", "uint256", "bytes32", "bytes32"], ["e-invoice-ledger/block", chainId, number, hash, parentHash]));

describe("blockSealDigest: what the authority signs for a block, laid out by hand", () => {
  it("is the ABI coder's digest of the same fields", () => {
    const edges = [0n, 1n, 255n, 7_755n, 2n ** 53n, (1n << 256n) - 1n];
    for (let i = 0; i < 300; i++) {
      const chainId = edges[i % edges.length]!;
      const number = i < edges.length ? edges[edges.length - 1 - i]! : BigInt(hexlify(randomBytes(1 + (i % 32))));
      const [hash, parentHash] = [hexlify(randomBytes(32)), hexlify(randomBytes(32))];
      const mixedCase = i % 2 === 0 ? hash : `0x${hash.slice(2).toUpperCase()}`;
      expect(blockSealDigest(chainId, number, mixedCase, parentHash)).to.equal(byCoder(chainId, number, hash, parentHash));
    }
  });

  it("refuses what the ABI coder refuses: values outside uint256, hashes that are not 32 bytes of hex", () => {
    const hash = hexlify(randomBytes(32));
    const cases: [bigint, bigint, string, string][] = [
      [-1n, 1n, hash, hash],
      [1n, 1n << 256n, hash, hash],
      [1n, 1n, hash.slice(0, 64), hash],
      [1n, 1n, hash, `${hash}00`],
      [1n, 1n, hash, `0x${"zz".repeat(32)}`],
      [1n, 1n, hash.slice(2), hash],
    ];
    for (const [chainId, number, h, parent] of cases) {
      expect(() => byCoder(chainId, number, h, parent), `coder: ${chainId} ${number} ${h} ${parent}`).to.throw();
      expect(() => blockSealDigest(chainId, number, h, parent), `by hand: ${chainId} ${number} ${h} ${parent}`).to.throw();
    }
  });
});
