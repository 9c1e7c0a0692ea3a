import { sql } from "kysely";

import type { Db } from "./database";
import { deleteSetting, getSetting, putSetting } from "./settings";

/**
 * Indexes set aside while tables are filled in bulk, and built again once at the end: PostgreSQL builds an
 * index from sorted rows many times faster than it maintains it row by row (the invoices' eight indexes took
 * more of a rebuild's time than the rows themselves, and an index whose keys arrive in random order, as
 * invoice ids do, costs most). Secondary indexes of `indexesOf`; primary keys and unique constraints only of
 * `constraintsOf`, tables that the bulk writes neither look rows up in nor rely on to refuse a duplicate.
 *
 * The definitions are kept in `settings` (the catalog's own text, `pg_get_indexdef`, `pg_get_constraintdef`)
 * before any is dropped, in the same transaction: a process killed half-way leaves them recorded, and the next
 * `deferIndexes` or `restoreIndexes` finds them there. So the set of indexes is always the one the migrations
 * made, whatever happened meanwhile.
 */
const SETTING = "index.deferred-indexes";

interface Deferred {
  /** The index's name (a constraint's index has the constraint's name). */
  name: string;
  /** The statement that drops it. */
  drop: string;
  /** The statement that makes it again. */
  definition: string;
}

/** Drops the indexes (remembering them); those of an interrupted deferral stay remembered. */
export async function deferIndexes(db: Db, tables: { indexesOf: readonly string[]; constraintsOf?: readonly string[] }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { rows: indexes } = await sql<Deferred>`
      select c.relname as name, format('DROP INDEX %I', c.relname) as drop, pg_get_indexdef(c.oid) as definition
      from pg_index x
      join pg_class c on c.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      where t.relnamespace = current_schema()::regnamespace
        and t.relname = any(${[...tables.indexesOf]}::text[])
        and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)
      order by c.relname`.execute(trx);
    const { rows: constraints } = await sql<Deferred>`
      select k.conname as name,
        format('ALTER TABLE %I DROP CONSTRAINT %I', t.relname, k.conname) as drop,
        format('ALTER TABLE %I ADD CONSTRAINT %I %s', t.relname, k.conname, pg_get_constraintdef(k.oid)) as definition
      from pg_constraint k
      join pg_class t on t.oid = k.conrelid
      where t.relnamespace = current_schema()::regnamespace
        and t.relname = any(${[...(tables.constraintsOf ?? [])]}::text[])
        and k.contype in ('p', 'u')
      order by k.conname`.execute(trx);
    const found = [...indexes, ...constraints];
    const remembered = (await getSetting<Deferred[]>(trx, SETTING)) ?? [];
    const known = new Set(remembered.map((index) => index.name));
    await putSetting(trx, SETTING, [...remembered, ...found.filter((index) => !known.has(index.name))]);
    for (const { drop } of found) await sql.raw(drop).execute(trx);
  });
}

/** Builds every index `deferIndexes` set aside (those that exist already are left as they are). */
export async function restoreIndexes(db: Db): Promise<string[]> {
  const deferred = (await getSetting<Deferred[]>(db, SETTING)) ?? [];
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
