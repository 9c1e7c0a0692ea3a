import { verifyMerkleProof } from "@ethereumjs/mpt";
import { decodeRlp, getBytes, hexlify, toBeHex } from "ethers";

/** The root of an empty trie: keccak256(rlp("")). An account without storage has it as its storage root. */
export const EMPTY_TRIE_ROOT = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";

/** An account as the state trie holds it (the RLP list [nonce, balance, storageRoot, codeHash]). */
export interface ProvenAccount {
  nonce: bigint;
  balance: bigint;
  storageRoot: string;
  codeHash: string;
}

/**
 * The value an EIP-1186 proof proves for `key` in the secure trie (keys hashed with keccak256) whose root is
 * `root`: its bytes, null when the proof proves the key absent, undefined when the proof does not verify (a node
 * missing, changed, or not on the key's path from that root). Checked by @ethereumjs/mpt, which rebuilds the path
 * from the nodes by their hashes starting at the root.
 */
async function provenValue(root: string, key: string, proof: readonly string[]): Promise<Uint8Array | null | undefined> {
  // An empty proof is no proof of anything but an empty trie (the library would not check the root then).
  if (proof.length === 0) return root.toLowerCase() === EMPTY_TRIE_ROOT ? null : undefined;
  try {
    return await verifyMerkleProof(getBytes(key), proof.map((node) => getBytes(node)), { root: getBytes(root), useKeyHashing: true });
  } catch {
    return undefined;
  }
}

/** The account at `address` proven against a block's state root: null when proven absent, undefined when the proof fails. */
export async function provenAccount(stateRoot: string, address: string, proof: readonly string[]): Promise<ProvenAccount | null | undefined> {
  const value = await provenValue(stateRoot, address, proof);
  if (value === null || value === undefined) return value;
  try {
    const fields = decodeRlp(value);
    if (!Array.isArray(fields) || fields.length !== 4 || !fields.every((field) => typeof field === "string")) return undefined;
    const [nonce, balance, storageRoot, codeHash] = fields as string[];
    if (storageRoot!.length !== 66 || codeHash!.length !== 66) return undefined;
    return { nonce: quantityOf(nonce!), balance: quantityOf(balance!), storageRoot: storageRoot!.toLowerCase(), codeHash: codeHash!.toLowerCase() };
  } catch {
    return undefined;
  }
}

/** The value of storage `slot` (32-byte hex) proven against an account's storage root: 0 when proven absent, undefined when the proof fails. */
export async function provenSlot(storageRoot: string, slot: string, proof: readonly string[]): Promise<bigint | undefined> {
  const value = await provenValue(storageRoot, toBeHex(BigInt(slot), 32), proof);
  if (value === null) return 0n;
  if (value === undefined) return undefined;
  try {
    // A storage leaf holds the RLP string of the value's minimal big-endian bytes.
    const decoded = decodeRlp(value);
    return typeof decoded === "string" ? quantityOf(decoded) : undefined;
  } catch {
    return undefined;
  }
}

function quantityOf(bytes: string): bigint {
  return bytes === "0x" ? 0n : BigInt(hexlify(bytes));
}
