import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { join } from "node:path";

import { Wallet } from "ethers";
import type { Kysely } from "kysely";

import { readOrCreateSecret } from "../../lib/secret-file";
import { keystoreKeyMismatch } from "../start-refusal";
import type { Schema } from "../db/schema";
import { getSetting, putSettingIfAbsent } from "../db/settings";
import { anyWallet, findWallet, putWallet } from "../db/wallets";

/**
 * Hosted chain keys of the parties that let the API sign for them. Each private key is stored encrypted
 * (AES-256-GCM, a fresh IV per key, the account address as associated data so a record cannot be moved to
 * another account) under a key derived once (scrypt) from the master secret. The master secret comes from
 * the environment or from `<dataDir>/master.key`, generated with mode 0600 (written durably) at the first start.
 *
 * A key-check value (an HMAC of a fixed label under the derived key) is stored at the first start and checked
 * at every start: a wrong master key refuses to start (KEYSTORE_KEY_MISMATCH) before anything is written, so
 * no party is registered with a key sealed under the wrong secret. A database holding sealed keys but no
 * key-check value is checked by opening one of its sealed keys instead. The value is written only where none
 * is (the primary key decides between API instances starting together), then read back and compared.
 */
export interface SealedSecret {
  iv: string;
  tag: string;
  data: string;
}

const CHECK_LABEL = "e-invoice-ledger keystore key check v1";
/** The `settings` row that holds the key-check value (hex). */
const CHECK_SETTING = "keystore-check";

export class Keystore {
  private readonly cache = new Map<string, Wallet>();

  private constructor(
    private readonly db: Kysely<Schema>,
    private readonly key: Buffer,
  ) {}

  static async open(db: Kysely<Schema>, dataDir: string, masterSecret: string | undefined): Promise<Keystore> {
    const secret = masterSecret ?? (await readOrCreateSecret(join(dataDir, "master.key"), () => randomBytes(32).toString("hex")));
    const key = scryptSync(secret, "e-invoice-ledger keystore v1", 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const keystore = new Keystore(db, key);
    await keystore.verifyKey(masterSecret === undefined ? "master.key" : "API_MASTER_KEY");
    return keystore;
  }

  private async verifyKey(source: string): Promise<void> {
    const check = createHmac("sha256", this.key).update(CHECK_LABEL).digest();
    const matches = (stored: string) => {
      const expected = Buffer.from(stored, "hex");
      return expected.length === check.length && timingSafeEqual(expected, check);
    };
    const stored = await getSetting<string>(this.db, CHECK_SETTING);
    if (stored !== undefined) {
      if (!matches(stored)) throw keystoreKeyMismatch({ source });
      return;
    }
    const first = await anyWallet(this.db);
    if (first !== undefined) {
      try {
        this.openSecret(first.sealed, Buffer.from(first.account));
      } catch {
        throw keystoreKeyMismatch({ source, account: first.account });
      }
    }
    if (await putSettingIfAbsent(this.db, CHECK_SETTING, check.toString("hex"))) return;
    // Another instance wrote its value first: this one starts only with the same key.
    const written = await getSetting<string>(this.db, CHECK_SETTING);
    if (written === undefined || !matches(written)) throw keystoreKeyMismatch({ source });
  }

  /** Seals a secret under the keystore key; `context` (associated data) binds it to where it is stored. */
  sealSecret(plaintext: Buffer, context: Buffer): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(context);
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
  }

  /** Opens a sealed secret; throws when the key, the context or the bytes are not the ones it was sealed with. */
  openSecret(sealed: SealedSecret, context: Buffer): Buffer {
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(context);
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]);
  }

  /**
   * A key for another use (e.g. tagging search cursors), derived from the keystore key with HMAC-SHA256 under a
   * label of that use: the same for every API instance with the same master key, and never the key itself.
   */
  deriveKey(label: string): Buffer {
    return createHmac("sha256", this.key).update(`e-invoice-ledger derived key v1: ${label}`).digest();
  }

  /** Creates a new account for a party and stores its key; the write is committed before this returns. */
  async create(): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey);
    await this.import(wallet.privateKey);
    return wallet;
  }

  async import(privateKey: string): Promise<Wallet> {
    const wallet = new Wallet(privateKey);
    const sealed = this.sealSecret(Buffer.from(wallet.privateKey.slice(2), "hex"), Buffer.from(wallet.address.toLowerCase()));
    await putWallet(this.db, wallet.address, sealed);
    this.cache.set(wallet.address.toLowerCase(), wallet);
    return wallet;
  }

  /** The party's key, or undefined when the API does not hold it. */
  async wallet(account: string): Promise<Wallet | undefined> {
    const cached = this.cache.get(account.toLowerCase());
    if (cached) return cached;
    const row = await findWallet(this.db, account);
    if (row === undefined) return undefined;
    const privateKey = this.openSecret(row.sealed, Buffer.from(account.toLowerCase()));
    const wallet = new Wallet(`0x${privateKey.toString("hex")}`);
    this.cache.set(account.toLowerCase(), wallet);
    return wallet;
  }
}
