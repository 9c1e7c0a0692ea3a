import { AbiCoder, keccak256, recoverAddress } from "ethers";

/**
 * What the ledger node's authority signs for every block it seals (ledger-node/chain/block-seal.ts, served by
 * `ledger_getBlockSeal`): keccak256 of abi.encode("e-invoice-ledger/block", chainId, number, hash, parentHash).
 * The node signs with it (ledger-node/chain/block-seal.ts) and verifiers check with it: one definition.
 */
export function blockSealDigest(chainId: bigint, number: bigint, hash: string, parentHash: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["string", "uint256", "uint256", "bytes32", "bytes32"], ["e-invoice-ledger/block", chainId, number, hash, parentHash]),
  );
}

/** The address whose key made `signature` over the block's seal digest, or undefined for a signature that recovers nothing. */
export function blockSealSigner(signature: string, chainId: bigint, number: bigint, hash: string, parentHash: string): string | undefined {
  try {
    return recoverAddress(blockSealDigest(chainId, number, hash, parentHash), signature);
  } catch {
    return undefined;
  }
}
