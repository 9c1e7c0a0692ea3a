import type { Insertable, Kysely, Selectable } from "kysely";

import type { ConsoleSessionsTable, Schema } from "./schema";

/**
 * Console sessions (migrations/0009-sessions.ts): the only module that touches `console_sessions`. A session is
 * found by the hash of its token, never by the token, which is not stored.
 */
export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>;
export type NewConsoleSession = Insertable<ConsoleSessionsTable>;

export async function insertSession(db: Kysely<Schema>, session: NewConsoleSession): Promise<void> {
  await db.insertInto("console_sessions").values(session).execute();
}

/** The session whose token hashes to `idHash`, with the hash of the API key it was opened with. */
export async function findSession(db: Kysely<Schema>, idHash: string): Promise<ConsoleSessionRow | undefined> {
  return db.selectFrom("console_sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
}

/** Marks the session as seen at `at` (the idle timeout counts from the last mark; a later mark is kept). */
export async function touchSession(db: Kysely<Schema>, idHash: string, at: Date): Promise<void> {
  await db.updateTable("console_sessions").set({ last_seen_at: at }).where("id_hash", "=", idHash).where("last_seen_at", "<", at).execute();
}

/** Ends one session; false when there was none (ended already). */
export async function deleteSession(db: Kysely<Schema>, idHash: string): Promise<boolean> {
  const result = await db.deleteFrom("console_sessions").where("id_hash", "=", idHash).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Removes the sessions past their absolute end; how many. */
export async function deleteExpiredSessions(db: Kysely<Schema>, now: Date): Promise<number> {
  const result = await db.deleteFrom("console_sessions").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
