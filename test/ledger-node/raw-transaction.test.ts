import { decode as decodeRlp, encode as encodeRlp } from "@ethereumjs/rlp";
import { expect } from "chai";
import { Transaction, Wallet, hexlify } from "ethers";
import fc from "fast-check";

import { decodeSignedTransaction } from "../../ledger-node/chain/raw-transaction";
import { InvalidRequestError } from "../../ledger-node/errors";

const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => hexlify(b));
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => hexlify(b));
interface Generated {
  type: 0 | 1 | 2;
  chainId: bigint;
  nonce: number;
  gasLimit: bigint;
  gasPrice: bigint;
  to: string | null;
  value: bigint;
  data: string;
  accessList: { address: string; storageKeys: string[] }[];
}
const transaction: fc.Arbitrary<Generated> = fc.record({
  type: fc.constantFrom(0 as const, 1 as const, 2 as const),
  chainId: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 2n ** 40n })),
  nonce: fc.integer({ min: 0, max: 2 ** 40 }),
  gasLimit: fc.bigInt({ min: 21_000n, max: 2n ** 40n }),
  gasPrice: fc.bigInt({ min: 0n, max: 2n ** 70n }),
  to: fc.option(address, { nil: null }),
  value: fc.bigInt({ min: 0n, max: 2n ** 100n }),
  data: bytes(3_000),
  accessList: fc.array(fc.record({ address, storageKeys: fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b)), { maxLength: 3 }) }), { maxLength: 3 }),
});

function signed(wallet: Wallet, tx: Generated): Promise<string> {
  const { type, gasPrice, accessList, chainId, ...rest } = tx;
  if (type === 0) return wallet.signTransaction({ ...rest, type, gasPrice, chainId });
  // Typed transactions always carry a chain id.
  const typed = { ...rest, type, accessList, chainId: chainId === 0n ? 1n : chainId };
  return wallet.signTransaction(type === 1 ? { ...typed, gasPrice } : { ...typed, maxFeePerGas: gasPrice, maxPriorityFeePerGas: 0n });
}

function refusal(raw: string): InvalidRequestError {
  try {
    decodeSignedTransaction(raw);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error(`${raw.slice(0, 20)}... was not refused`);
}

/** Re-encodes a raw transaction with its fields changed (the type byte kept). */
function reencoded(raw: string, change: (fields: Uint8Array[]) => Uint8Array[]): string {
  const buffer = Buffer.from(raw.slice(2), "hex");
  const typed = buffer[0]! < 0xc0;
  const fields = decodeRlp(typed ? buffer.subarray(1) : buffer) as Uint8Array[];
  const body = Buffer.from(encodeRlp(change(fields)));
  return hexlify(typed ? Buffer.concat([buffer.subarray(0, 1), body]) : body);
}

describe("ledger-node: reading a raw signed transaction for admission", () => {
  const wallet = Wallet.createRandom();

  it("reads the same hash, sender, chain id, nonce, gas limit and recipient as ethers for any legacy, EIP-2930 or EIP-1559 transaction", async () => {
    await fc.assert(
      fc.asyncProperty(transaction, async (tx) => {
        const raw = await signed(new Wallet(wallet.privateKey), tx);
        const reference = Transaction.from(raw);
        expect(decodeSignedTransaction(raw)).to.deep.equal({ hash: reference.hash, from: reference.from, chainId: reference.chainId, nonce: BigInt(reference.nonce), gasLimit: reference.gasLimit, to: reference.to?.toLowerCase() ?? null });
      }),
      { numRuns: 300 },
    );
  });

  it("names another sender when a signed byte is changed, so a signature never vouches for other content", async () => {
    const raw = await wallet.signTransaction({ type: 2, chainId: 1337n, nonce: 1, gasLimit: 100_000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, to: wallet.address, data: "0x1234" });
    const tampered = reencoded(raw, (fields) => fields.map((field, i) => (i === 7 ? Uint8Array.of(0x12, 0x35) : field)));
    const read = (() => {
      try {
        return decodeSignedTransaction(tampered).from;
      } catch {
        return "refused";
      }
    })();
    expect(read).to.not.equal(wallet.address);
  });

  it("refuses what is not a canonical, complete, low-s transaction, with a reason", async () => {
    const raw = await wallet.signTransaction({ type: 2, chainId: 1337n, nonce: 0, gasLimit: 100_000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, to: wallet.address });
    expect(refusal("0x1234").code).to.equal("INVALID_REQUEST");
    expect(refusal("0x").details.reason).to.equal("empty");
    expect(refusal("0xzz").details.reason).to.equal("not hex-encoded bytes");
    expect(refusal(`0x03${raw.slice(4)}`).details.reason).to.match(/transaction type 3 is not accepted/);
    expect(refusal(`${raw}00`).details.reason).to.equal("not a well-formed transaction envelope");
    expect(refusal(reencoded(raw, (fields) => fields.slice(0, -1))).details.reason).to.equal("a type 2 transaction has 12 fields, this one has 11");
    // The same signature with s mirrored (and y flipped) recovers the same key: EIP-2 allows only the low s.
    const highS = reencoded(raw, (fields) => {
      const s = BigInt(hexlify(fields[11]!));
      return [...fields.slice(0, 9), fields[9]!.length === 0 ? Uint8Array.of(1) : new Uint8Array(0), fields[10]!, Buffer.from((CURVE_ORDER - s).toString(16).padStart(64, "0"), "hex")];
    });
    expect(refusal(highS).details.reason).to.match(/high s/);
    // A chain id written with a leading zero would read as the same number from other bytes.
    expect(refusal(reencoded(raw, (fields) => fields.map((field, i) => (i === 0 ? Buffer.concat([Uint8Array.of(0), field]) : field)))).details.reason).to.equal("an integer field has leading zeros");
  });
});
