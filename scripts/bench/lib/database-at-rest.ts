import { Client } from "pg";

import { embeddedUrl } from "../../../api/db/embedded-server";

/**
 * The tables autovacuum still has work on: more rows inserted, dead or changed since its last pass than its
 * thresholds (PostgreSQL's own settings and formulas: a threshold plus a scale factor times the table's rows).
 */
const PENDING = `
  SELECT count(*)::int AS pending FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.n_ins_since_vacuum > current_setting('autovacuum_vacuum_insert_threshold')::float8 + current_setting('autovacuum_vacuum_insert_scale_factor')::float8 * greatest(c.reltuples, 0)
     OR s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8 + current_setting('autovacuum_vacuum_scale_factor')::float8 * greatest(c.reltuples, 0)
     OR s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8 + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)`;

/**
 * Waits until the embedded PostgreSQL in `databaseDir` is at rest: autovacuum has nothing left to do (after a bulk
 * load it comes round within its naptime to vacuum and analyse the tables, and a latency sample taken meanwhile
 * measures that vacuum), no autovacuum worker runs, and a checkpoint has written the dirty pages out. Gives up on
 * autovacuum after `maxMs`; resolves with the seconds it waited.
 */
export async function waitForDatabaseAtRest(databaseDir: string, options: { maxMs?: number } = {}): Promise<number> {
  const maxMs = options.maxMs ?? 600_000;
  const client = new Client({ connectionString: embeddedUrl(databaseDir) });
  await client.connect();
  const started = performance.now();
  try {
    while (performance.now() - started < maxMs) {
      const [{ rows: tables }, { rows: workers }] = await Promise.all([
        client.query<{ pending: number }>(PENDING),
        client.query<{ busy: number }>("SELECT count(*)::int AS busy FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"),
      ]);
      if (tables[0]!.pending === 0 && workers[0]!.busy === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // What the rebuild and the vacuum dirtied is written out now rather than by the next timed checkpoint, which
    // would spread its writes over the samples.
    await client.query("CHECKPOINT");
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}
