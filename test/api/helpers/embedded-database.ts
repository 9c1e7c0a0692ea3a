import { Client } from "pg";
import pino from "pino";

import { startEmbeddedServer } from "../../../api/db/embedded-server";

/**
 * Runs `work` with a client of the API's embedded database in `databaseDir` (started for it when no API runs
 * it, and stopped again afterwards; a server an API runs is left running).
 */
export async function withEmbeddedDatabase<T>(databaseDir: string, work: (client: Client) => Promise<T>): Promise<T> {
  const server = await startEmbeddedServer(databaseDir, pino({ level: "silent" }));
  const client = new Client({ connectionString: server.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
    if (server.started) await server.stop();
  }
}

/** The tables of the API's schema, by name. */
export async function publicTables(client: Client): Promise<string[]> {
  return (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows.map((r) => r.tablename);
}
