import { Kysely, Migrator, PostgresDialect } from "kysely";
import { Client, Pool } from "pg";
import type { Logger } from "pino";

import { EMBEDDED_DATABASE, maintenanceUrl, startEmbeddedServer, type EmbeddedServer } from "./embedded-server";
import { migrations } from "./migrations";
import type { Schema } from "./schema";

export type Db = Kysely<Schema>;

export interface Database {
  db: Db;
  /** Where it is, without credentials (for logs and /health). */
  location: string;
  /** The embedded server this process runs, when no DATABASE_URL was given. */
  embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Any PostgreSQL 15+ server; when absent the embedded server in `embeddedDir` is used. */
  databaseUrl: string | undefined;
  embeddedDir: string;
  /** Connections this process keeps at most. */
  poolSize?: number;
}

/**
 * Opens the API's database: the given server, or the embedded one (started, or adopted when a killed process
 * left it running), creates the database on the embedded server the first time, and brings the schema up to
 * date with the migrations (Kysely's migrator takes a lock, so API instances starting together migrate once).
 */
export async function openDatabase(options: DatabaseOptions, logger: Logger): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = options.databaseUrl;
  if (url === undefined) {
    embedded = await startEmbeddedServer(options.embeddedDir, logger);
    url = embedded.url;
    await ensureDatabase(maintenanceUrl(url), EMBEDDED_DATABASE);
  }
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle connection that the server drops (restart, network) is an error event on the pool, not a crash.
  pool.on("error", (error) => logger.warn({ err: error }, "a database connection was lost"));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
    for (const result of results ?? []) logger.info({ migration: result.migrationName, status: result.status }, "database migration");
    if (error !== undefined) throw error;
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    db,
    location: redacted(url),
    embedded,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

async function ensureDatabase(url: string, name: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}
