import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { Wallet } from "ethers";

import type { ApiStore } from "../store/api-store";
import { keys } from "../store/keys";

/**
 * Hosted chain keys of the parties that let the API sign for them. Each private key is stored encrypted
 * (AES-256-GCM, a fresh IV per key, the account address as associated data so a record cannot be moved to
 * another account) under a key derived once (scrypt) from the master secret. The master secret comes from
 * the environment or from `<dataDir>/master.key`, generated with mode 0600 at the first start.
 */
interface SealedKey {
  iv: string;
  tag: string;
  data: string;
}

export class Keystore {
  private readonly cache = new Map<string, Wallet>();

  private constructor(
    private readonly store: ApiStore,
    private readonly key: Buffer,
  ) {}

  static async open(store: ApiStore, dataDir: string, masterSecret: string | undefined): Promise<Keystore> {
    const secret = masterSecret ?? (await loadOrCreateMasterFile(join(dataDir, "master.key")));
    const key = scryptSync(secret, "e-invoice-ledger keystore v1", 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    return new Keystore(store, key);
  }

  /** Creates a new account for a party and stores its key; the store write is synced before this returns. */
  async create(): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey);
    await this.import(wallet.privateKey);
    return wallet;
  }

  async import(privateKey: string): Promise<Wallet> {
    const wallet = new Wallet(privateKey);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(wallet.address.toLowerCase()));
    const data = Buffer.concat([cipher.update(Buffer.from(wallet.privateKey.slice(2), "hex")), cipher.final()]);
    const sealed: SealedKey = { iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
    await this.store.put(keys.wallet(wallet.address), sealed);
    this.cache.set(wallet.address.toLowerCase(), wallet);
    return wallet;
  }

  /** The party's key, or undefined when the API does not hold it. */
  async wallet(account: string): Promise<Wallet | undefined> {
    const cached = this.cache.get(account.toLowerCase());
    if (cached) return cached;
    const sealed = await this.store.get<SealedKey>(keys.wallet(account));
    if (sealed === undefined) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(Buffer.from(account.toLowerCase()));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    const privateKey = Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]);
    const wallet = new Wallet(`0x${privateKey.toString("hex")}`);
    this.cache.set(account.toLowerCase(), wallet);
    return wallet;
  }
}

async function loadOrCreateMasterFile(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(32).toString("hex");
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  await chmod(file, 0o600);
  return secret;
}
