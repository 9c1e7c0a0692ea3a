import { SigningKey, Wallet } from "ethers";

/**
 * A Besu node's secp256k1 key: the private key Besu reads from `--node-private-key-file` (hex, 0x-prefixed), the
 * node id its enode URL carries (the uncompressed public key without its 0x04 prefix, 64 bytes in hex) and, for
 * a validator, the address QBFT lists in the genesis extraData and that seals blocks (the last 20 bytes of the
 * public key's keccak-256, as for any Ethereum account).
 */
export interface NodeKey {
  privateKey: string;
  nodeId: string;
  address: string;
}

export function newNodeKey(): NodeKey {
  return nodeKeyOf(Wallet.createRandom().privateKey);
}

export function nodeKeyOf(privateKey: string): NodeKey {
  const key = new SigningKey(privateKey);
  return { privateKey: key.privateKey, nodeId: key.publicKey.slice(4), address: new Wallet(key).address };
}

/** The enode URL other nodes dial and the allowlist names: `enode://<node id>@<ip>:<port>`. */
export function enodeUrl(key: Pick<NodeKey, "nodeId">, ip: string, port: number): string {
  return `enode://${key.nodeId}@${ip}:${port}`;
}
