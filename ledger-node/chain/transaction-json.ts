import { decode as decodeRlp } from "@ethereumjs/rlp";

import { decodeSignedTransaction } from "./raw-transaction";

/** Where a transaction was included, as its JSON-RPC answer states it. */
export interface Inclusion {
  blockHash: string;
  blockNumber: number;
  index: number;
  /** The block's base fee per gas (a type-2 transaction's `gasPrice` is what it paid: at most base fee + tip). */
  baseFeePerGas: bigint;
}

const quantity = (value: bigint | number): string => `0x${value.toString(16)}`;
const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString("hex")}`;
const integer = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt(hex(bytes)));

/**
 * A journaled transaction as `eth_getTransactionByHash` answers it, built from its raw bytes: the node keeps the
 * bytes (they are what a replay re-executes), not a second copy of them as JSON. Field for field what the engine
 * answered for the same transaction (a test compares both for every envelope the ledger admits: legacy with and
 * without EIP-155, EIP-2930, EIP-1559, a creation).
 */
export function transactionJson(raw: string, at: Inclusion): Record<string, unknown> {
  const { hash, from } = decodeSignedTransaction(raw);
  const bytes = Buffer.from(raw.slice(2), "hex");
  const type = bytes[0]! >= 0xc0 ? 0 : bytes[0]!;
  const fields = decodeRlp(type === 0 ? bytes : bytes.subarray(1)) as (Uint8Array | Uint8Array[])[];
  const field = (i: number) => fields[i] as Uint8Array;
  const to = (bytes: Uint8Array) => (bytes.length === 0 ? null : hex(bytes));
  const where = { blockHash: at.blockHash, blockNumber: quantity(at.blockNumber), transactionIndex: quantity(at.index), from: from.toLowerCase() };
  const accessList = (i: number) =>
    (fields[i] as unknown as [Uint8Array, Uint8Array[]][]).map(([address, keys]) => ({ address: hex(address), storageKeys: keys.map(hex) }));
  if (type === 0) {
    // [nonce, gasPrice, gasLimit, to, value, data, v, r, s]
    return {
      hash, nonce: quantity(integer(field(0))), ...where, to: to(field(3)), value: quantity(integer(field(4))), gasPrice: quantity(integer(field(1))),
      gas: quantity(integer(field(2))), input: hex(field(5)), type: "0x0", v: quantity(integer(field(6))), r: quantity(integer(field(7))), s: quantity(integer(field(8))),
    };
  }
  if (type === 1) {
    // [chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, yParity, r, s]
    return {
      hash, nonce: quantity(integer(field(1))), ...where, to: to(field(4)), value: quantity(integer(field(5))), gasPrice: quantity(integer(field(2))),
      gas: quantity(integer(field(3))), input: hex(field(6)), chainId: quantity(integer(field(0))), type: "0x1", accessList: accessList(7),
      v: quantity(integer(field(8))), r: quantity(integer(field(9))), s: quantity(integer(field(10))),
    };
  }
  // [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r, s]
  const tip = integer(field(2));
  const cap = integer(field(3));
  const paid = at.baseFeePerGas + tip < cap ? at.baseFeePerGas + tip : cap;
  return {
    hash, nonce: quantity(integer(field(1))), ...where, to: to(field(5)), value: quantity(integer(field(6))), gasPrice: quantity(paid),
    gas: quantity(integer(field(4))), input: hex(field(7)), chainId: quantity(integer(field(0))), type: "0x2", accessList: accessList(8),
    maxFeePerGas: quantity(cap), maxPriorityFeePerGas: quantity(tip), v: quantity(integer(field(9))), r: quantity(integer(field(10))), s: quantity(integer(field(11))),
  };
}
