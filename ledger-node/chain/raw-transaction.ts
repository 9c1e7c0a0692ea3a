import { decode as decodeRlp, encode as encodeRlp } from "@ethereumjs/rlp";
import { ecdsaRecover } from "secp256k1";

import { addressOfPublicKey, keccak256Bytes as keccak } from "../../crypto/native";
import { InvalidRequestError } from "../errors";

/** What admission needs of a signed transaction. */
export interface SignedTransaction {
  hash: string;
  from: string;
  /** 0 for a legacy transaction without EIP-155 replay protection. */
  chainId: bigint;
  nonce: bigint;
  gasLimit: bigint;
  /** The recipient (lowercase hex), or null for a contract creation. */
  to: string | null;
}

/** Field counts of the envelopes a Cancun chain takes: legacy, EIP-2930 (type 1), EIP-1559 (type 2). */
const FIELDS: Record<number, number> = { 0: 9, 1: 11, 2: 12 };
const HALF_CURVE_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * Reads the hash, the sender and the chain id of a raw signed transaction, with native keccak and libsecp256k1:
 * admission does this for every transaction before the EVM sees it, and ethers' JavaScript cryptography took
 * ~15 ms for a 100-invoice batch (32 KB), more than the EVM spends executing it. Strict: canonical RLP, the
 * exact number of fields, low-s signatures (EIP-2); anything else is refused, never guessed. The EVM then
 * checks the same bytes again on its own (nonce, gas, signature), and a test holds this reading to ethers'.
 */
export function decodeSignedTransaction(raw: string): SignedTransaction {
  if (!/^0x[0-9a-fA-F]*$/.test(raw) || raw.length % 2 !== 0) throw refused("not hex-encoded bytes");
  const bytes = Buffer.from(raw.slice(2), "hex");
  if (bytes.length === 0) throw refused("empty");
  const type = bytes[0]! >= 0xc0 ? 0 : bytes[0]!;
  const expected = FIELDS[type];
  if (expected === undefined) throw refused(`transaction type ${type} is not accepted on this ledger (legacy, 1 and 2 are)`);

  let fields: Uint8Array[];
  try {
    const decoded = decodeRlp(type === 0 ? bytes : bytes.subarray(1));
    if (!Array.isArray(decoded) || decoded.some((field, i) => Array.isArray(field) !== (type !== 0 && i === (type === 1 ? 7 : 8)))) throw new Error("unexpected shape");
    fields = decoded as Uint8Array[];
  } catch (error) {
    throw refused("not a well-formed transaction envelope", error);
  }
  if (fields.length !== expected) throw refused(`a type ${type} transaction has ${expected} fields, this one has ${fields.length}`);

  const [r, s] = [fields[expected - 2]!, fields[expected - 1]!];
  let chainId: bigint;
  let yParity: bigint;
  let signingPayload: Uint8Array;
  if (type === 0) {
    const v = toBigInt(fields[6]!);
    if (v === 27n || v === 28n) {
      chainId = 0n;
      yParity = v - 27n;
      signingPayload = encodeRlp(fields.slice(0, 6));
    } else {
      if (v < 35n) throw refused(`signature v ${v} is neither 27/28 nor EIP-155`);
      chainId = (v - 35n) / 2n;
      yParity = (v - 35n) % 2n;
      signingPayload = encodeRlp([...fields.slice(0, 6), chainId, new Uint8Array(0), new Uint8Array(0)]);
    }
  } else {
    chainId = toBigInt(fields[0]!);
    yParity = toBigInt(fields[expected - 3]!);
    signingPayload = Buffer.concat([Uint8Array.of(type), encodeRlp(fields.slice(0, expected - 3))]);
  }
  if (yParity > 1n) throw refused("signature y-parity is not 0 or 1");
  const [rValue, sValue] = [toBigInt(r), toBigInt(s)];
  if (rValue === 0n || r.length > 32 || sValue === 0n || s.length > 32 || sValue > HALF_CURVE_ORDER) throw refused("the signature is not valid (r, s out of range or high s)");

  let publicKey: Uint8Array;
  try {
    publicKey = ecdsaRecover(Buffer.concat([leftPad32(r), leftPad32(s)]), Number(yParity), keccak(signingPayload), false);
  } catch (error) {
    throw refused("the signature does not recover a public key", error);
  }
  // Field positions: legacy [nonce, gasPrice, gasLimit, ...]; type 1 [chainId, nonce, gasPrice, gasLimit, ...];
  // type 2 [chainId, nonce, maxPriorityFee, maxFee, gasLimit, ...].
  const nonce = toBigInt(fields[type === 0 ? 0 : 1]!);
  const gasLimit = toBigInt(fields[type === 0 ? 2 : type === 1 ? 3 : 4]!);
  const recipient = fields[type === 0 ? 3 : type === 1 ? 4 : 5]!;
  if (recipient.length !== 0 && recipient.length !== 20) throw refused("the recipient is neither empty (a creation) nor an address");
  return {
    hash: `0x${keccak(bytes).toString("hex")}`,
    from: addressOfPublicKey(publicKey),
    chainId,
    nonce,
    gasLimit,
    to: recipient.length === 0 ? null : `0x${Buffer.from(recipient).toString("hex")}`,
  };
}

function toBigInt(bytes: Uint8Array): bigint {
  if (bytes.length > 0 && bytes[0] === 0) throw refused("an integer field has leading zeros");
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

function leftPad32(bytes: Uint8Array): Buffer {
  const padded = Buffer.alloc(32);
  padded.set(bytes, 32 - bytes.length);
  return padded;
}

function refused(reason: string, cause?: unknown): InvalidRequestError {
  return new InvalidRequestError(`not a signed Ethereum transaction: ${reason}`, { reason }, cause === undefined ? undefined : { cause });
}
