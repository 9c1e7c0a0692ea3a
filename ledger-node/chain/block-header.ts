import { encode as encodeRlp } from "@ethereumjs/rlp";

import { keccak256Bytes } from "../../crypto/native";
import type { BlockRecord, ChainStore, ServedBlock } from "../store/chain-store";

/** A Cancun header's fields in their RLP order (the Yellow Paper's, plus EIP-1559, EIP-4895, EIP-4844, EIP-4788). */
const FIELDS = [
  "parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit",
  "gasUsed", "timestamp", "extraData", "mixHash", "nonce", "baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot",
] as const;
const QUANTITIES = new Set<string>(["difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas", "blobGasUsed", "excessBlobGas"]);

/** keccak256 of the header's RLP encoding: the block hash, computed by the node from the header's fields. */
export function headerHash(header: ServedBlock): string {
  const items = FIELDS.map((field) => {
    const value = header[field];
    if (typeof value !== "string" || !/^0x[0-9a-fA-F]*$/.test(value)) throw new Error(`header field ${field} is not hex: ${String(value)}`);
    if (!QUANTITIES.has(field)) return Buffer.from(value.slice(2), "hex");
    const digits = BigInt(value).toString(16);
    return BigInt(value) === 0n ? new Uint8Array(0) : Buffer.from(digits.length % 2 === 0 ? digits : `0${digits}`, "hex");
  });
  return `0x${keccak256Bytes(encodeRlp(items)).toString("hex")}`;
}

/**
 * The block the engine mined, placed on the node's chain after `parent`: the engine's own view of the chain
 * is the chain's while it has executed every block itself, and nothing changes. An engine started from a state
 * snapshot of block S (snapshot/restore-snapshot.ts) holds blocks 1..S as empty placeholders: its next block
 * names a placeholder as its parent, and its generated parent beacon block root continues the engine's own
 * sequence, not the chain's. Both are set to the chain's (the parent's hash; keccak256 of the parent's beacon
 * root, which is how EDR draws each one from the one before, so a full replay from genesis gives the very same
 * header), and the hash, and the block hash in every receipt and log, are computed again. Everything the EVM
 * computed (state root, receipts, logs, gas) is untouched: neither field is visible to a contract here (EDR makes
 * no EIP-4788 system call, and the engine's PREVRANDAO is set to the chain's at restore). `headers` gives the
 * parent's header: the store's, or that of a block of the same seal, not journaled yet (chain/block-sealer.ts).
 */
export async function placeOnChain(headers: Pick<ChainStore, "header">, record: BlockRecord, parent: { number: number; hash: string }): Promise<BlockRecord> {
  if (record.header.parentHash === parent.hash) return record;
  const parentHeader = await headers.header(parent.number);
  if (parentHeader === undefined) throw new Error(`block ${parent.number} has no stored header`);
  const placed = { ...record.header, parentHash: parent.hash, parentBeaconBlockRoot: keccak(parentHeader.parentBeaconBlockRoot as string) };
  const hash = headerHash(placed);
  const header = { ...placed, hash };
  const receipts = record.receipts.map((receipt) => ({ ...receipt, blockHash: hash, logs: receipt.logs.map((log) => ({ ...log, blockHash: hash })) }));
  return { header, receipts };
}

/** keccak256 of a 32-byte hex value, as hex. */
export function keccak(value: string): string {
  return `0x${keccak256Bytes(Buffer.from(value.slice(2), "hex")).toString("hex")}`;
}
