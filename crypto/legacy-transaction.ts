import { encode as encodeRlp } from "@ethereumjs/rlp";
import { ecdsaSign } from "secp256k1";

import { keccak256Bytes } from "./native";

/**
 * Signs a legacy (type 0) transaction with EIP-155 replay protection, with native keccak and libsecp256k1: the
 * API signs every transaction it sends this way. ethers' JavaScript signing of a 100-invoice batch (16 KB of
 * calldata) spent milliseconds converting the same bytes between hex and arrays; here the payload is RLP-encoded
 * once and hashed natively. libsecp256k1 signs deterministically (RFC 6979) with a low s, as ethers does, so the
 * result is byte for byte ethers' (test/crypto/legacy-transaction.test.ts holds them equal on random input).
 */
export interface LegacyTransaction {
  nonce: number;
  gasPrice: bigint;
  gasLimit: bigint;
  /** The recipient, 0x + 40 hex digits. */
  to: string;
  value: bigint;
  /** Calldata, 0x-prefixed hex. */
  data: string;
  chainId: bigint;
}

/** A non-negative integer as RLP wants it: big-endian, no leading zero bytes, zero as no bytes. */
function quantity(value: bigint | number): Uint8Array {
  const big = BigInt(value);
  if (big < 0n) throw new RangeError(`a transaction field cannot be negative: ${big}`);
  if (big === 0n) return new Uint8Array(0);
  const hex = big.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex");
}

function hexBytes(value: string, what: string): Buffer {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(value)) throw new TypeError(`${what} is not 0x-prefixed hex bytes`);
  return Buffer.from(value.slice(2), "hex");
}

/** The raw signed transaction (0x-prefixed hex) that eth_sendRawTransaction takes. */
export function signLegacyTransaction(tx: LegacyTransaction, privateKey: Uint8Array): string {
  const to = hexBytes(tx.to, "to");
  if (to.length !== 20) throw new TypeError("to must be 20 bytes");
  const fields = [quantity(tx.nonce), quantity(tx.gasPrice), quantity(tx.gasLimit), to, quantity(tx.value), hexBytes(tx.data, "data")];
  const digest = keccak256Bytes(encodeRlp([...fields, quantity(tx.chainId), new Uint8Array(0), new Uint8Array(0)]));
  const { signature, recid } = ecdsaSign(digest, privateKey);
  const v = tx.chainId * 2n + 35n + BigInt(recid);
  return `0x${Buffer.from(encodeRlp([...fields, quantity(v), stripZeros(signature.subarray(0, 32)), stripZeros(signature.subarray(32, 64))])).toString("hex")}`;
}

/** r and s are integers: their leading zero bytes are not encoded. */
function stripZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return bytes.subarray(start);
}
