import { hexlify, keccak256, recoverAddress, toUtf8Bytes } from "ethers";

const TAG = "e-invoice-ledger/block";
const MAX_UINT256 = (1n << 256n) - 1n;
const WORD = /^0x[0-9a-fA-F]{64}$/;

const uint256Word = (value: bigint): string => {
  if (value < 0n || value > MAX_UINT256) throw new RangeError(`not a uint256: ${value}`);
  return value.toString(16).padStart(64, "0");
};
const bytes32Word = (value: string): string => {
  if (!WORD.test(value)) throw new TypeError(`not 32 bytes of hex: ${value.slice(0, 80)}`);
  return value.slice(2).toLowerCase();
};

/**
 * abi.encode's layout of the tag, a dynamic `string` in the first position: its offset in the head (five words,
 * 0xa0), and in the tail its length and its bytes padded to a word.
 */
const TAG_OFFSET = uint256Word(0xa0n);
const TAG_BYTES = toUtf8Bytes(TAG);
const TAG_TAIL = `${uint256Word(BigInt(TAG_BYTES.length))}${hexlify(TAG_BYTES).slice(2).padEnd(64, "0")}`;

/**
 * What the ledger node's authority signs for every block it seals (ledger-node/chain/block-seal.ts, served by
 * `ledger_getBlockSeal`): keccak256 of abi.encode("e-invoice-ledger/block", chainId, number, hash, parentHash).
 * The node signs with it (ledger-node/chain/block-seal.ts) and verifiers check with it: one definition.
 * Laid out by hand, word by word, with the ABI coder's refusals (a value that is no uint256, a hash that is not 32
 * bytes): the coder took ~0.19 ms, and the node computes this for every block it seals or replays. A test holds it
 * to the coder's encoding.
 */
export function blockSealDigest(chainId: bigint, number: bigint, hash: string, parentHash: string): string {
  return keccak256(`0x${TAG_OFFSET}${uint256Word(chainId)}${uint256Word(number)}${bytes32Word(hash)}${bytes32Word(parentHash)}${TAG_TAIL}`);
}

/** The address whose key made `signature` over the block's seal digest, or undefined for a signature that recovers nothing. */
export function blockSealSigner(signature: string, chainId: bigint, number: bigint, hash: string, parentHash: string): string | undefined {
  try {
    return recoverAddress(blockSealDigest(chainId, number, hash, parentHash), signature);
  } catch {
    return undefined;
  }
}
