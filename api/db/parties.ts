import type { Insertable, Kysely, Selectable } from "kysely";

import type { ParticipantsTable, Schema } from "./schema";
import { anyOf } from "./bulk";
import { isUniqueViolation } from "./unique-violation";

/**
 * Participants' off-chain profiles and the taxpayer ID -> account map. Accounts are stored lowercase. An
 * organisation's taxpayer ID names one account at a time: taken by an insert (the primary key refuses a
 * second), handed to a successor by a compare-and-set on the revoked account it named.
 */
export type ParticipantRow = Selectable<ParticipantsTable>;
/** A profile with the registry status the event index holds for it (null: not indexed yet). */
export type ParticipantWithStatusRow = ParticipantRow & { status: string | null };
export type NewParticipant = Insertable<ParticipantsTable>;

/** How a taxpayer ID goes to a new account: a free one is taken; a revoked account's one is handed over. */
export type TaxpayerClaim = { taxpayerId: string; from?: string | undefined };

export type SaveOutcome = "saved" | "account-taken" | "taxpayer-id-taken";

const lower = (account: string) => account.toLowerCase();

/** Every participant column, for queries that join other tables. */
export const PARTICIPANT_COLUMNS = [
  "participants.account",
  "participants.role",
  "participants.name",
  "participants.taxpayer_id",
  "participants.employer",
  "participants.employee_number",
  "participants.registered_by",
  "participants.predecessor",
  "participants.created_at",
] as const;

function withStatus(db: Kysely<Schema>) {
  return db
    .selectFrom("participants")
    .leftJoin("participant_status", "participant_status.account", "participants.account")
    .select([...PARTICIPANT_COLUMNS, "participant_status.status"]);
}

export async function findParticipant(db: Kysely<Schema>, account: string): Promise<ParticipantWithStatusRow | undefined> {
  return withStatus(db).where("participants.account", "=", lower(account)).executeTakeFirst();
}

/** The profiles of these accounts that exist, in no particular order. */
export async function findParticipants(db: Kysely<Schema>, accounts: readonly string[]): Promise<ParticipantRow[]> {
  if (accounts.length === 0) return [];
  return db.selectFrom("participants").select(PARTICIPANT_COLUMNS).where("participants.account", "=", anyOf(accounts.map(lower))).execute();
}

/** Every account registered under a taxpayer ID (an organisation revoked and registered again has several), lowercase. */
export async function accountsOfTaxpayerId(db: Kysely<Schema>, taxpayerId: string): Promise<string[]> {
  const rows = await db.selectFrom("participants").select("account").where("taxpayer_id", "=", taxpayerId).orderBy("account").execute();
  return rows.map((row) => row.account);
}

/** `text` with LIKE's wildcards (and its escape character) taken literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Participants in account order, strictly after `after`; `employer` keeps only that enterprise's employees,
 * `role` one role, `status` one registry status as the event index has it (a registration not indexed yet has
 * none, and is found only without `status`). `q` keeps those whose name contains it (case-insensitive), or whose
 * taxpayer ID or account starts with it (accounts are stored lowercase, taxpayer IDs in capitals). Each narrows.
 */
export async function listParticipants(
  db: Kysely<Schema>,
  options: { after?: string | undefined; employer?: string | undefined; role?: string | undefined; status?: string | undefined; q?: string | undefined; limit: number },
): Promise<ParticipantWithStatusRow[]> {
  let query = withStatus(db);
  if (options.after !== undefined) query = query.where("participants.account", ">", lower(options.after));
  if (options.employer !== undefined) query = query.where("participants.employer", "=", lower(options.employer));
  if (options.role !== undefined) query = query.where("participants.role", "=", options.role);
  if (options.status !== undefined) query = query.where("participant_status.status", "=", options.status);
  const q = options.q;
  if (q !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb("participants.name", "ilike", `%${likeLiteral(q)}%`),
        eb("participants.taxpayer_id", "like", `${likeLiteral(q.toUpperCase())}%`),
        eb("participants.account", "like", `${likeLiteral(q.toLowerCase())}%`),
      ]),
    );
  }
  return query.orderBy("participants.account").limit(options.limit).execute();
}

/** The account a taxpayer ID names now. */
export async function taxpayerAccount(db: Kysely<Schema>, taxpayerId: string): Promise<string | undefined> {
  const row = await db.selectFrom("taxpayer_accounts").select("account").where("taxpayer_id", "=", taxpayerId).executeTakeFirst();
  return row?.account;
}

/**
 * Saves a new participant and, for an organisation, its taxpayer ID, in one transaction. Nothing is written
 * when the account has a profile already, or the taxpayer ID is taken (inserted by someone else, or no longer
 * naming the revoked account `claim.from`): the outcome says which. Opens its own transaction.
 */
export async function saveParticipant(db: Kysely<Schema>, participant: NewParticipant, claim?: TaxpayerClaim): Promise<SaveOutcome> {
  const row = lowered(participant);
  try {
    return await db.transaction().execute(async (trx) => {
      if (claim?.from !== undefined) {
        const handed = await trx
          .updateTable("taxpayer_accounts")
          .set({ account: row.account })
          .where("taxpayer_id", "=", claim.taxpayerId)
          .where("account", "=", lower(claim.from))
          .returning("account")
          .executeTakeFirst();
        if (handed === undefined) return "taxpayer-id-taken";
      } else if (claim !== undefined) {
        await trx.insertInto("taxpayer_accounts").values({ taxpayer_id: claim.taxpayerId, account: row.account }).execute();
      }
      await trx.insertInto("participants").values(row).execute();
      return "saved";
    });
  } catch (error) {
    if (isUniqueViolation(error, "taxpayer_accounts_pkey")) return "taxpayer-id-taken";
    if (isUniqueViolation(error, "participants_pkey")) return "account-taken";
    throw error;
  }
}

/**
 * Undoes `saveParticipant` (a registration the ledger refused), in one transaction: the profile goes, and the
 * taxpayer ID, if it still names this account, goes back to the revoked account it came from or is freed.
 * Opens its own transaction.
 */
export async function forgetParticipant(db: Kysely<Schema>, account: string, claim?: TaxpayerClaim): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("participants").where("account", "=", lower(account)).execute();
    if (claim === undefined) return;
    if (claim.from === undefined) {
      await trx.deleteFrom("taxpayer_accounts").where("taxpayer_id", "=", claim.taxpayerId).where("account", "=", lower(account)).execute();
    } else {
      await trx
        .updateTable("taxpayer_accounts")
        .set({ account: lower(claim.from) })
        .where("taxpayer_id", "=", claim.taxpayerId)
        .where("account", "=", lower(account))
        .execute();
    }
  });
}

function lowered(participant: NewParticipant): NewParticipant {
  const orNull = (account: string | null | undefined) => (account === null || account === undefined ? null : lower(account));
  return {
    ...participant,
    account: lower(participant.account),
    employer: orNull(participant.employer),
    registered_by: orNull(participant.registered_by),
    predecessor: orNull(participant.predecessor),
  };
}
