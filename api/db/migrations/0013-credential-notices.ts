import { sql, type Kysely } from "kysely";

/**
 * Tells every API instance that what authenticates a request changed, so that each drops the key holders it
 * remembers (api/db/key-holder-cache.ts): a statement that changes `api_keys`, `participants` or
 * `participant_status` notifies the channel `credentials_changed` when its transaction commits. The trigger is on
 * the tables, so every path that writes them (the API, a reindex, an import, an operator's own SQL) is covered,
 * not only the paths that remember to say so. Statement-level: one notice per statement however many rows, and
 * PostgreSQL folds identical notices of one transaction into one.
 */
const TABLES = ["api_keys", "participants", "participant_status"] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function notify_credentials_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('credentials_changed', '');
      return null;
    end
  $$`.execute(db);
  for (const table of TABLES) {
    await sql`create trigger ${sql.id(`${table}_credentials_changed`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function notify_credentials_changed()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await sql`drop trigger ${sql.id(`${table}_credentials_changed`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function notify_credentials_changed()`.execute(db);
}
