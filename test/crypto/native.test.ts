import { expect } from "chai";
import { Wallet, hexlify, keccak256 } from "ethers";
import fc from "fast-check";

import { keccak256Bytes, newKeyPair, useNativeKeccak } from "../../crypto/native";

describe("crypto/native: keccak and secp256k1 for the hot paths", () => {
  it("hashes exactly as ethers' keccak256, on any input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), (data) => {
        expect(hexlify(keccak256Bytes(data))).to.equal(keccak256(data));
      }),
      { numRuns: 300 },
    );
    // Known answer: the empty input.
    expect(hexlify(keccak256Bytes(new Uint8Array(0)))).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  });

  it("makes fresh key pairs whose address is the one ethers derives from the private key, never twice the same", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pair = newKeyPair();
      expect(pair.address).to.equal(new Wallet(pair.privateKey).address);
      seen.add(pair.privateKey);
    }
    expect(seen.size).to.equal(200);
  });

  it("leaves ethers' keccak256 answering the same once the native one is registered", () => {
    const inputs = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(16_000).fill(7)];
    const before = inputs.map((input) => keccak256(input));
    useNativeKeccak();
    expect(inputs.map((input) => keccak256(input))).to.deep.equal(before);
  });
});
