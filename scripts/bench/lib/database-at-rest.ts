import { Client } from "pg";

import { embeddedUrl } from "../../../api/db/embedded-server";

/**
 * Waits until the embedded PostgreSQL in `databaseDir` is at rest: no autovacuum worker has run for `quietMs`
 * (after a bulk load, autovacuum comes round to set the tables' visibility maps, and a latency sample taken
 * meanwhile measures that vacuum). Gives up after `maxMs`; resolves with the seconds it waited.
 */
export async function waitForDatabaseAtRest(databaseDir: string, options: { quietMs?: number; maxMs?: number } = {}): Promise<number> {
  const quietMs = options.quietMs ?? 5_000;
  const maxMs = options.maxMs ?? 600_000;
  const client = new Client({ connectionString: embeddedUrl(databaseDir) });
  await client.connect();
  const started = performance.now();
  try {
    let quietSince = performance.now();
    while (performance.now() - quietSince < quietMs && performance.now() - started < maxMs) {
      const { rows } = await client.query<{ busy: number }>("SELECT count(*)::int AS busy FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
      if (rows[0]!.busy > 0) quietSince = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}
