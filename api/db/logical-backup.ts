import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

import { Client } from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";

import { INDEX_TABLES } from "./event-index";
import { quoted } from "./copy-rows";

/**
 * A logical backup of the API's database: every table that cannot be rebuilt from the chain, each as the
 * output of `COPY ... TO STDOUT` (PostgreSQL's own text format), all read in one REPEATABLE READ snapshot, with
 * a manifest of columns, row counts and SHA-256 of each file. It works against the embedded server and any
 * server named by DATABASE_URL alike (no file access to the server needed, no pg_dump binary). The event
 * index is left out: after a restore the API rebuilds it from the restored chain.
 */
export interface DatabaseManifest {
  format: 1;
  takenAt: string;
  migrations: string[];
  tables: { name: string; columns: string[]; rows: number; file: string; sha256: string }[];
}

const NOT_BACKED_UP = new Set<string>([...INDEX_TABLES, "kysely_migration", "kysely_migration_lock"]);

export async function dumpDatabase(url: string, dir: string): Promise<DatabaseManifest> {
  await mkdir(dir, { recursive: true });
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const tables = (await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows.map((r) => r.name).filter((name) => !NOT_BACKED_UP.has(name));
    const migrations = (await client.query<{ name: string }>("SELECT name FROM kysely_migration ORDER BY name")).rows.map((r) => r.name);
    const manifest: DatabaseManifest = { format: 1, takenAt: new Date().toISOString(), migrations, tables: [] };
    for (const name of tables) {
      const columns = (await client.query<{ column: string }>("SELECT column_name AS column FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position", [name])).rows.map((r) => r.column);
      const rows = Number((await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${quoted(name)}`)).rows[0]!.count);
      const file = `${name}.copy`;
      await pipeline(client.query(copyTo(`COPY ${quoted(name)} (${columns.map(quoted).join(", ")}) TO STDOUT`)), createWriteStream(join(dir, file), { mode: 0o600 }));
      manifest.tables.push({ name, columns, rows, file, sha256: createHash("sha256").update(await readFile(join(dir, file))).digest("hex") });
    }
    await client.query("COMMIT");
    await writeFile(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    return manifest;
  } finally {
    await client.end();
  }
}

/**
 * Puts a logical backup in place of what the database holds, in one transaction: every backed-up table is
 * emptied and loaded, and the index (tables and settings) is emptied so that the API rebuilds it from the
 * chain. Files are checked against the manifest first; a backup taken with migrations this version does not
 * know is refused. The schema must be up to date (openDatabase migrates) before this runs.
 */
export async function restoreDatabase(url: string, dir: string): Promise<DatabaseManifest> {
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as DatabaseManifest;
  if (manifest.format !== 1) throw new Error(`${dir}: not a database backup of this format`);
  for (const table of manifest.tables) {
    const digest = createHash("sha256").update(await readFile(join(dir, table.file))).digest("hex");
    if (digest !== table.sha256) throw new Error(`${join(dir, table.file)} does not match its checksum in the manifest: the backup is damaged`);
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const known = new Set((await client.query<{ name: string }>("SELECT name FROM kysely_migration")).rows.map((r) => r.name));
    const unknown = manifest.migrations.filter((name) => !known.has(name));
    if (unknown.length > 0) throw new Error(`the backup was taken by a newer version (migrations ${unknown.join(", ")}): restore it with that version`);
    await client.query("BEGIN");
    const emptied = [...manifest.tables.map((t) => t.name), ...INDEX_TABLES];
    await client.query(`TRUNCATE ${emptied.map(quoted).join(", ")}`);
    for (const table of manifest.tables) {
      await pipeline(createReadStream(join(dir, table.file)), client.query(copyFrom(`COPY ${quoted(table.name)} (${table.columns.map(quoted).join(", ")}) FROM STDIN`)));
      const rows = Number((await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${quoted(table.name)}`)).rows[0]!.count);
      if (rows !== table.rows) throw new Error(`${table.name}: ${rows} rows loaded, the manifest says ${table.rows}`);
    }
    await client.query("DELETE FROM settings WHERE name LIKE 'index.%'");
    await client.query("COMMIT");
    return manifest;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
