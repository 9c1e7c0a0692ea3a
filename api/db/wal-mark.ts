import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { sql } from "kysely";

import { writeFileDurably } from "../../lib/durable-file";
import type { Db } from "./database";
import { StoreCorruptedError } from "./database-errors";

/**
 * How far the embedded server's write-ahead log is known to have reached, kept outside the cluster. PostgreSQL
 * detects a damaged page (data checksums), but not a write-ahead log that lost its end: crash recovery replays
 * the log up to its first invalid record and takes that as the end, so a damaged or truncated segment would
 * silently start the server without transactions it had committed (documents, salts, party keys, API keys,
 * none of which the chain can give back).
 *
 * So the API records the server's flushed position (`pg_current_wal_flush_lsn()`) with the cluster's identity
 * every second and when it closes, durably, in `<databaseDir>/wal-mark.json`, and when it starts the server at
 * its own start compares it with where the log ended: a log that ends before the mark lost committed
 * transactions, and the API refuses to start (STORE_CORRUPTED, exit 3: restore from a backup). A mark of another
 * cluster (a restore into a new one) is ignored and replaced. Not seen: damage to the last second of log before
 * a crash, and a log damaged when the running API's watch (embedded-watch.ts) starts a stopped server again.
 */
export interface WalMark {
  /** The cluster's `system_identifier`: a new cluster (initdb, restore) has another one. */
  system: string;
  /** A position of the log, as PostgreSQL writes it (`16/B374D848`). */
  lsn: string;
}

export const walMarkFile = (databaseDir: string) => join(databaseDir, "wal-mark.json");

async function currentPosition(db: Db): Promise<WalMark> {
  const { rows } = await sql<WalMark>`select (select system_identifier::text from pg_control_system()) as system, pg_current_wal_flush_lsn()::text as lsn`.execute(db);
  return rows[0]!;
}

export async function readWalMark(file: string): Promise<WalMark | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const mark = JSON.parse(text) as Partial<WalMark>;
  if (typeof mark.system !== "string" || typeof mark.lsn !== "string" || !/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i.test(mark.lsn)) {
    throw new StoreCorruptedError(`the embedded database's log mark ${file} is not readable; if the database is known to be intact, delete the file`, { file });
  }
  return mark as WalMark;
}

/**
 * Refuses (STORE_CORRUPTED) a cluster whose log ended before the recorded mark. Call it right after starting
 * the server (not for a server found running: it did not recover from anything). A server that starts writes
 * a checkpoint where its log ends: the shutdown checkpoint after a clean stop, the end-of-recovery checkpoint
 * after a crash, which is where recovery found the log's end. (Not the current position: with data checksums
 * the first reads after a checkpoint write whole pages to the log, and move it past the mark at once.)
 */
export async function checkWalMark(db: Db, file: string): Promise<void> {
  const mark = await readWalMark(file);
  if (mark === undefined) return;
  const { rows } = await sql<{ system: string; checkpoint: string; behind: boolean }>`
    select (select system_identifier::text from pg_control_system()) as system,
      checkpoint_lsn::text as checkpoint, checkpoint_lsn < ${mark.lsn}::pg_lsn as behind
    from pg_control_checkpoint()`.execute(db);
  const now = rows[0]!;
  if (now.system !== mark.system) return;
  if (now.behind) {
    throw new StoreCorruptedError(
      `the embedded database's write-ahead log ended at ${now.checkpoint} when the server started, before ${mark.lsn} which it had reached: committed transactions were lost (a damaged or truncated log). Restore the database from a backup (npm run restore)`,
      { walEnd: now.checkpoint, walMark: mark.lsn, file },
    );
  }
}

/** Records the server's flushed log position, when it moved since the last record; returns the position. */
export async function recordWalMark(db: Db, file: string, last?: WalMark): Promise<WalMark> {
  const now = await currentPosition(db);
  if (last !== undefined && last.system === now.system && last.lsn === now.lsn) return last;
  await writeFileDurably(file, `${JSON.stringify(now)}\n`, 0o600);
  return now;
}
