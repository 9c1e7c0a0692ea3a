import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { Level } from "level";

import { ApiError } from "../errors";

/**
 * The API's data as versions before PostgreSQL kept it: a LevelDB at `<dataDir>/db` (with `db.ack`, its
 * acknowledgement mark, beside it). Values were stored as a 16-hex-digit checksum of key and JSON followed by
 * the JSON (plain JSON before checksums were added). Read once, by `npm run api:import-leveldb`, and never
 * written: after the import the directory is renamed and kept as it was.
 */
export const legacyStorePath = (dataDir: string) => join(dataDir, "db");

/** Whether `dataDir` still holds a LevelDB-era store that has not been imported. */
export const hasLegacyStore = (dataDir: string) => existsSync(join(legacyStorePath(dataDir), "CURRENT"));

export const legacyStoreFound = (dataDir: string) =>
  new ApiError(
    500,
    "LEGACY_STORE",
    `${legacyStorePath(dataDir)} holds the API's data in the LevelDB layout of an earlier version; stop the API and run \`npm run api:import-leveldb\` to move it into the database (the LevelDB is kept, renamed)`,
    { path: legacyStorePath(dataDir) },
  );

const CHECKSUM = /^[0-9a-f]{16}/;

export interface LegacyEntries {
  /** Every entry by key prefix (`party`, `tin`, `apikey`, `wallet`, `doc`, `idem`, `keystore`, ...), values parsed. */
  byPrefix: Map<string, { key: string; value: unknown }[]>;
  entries: number;
}

/** Reads every entry, checking each value's checksum; a mismatch stops the import with the key named. */
export async function readLegacyStore(dataDir: string): Promise<LegacyEntries> {
  const path = legacyStorePath(dataDir);
  if (existsSync(`${path}.damaged`)) {
    throw new ApiError(500, "STORE_CORRUPTED", `${path} was found damaged by the earlier version (${path}.damaged): restore it from a backup before importing it`, { path });
  }
  const db = new Level<string, string>(path, { valueEncoding: "utf8", createIfMissing: false });
  await db.open();
  const byPrefix = new Map<string, { key: string; value: unknown }[]>();
  let entries = 0;
  try {
    for await (const [key, raw] of db.iterator()) {
      const prefix = key.split(":")[0]!;
      const list = byPrefix.get(prefix) ?? [];
      list.push({ key, value: decode(path, key, raw) });
      byPrefix.set(prefix, list);
      entries++;
    }
  } finally {
    await db.close();
  }
  return { byPrefix, entries };
}

/** A checksummed value (checksum, then JSON), or a plain JSON value written before checksums; else damage. */
function decode(path: string, key: string, raw: string): unknown {
  const json = raw.slice(16);
  if (CHECKSUM.test(raw) && createHash("sha256").update(key).update("\0").update(json).digest("hex").slice(0, 16) === raw.slice(0, 16)) return JSON.parse(json);
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ApiError(500, "STORE_CORRUPTED", `the value of ${key} in ${path} does not match its checksum: restore the store from a backup before importing it`, { path, key }, { cause: error });
  }
}
