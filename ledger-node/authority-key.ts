import { existsSync } from "node:fs";
import { join } from "node:path";

import { SigningKey, Wallet, computeAddress, hexlify, randomBytes } from "ethers";

import { readOrCreateSecret } from "../lib/secret-file";
import { ConfigurationError } from "./errors";

/**
 * The bureau's authority key: it seals blocks and, at genesis, deploys the contracts and administers the
 * registry. Taken from the configuration (environment) when given; otherwise read from
 * `<dataDir>/authority.key`, which the first start generates (mode 0600, durably: the chain is sealed by it).
 */
export async function loadAuthorityKey(dataDir: string, configured: string | undefined, create: boolean): Promise<SigningKey> {
  if (configured !== undefined) return parseKey(configured, "LEDGER_AUTHORITY_KEY");
  const file = authorityKeyFile(dataDir);
  if (!create && !existsSync(file)) throw new ConfigurationError(`the chain exists but its authority key does not: set LEDGER_AUTHORITY_KEY or restore ${file}`);
  return parseKey(await readOrCreateSecret(file, () => hexlify(randomBytes(32))), file);
}

export function authorityKeyFile(dataDir: string): string {
  return join(dataDir, "authority.key");
}

export function authorityWallet(key: SigningKey): Wallet {
  return new Wallet(key);
}

function parseKey(value: string, source: string): SigningKey {
  try {
    const key = new SigningKey(value.startsWith("0x") ? value : `0x${value}`);
    computeAddress(key.publicKey);
    return key;
  } catch (error) {
    throw new ConfigurationError(`${source} does not hold a valid secp256k1 private key`, {}, { cause: error });
  }
}
