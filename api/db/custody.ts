import type { Kysely, Selectable, Transaction } from "kysely";

import type { CustodyChangesTable, NewParticipantRow, Schema } from "./schema";
import { isUniqueViolation } from "./unique-violation";

/**
 * Who holds each party's chain key, the record of changes, and the signatures the API accepted once
 * (migrations/0007-custody.ts). Accounts lowercase. Every change is one transaction with its record, so the
 * record the bureau reads never misses a change nor shows one that did not happen.
 */
export type Custody = "hosted" | "self";
export type CustodyChangeRow = Selectable<CustodyChangesTable>;

const lower = (account: string) => account.toLowerCase();

/** A party's custody; no row is hosted (every party registered before custody existed). */
export async function custodyOf(db: Kysely<Schema>, account: string): Promise<Custody> {
  const row = await db.selectFrom("party_custody").select("custody").where("account", "=", lower(account)).executeTakeFirst();
  return row?.custody ?? "hosted";
}

/** Whether a signed message with this digest was accepted before. */
export async function signatureUsed(db: Kysely<Schema>, digest: string): Promise<boolean> {
  return (await db.selectFrom("used_signatures").select("digest").where("digest", "=", lower(digest)).executeTakeFirst()) !== undefined;
}

export type ChangeOutcome = "changed" | "unchanged" | "replayed";

/**
 * Sets `account`'s custody to `to` and records it, in one transaction, with the signature that asked for it
 * (`digest`) marked used. To `self`, the hosted key is deleted in the same transaction: after the commit no API
 * instance can sign for the party (parties.ts reads the custody before every use of a key that could be deleted).
 */
export async function changeCustody(db: Kysely<Schema>, input: { account: string; to: Custody; changedBy: string; digest?: string | undefined; purpose: string }): Promise<ChangeOutcome> {
  const account = lower(input.account);
  try {
    return await db.transaction().execute(async (trx) => {
      const from = (await trx.selectFrom("party_custody").select("custody").where("account", "=", account).forUpdate().executeTakeFirst())?.custody ?? "hosted";
      if (from === input.to) return "unchanged";
      if (input.digest !== undefined && !(await markUsed(trx, input.digest, input.purpose, account))) return "replayed";
      await trx
        .insertInto("party_custody")
        .values({ account, custody: input.to })
        .onConflict((conflict) => conflict.column("account").doUpdateSet({ custody: input.to }))
        .execute();
      if (input.to === "self") await trx.deleteFrom("wallets").where("account", "=", account).execute();
      await trx.insertInto("custody_changes").values({ account, from_custody: from, to_custody: input.to, changed_by: lower(input.changedBy) }).execute();
      return "changed";
    });
  } catch (error) {
    if (isUniqueViolation(error, "used_signatures_pkey")) return "replayed";
    throw error;
  }
}

export type SelfRegistrationOutcome = "saved" | "replayed" | "account-taken";

/**
 * Saves a self-registered individual in one transaction: its profile, custody `self` (no key is stored, none
 * ever was), the record (from nothing to self) and the registration's signature marked used. Nothing is written
 * when the signature was used before or the account has a profile: the outcome says which.
 */
export async function saveSelfRegistered(db: Kysely<Schema>, participant: NewParticipantRow, digest: string): Promise<SelfRegistrationOutcome> {
  const account = lower(participant.account);
  try {
    return await db.transaction().execute(async (trx) => {
      if (!(await markUsed(trx, digest, "self-registration", account))) return "replayed";
      await trx.insertInto("participants").values({ ...participant, account }).execute();
      await trx.insertInto("party_custody").values({ account, custody: "self" }).execute();
      await trx.insertInto("custody_changes").values({ account, from_custody: null, to_custody: "self", changed_by: account }).execute();
      return "saved";
    });
  } catch (error) {
    if (isUniqueViolation(error, "used_signatures_pkey")) return "replayed";
    if (isUniqueViolation(error, "participants_pkey")) return "account-taken";
    throw error;
  }
}

/** Undoes `saveSelfRegistered` of a registration the ledger refused: the same signature may then be sent again. */
export async function forgetSelfRegistered(db: Kysely<Schema>, account: string, digest: string): Promise<void> {
  const lowered = lower(account);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("custody_changes").where("account", "=", lowered).execute();
    await trx.deleteFrom("party_custody").where("account", "=", lowered).execute();
    await trx.deleteFrom("participants").where("account", "=", lowered).execute();
    await trx.deleteFrom("used_signatures").where("digest", "=", lower(digest)).execute();
  });
}

/** Custody changes in record order, strictly after `after`; `account` keeps only that party's. */
export async function listCustodyChanges(db: Kysely<Schema>, options: { account?: string | undefined; after?: bigint | undefined; limit: number }): Promise<CustodyChangeRow[]> {
  let query = db.selectFrom("custody_changes").selectAll();
  if (options.account !== undefined) query = query.where("account", "=", lower(options.account));
  if (options.after !== undefined) query = query.where("id", ">", options.after.toString());
  return query.orderBy("id").limit(options.limit).execute();
}

/**
 * The account that relays forwarded requests and registers self-registered individuals: the first bureau officer
 * (the one the API bootstrapped from the ledger's authority key, registered by nobody). Undefined before it exists.
 */
export async function relayerAccount(db: Kysely<Schema>): Promise<string | undefined> {
  const row = await db
    .selectFrom("participants")
    .select("account")
    .where("role", "=", "bureau")
    .where("registered_by", "is", null)
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
  return row?.account;
}

async function markUsed(trx: Transaction<Schema>, digest: string, purpose: string, account: string): Promise<boolean> {
  const inserted = await trx
    .insertInto("used_signatures")
    .values({ digest: lower(digest), purpose, account })
    .onConflict((conflict) => conflict.column("digest").doNothing())
    .returning("digest")
    .executeTakeFirst();
  return inserted !== undefined;
}
