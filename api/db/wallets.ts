import type { Kysely, Selectable } from "kysely";

import type { SealedSecret } from "../chain/keystore";
import type { Schema, WalletsTable } from "./schema";

/** The parties' chain keys, each sealed under the keystore's master key (chain/keystore.ts); accounts lowercase. */
export type WalletRow = Omit<Selectable<WalletsTable>, "sealed"> & { sealed: SealedSecret };

const lower = (account: string) => account.toLowerCase();

/** Stores `account`'s sealed key, replacing one stored before (an imported key sealed again). */
export async function putWallet(db: Kysely<Schema>, account: string, sealed: SealedSecret): Promise<void> {
  await db
    .insertInto("wallets")
    .values({ account: lower(account), sealed: JSON.stringify(sealed) })
    .onConflict((conflict) => conflict.column("account").doUpdateSet((eb) => ({ sealed: eb.ref("excluded.sealed") })))
    .execute();
}

export async function findWallet(db: Kysely<Schema>, account: string): Promise<WalletRow | undefined> {
  const row = await db.selectFrom("wallets").selectAll().where("account", "=", lower(account)).executeTakeFirst();
  return row === undefined ? undefined : { account: row.account, sealed: row.sealed as SealedSecret };
}

/** One stored key (the lowest account), to check a master key against when no key-check value is stored. */
export async function anyWallet(db: Kysely<Schema>): Promise<WalletRow | undefined> {
  const row = await db.selectFrom("wallets").selectAll().orderBy("account").limit(1).executeTakeFirst();
  return row === undefined ? undefined : { account: row.account, sealed: row.sealed as SealedSecret };
}
