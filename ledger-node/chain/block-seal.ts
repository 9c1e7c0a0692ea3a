import { AbiCoder, keccak256, recoverAddress, type SigningKey } from "ethers";

/**
 * A block's seal: the authority's signature over (chain id, number, hash, parent hash). The EVM block
 * hashes already link the chain; the seal says that the bureau's node produced it, and lets a start-up
 * check catch a store that was rebuilt or edited by anyone without the authority key.
 */
export function sealDigest(chainId: number, number: number, hash: string, parentHash: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["string", "uint256", "uint256", "bytes32", "bytes32"], ["e-invoice-ledger/block", chainId, number, hash, parentHash]),
  );
}

export function sealBlock(key: SigningKey, chainId: number, number: number, hash: string, parentHash: string): string {
  return key.sign(sealDigest(chainId, number, hash, parentHash)).serialized;
}

export function sealSigner(seal: string, chainId: number, number: number, hash: string, parentHash: string): string | undefined {
  try {
    return recoverAddress(sealDigest(chainId, number, hash, parentHash), seal);
  } catch {
    return undefined;
  }
}
