import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { SigningKey, Wallet, computeAddress, hexlify, randomBytes } from "ethers";

import { ConfigurationError } from "./errors";

/**
 * The bureau's authority key: it seals blocks and, at genesis, deploys the contracts and administers the
 * registry. Taken from the configuration (environment) when given; otherwise read from
 * `<dataDir>/authority.key`, which the first start generates with mode 0600.
 */
export async function loadAuthorityKey(dataDir: string, configured: string | undefined, create: boolean): Promise<SigningKey> {
  if (configured !== undefined) return parseKey(configured, "LEDGER_AUTHORITY_KEY");
  const file = authorityKeyFile(dataDir);
  if (existsSync(file)) return parseKey((await readFile(file, "utf8")).trim(), file);
  if (!create) throw new ConfigurationError(`the chain exists but its authority key does not: set LEDGER_AUTHORITY_KEY or restore ${file}`);
  const key = new SigningKey(hexlify(randomBytes(32)));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key.privateKey}\n`, { mode: 0o600, flag: "wx" });
  await chmod(file, 0o600);
  return key;
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
