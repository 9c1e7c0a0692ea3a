import type { Kysely } from "kysely";

import type { Schema } from "./schema";

/**
 * Small named records, one JSON value per name: the keystore's key-check value, the event index's cursor and
 * layout. Every function takes the database or a transaction (`db.transaction().execute(trx => ...)`), so a
 * setting can be written together with what it describes.
 */
function encoded(name: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`settings: the value of ${name} is not JSON`);
  return json;
}

export async function getSetting<T>(db: Kysely<Schema>, name: string): Promise<T | undefined> {
  const row = await db.selectFrom("settings").select("value").where("name", "=", name).executeTakeFirst();
  return row === undefined ? undefined : (row.value as T);
}

/** Writes `value` under `name`, replacing what was there. */
export async function putSetting(db: Kysely<Schema>, name: string, value: unknown): Promise<void> {
  await db
    .insertInto("settings")
    .values({ name, value: encoded(name, value) })
    .onConflict((conflict) => conflict.column("name").doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
    .execute();
}

/** Writes `value` under `name` only if the name has none yet; whether it did (the primary key decides a race). */
export async function putSettingIfAbsent(db: Kysely<Schema>, name: string, value: unknown): Promise<boolean> {
  const written = await db
    .insertInto("settings")
    .values({ name, value: encoded(name, value) })
    .onConflict((conflict) => conflict.column("name").doNothing())
    .returning("name")
    .executeTakeFirst();
  return written !== undefined;
}

export async function deleteSetting(db: Kysely<Schema>, name: string): Promise<void> {
  await db.deleteFrom("settings").where("name", "=", name).execute();
}
