import { encodeBytes32String, hexlify, randomBytes } from "ethers";

import { hexToBytes, keccak256Bytes, keccak256Hex, newKeyPair } from "../../crypto/native";
import { abiWords } from "./abi-words";
import { canonicalBytes } from "./canonical-json";

/**
 * What binds an off-chain document to its on-chain record:
 *   commitment = keccak256(salt || canonical JSON bytes of the document)
 *   seal       = first 24 bytes of keccak256(abi.encode(commitment, claim key address))   (stored on chain)
 *   check code = uint64 of keccak256("check-code" || seal), printed as 20 digits          (InvoiceLedger.checkCodeOf)
 * The salt stays off chain, so a deleted document leaves an unlinkable commitment; the claim key's private
 * key is the claim code printed on the invoice.
 */
export function newSalt(): string {
  return hexlify(randomBytes(32));
}

export function commitmentOf(salt: string, document: unknown): string {
  return keccak256Hex(Buffer.concat([hexToBytes(salt), canonicalBytes(document)]));
}

export function sealOf(commitment: string, claimKeyAddress: string): string {
  return `0x${keccak256Bytes(hexToBytes(abiWords({ bytes32: commitment }, { address: claimKeyAddress }))).subarray(0, 24).toString("hex")}`;
}

// The contract tags with the bytes32 literal "check-code" (right-padded with zeros).
const CHECK_CODE_TAG = hexToBytes(encodeBytes32String("check-code"));

const SEAL = /^0x[0-9a-fA-F]{48}$/;

export function checkCodeOf(seal: string): string {
  if (!SEAL.test(seal)) throw new TypeError(`a seal is 24 bytes as 0x-prefixed hex, not ${seal}`);
  const digest = keccak256Bytes(Buffer.concat([CHECK_CODE_TAG, hexToBytes(seal)]));
  return digest.readBigUInt64BE(0).toString().padStart(20, "0");
}

/** A fresh claim key: its private key is the claim code, its address goes into the seal. */
export function newClaimKey(): { privateKey: string; address: string } {
  return newKeyPair();
}
