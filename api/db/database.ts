import { Kysely, Migrator, PostgresDialect } from "kysely";
import { Client, Pool, type PoolClient } from "pg";
import type { Logger } from "pino";

import { copyRowsOn, type CopyRows } from "./copy-rows";
import { EMBEDDED_DATABASE, maintenanceUrl, startEmbeddedServer, type EmbeddedServer } from "./embedded-server";
import { markDatabaseError } from "./database-errors";
import { migrations } from "./migrations";
import type { Schema } from "./schema";
import { checkWalMark, recordWalMark, walMarkFile } from "./wal-mark";

export type Db = Kysely<Schema>;

export interface Database {
  db: Db;
  /** Where it is, without credentials (for logs and /health). */
  location: string;
  /** The connection string itself, for the few tools that need a client of their own (COPY in logical-backup.ts). */
  url: string;
  /** The embedded server this process runs, when no DATABASE_URL was given. */
  embedded: EmbeddedServer | undefined;
  /**
   * Runs `work` on one connection of the pool: `db` uses only it (a transaction opened on it too), and
   * `copyRows` writes rows by COPY on it, so inside that transaction (copy-rows.ts).
   */
  pinned<T>(work: (db: Db, copyRows: CopyRows) => Promise<T>): Promise<T>;
  /**
   * The rows of a statement PostgreSQL parses and plans once per connection (a named prepared statement), not at
   * each call: for the hottest reads, whose planning costs several times their execution (a verification's read,
   * measured: 0.22 ms to plan, 0.04 ms to execute; 440 µs a round trip unprepared, 135 µs prepared). Only for
   * statements whose best plan does not depend on the values (lookups by a unique key).
   */
  prepared<R>(statement: PreparedStatement, values: readonly unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** A statement to prepare: its name, unique in the process, and its text with $1, $2, ... for the values. */
export interface PreparedStatement {
  name: string;
  text: string;
}

export interface DatabaseOptions {
  /** Any PostgreSQL 15+ server; when absent the embedded server in `embeddedDir` is used. */
  databaseUrl: string | undefined;
  embeddedDir: string;
  /** Connections this process keeps at most. */
  poolSize?: number;
  /**
   * Whether `close()` stops the embedded server even when this process found it running: the API does (it owns
   * the server, adopting one a killed API left); a tool (reindex, backup, import) stops only a server it started,
   * never one a running API uses.
   */
  ownsServer?: boolean;
}

/**
 * Opens the API's database: the given server, or the embedded one (started, or adopted when a killed process
 * left it running), creates the database on the embedded server the first time, and brings the schema up to
 * date with the migrations (Kysely's migrator takes a lock, so API instances starting together migrate once).
 * An embedded cluster whose write-ahead log ends before the mark recorded last time is refused
 * (STORE_CORRUPTED, wal-mark.ts); closing records the mark.
 */
export async function openDatabase(options: DatabaseOptions, logger: Logger): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = options.databaseUrl;
  if (url === undefined) {
    embedded = await startEmbeddedServer(options.embeddedDir, logger);
    url = embedded.url;
    await ensureDatabase(maintenanceUrl(url), EMBEDDED_DATABASE);
  }
  const pool = new TaggingPool({ connectionString: url, max: options.poolSize ?? 20 });
  // An idle connection that the server drops (restart, network) is an error event on the pool, not a crash.
  pool.on("error", (error) => logger.warn({ err: error }, "a database connection was lost"));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    // A log that lost its end is refused before anything is written (wal-mark.ts).
    if (embedded?.started === true) await checkWalMark(db, walMarkFile(embedded.dir));
    const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
    for (const result of results ?? []) logger.info({ migration: result.migrationName, status: result.status }, "database migration");
    if (error !== undefined) throw error;
  } catch (error) {
    await db.destroy();
    if (embedded?.started === true) await embedded.stop();
    throw error;
  }
  return {
    db,
    location: redacted(url),
    url,
    embedded,
    async pinned(work) {
      const client = await pool.connect();
      let failure: unknown;
      try {
        // A pool of this one connection: Kysely acquires and releases it around each statement and transaction.
        const single = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: { connect: async () => ({ query: client.query.bind(client), release: () => undefined }), end: async () => undefined } as never }) });
        return await work(single, copyRowsOn(client));
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        // A connection that failed mid-way (its transaction may be half-aborted, its socket gone) is not reused.
        client.release(failure instanceof Error ? failure : undefined);
      }
    },
    async prepared<R>(statement: PreparedStatement, values: readonly unknown[]) {
      const client = await pool.connect();
      let failure: unknown;
      try {
        return (await client.query<R & object>({ name: statement.name, text: statement.text, values: [...values] })).rows;
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        // As in `pinned`: a connection that failed is not reused.
        client.release(failure instanceof Error ? failure : undefined);
      }
    },
    async close() {
      if (embedded !== undefined) await recordWalMark(db, walMarkFile(embedded.dir)).catch((error: unknown) => logger.warn({ err: error }, "could not record the embedded database's log mark"));
      await db.destroy();
      if (embedded !== undefined && (embedded.started || options.ownsServer === true)) await embedded.stop();
    },
  };
}

/**
 * A pool whose failures say they are the database's: a refused connection or a reset socket looks the same
 * from the ledger's JSON-RPC client, and only the database's are STORAGE_UNAVAILABLE (database-errors.ts).
 */
class TaggingPool extends Pool {
  private readonly wrapped = new WeakSet<object>();

  override connect(): Promise<PoolClient>;
  override connect(callback: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<PoolClient> | void {
    if (callback !== undefined) return super.connect(callback);
    return super.connect().then(
      (client) => {
        if (!this.wrapped.has(client)) {
          this.wrapped.add(client);
          const query = client.query.bind(client) as (...args: unknown[]) => unknown;
          (client as { query: unknown }).query = (...args: unknown[]) => {
            const result = query(...args);
            return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(markDatabaseError(error))) : result;
          };
        }
        return client;
      },
      (error: unknown) => Promise.reject(markDatabaseError(error)),
    );
  }
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
