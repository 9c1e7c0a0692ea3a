import { sql } from "kysely";

import type { Db } from "./database";
import { deleteSetting, getSetting, putSettingIfAbsent } from "./settings";

/**
 * Secondary indexes set aside while tables are filled in bulk, and built again once at the end: PostgreSQL
 * builds an index from sorted rows many times faster than it maintains it row by row (the invoices' eight
 * indexes took more of a rebuild's time than the rows themselves). Only indexes that back no constraint are
 * set aside: primary keys and unique constraints keep guarding the rows, and the writes that look rows up by
 * them stay fast.
 *
 * The definitions are kept in `settings` (the catalog's own text, `pg_get_indexdef`) before any is dropped, in
 * the same transaction: a process killed half-way leaves them recorded, and the next `deferIndexes` or
 * `restoreIndexes` finds them there. So the set of indexes is always the one the migrations made, whatever
 * happened meanwhile.
 */
const SETTING = "index.deferred-indexes";

interface IndexDefinition {
  name: string;
  definition: string;
}

/** Drops the secondary indexes of `tables` (remembering them); those of an interrupted deferral stay remembered. */
export async function deferIndexes(db: Db, tables: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<IndexDefinition>`
      select c.relname as name, pg_get_indexdef(c.oid) as definition
      from pg_index x
      join pg_class c on c.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      where t.relnamespace = current_schema()::regnamespace
        and t.relname = any(${[...tables]}::text[])
        and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)
      order by c.relname`.execute(trx);
    const remembered = (await getSetting<IndexDefinition[]>(trx, SETTING)) ?? [];
    const known = new Set(remembered.map((index) => index.name));
    const all = [...remembered, ...rows.filter((index) => !known.has(index.name))];
    await deleteSetting(trx, SETTING);
    await putSettingIfAbsent(trx, SETTING, all);
    for (const { name } of rows) await sql`DROP INDEX ${sql.id(name)}`.execute(trx);
  });
}

/** Builds every index `deferIndexes` set aside (those that exist already are left as they are). */
export async function restoreIndexes(db: Db): Promise<string[]> {
  const deferred = (await getSetting<IndexDefinition[]>(db, SETTING)) ?? [];
  for (const { name, definition } of deferred) {
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ present: boolean }>`select to_regclass(${name}) is not null as present`.execute(trx);
      if (rows[0]!.present) return;
      // Sorted in memory rather than in temporary files (PostgreSQL's default allows 64 MB; a million invoices' keys take more).
      await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(trx);
      await sql.raw(definition).execute(trx);
    });
  }
  await deleteSetting(db, SETTING);
  return deferred.map((index) => index.name);
}
