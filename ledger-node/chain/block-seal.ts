import type { SigningKey } from "ethers";

import { signDigest } from "../../crypto/native";
import { blockSealDigest, blockSealSigner } from "../../lib/proof/block-seal";

/**
 * A block's seal: the authority's signature over (chain id, number, hash, parent hash). The EVM block
 * hashes already link the chain; the seal says that the bureau's node produced it, lets a start-up check
 * catch a store that was rebuilt or edited by anyone without the authority key, and lets anyone holding an
 * offline proof (lib/proof) check the block it proves against with the authority's address alone. The digest is
 * defined once, in lib/proof/block-seal.ts, which verifiers share.
 */
export function sealDigest(chainId: number, number: number, hash: string, parentHash: string): string {
  return blockSealDigest(BigInt(chainId), BigInt(number), hash, parentHash);
}

/** The seal, signed with native secp256k1 (crypto/native.ts): the same bytes as ethers' `key.sign(digest).serialized`. */
export function sealBlock(key: SigningKey, chainId: number, number: number, hash: string, parentHash: string): string {
  return signDigest(key.privateKey, sealDigest(chainId, number, hash, parentHash));
}

export function sealSigner(seal: string, chainId: number, number: number, hash: string, parentHash: string): string | undefined {
  return blockSealSigner(seal, BigInt(chainId), BigInt(number), hash, parentHash);
}
