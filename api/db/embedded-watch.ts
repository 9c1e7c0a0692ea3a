import type { Logger } from "pino";

import type { Database } from "./database";
import type { DatabaseStatus } from "./database-status";
import { recordWalMark, walMarkFile, type WalMark } from "./wal-mark";

/**
 * Keeps the embedded server running: PostgreSQL restarts its own backends after a crash, but when it cannot
 * recover (a write-ahead log it could not write on a full disk) the server stops for good. While the database
 * does not answer, this starts it again every `intervalMs`; requests meanwhile get 503 STORAGE_UNAVAILABLE.
 * Nothing to do for a server given by DATABASE_URL: its operator runs it.
 *
 * While it answers, each tick records how far its write-ahead log has been flushed (wal-mark.ts), which the
 * next start holds the log to.
 *
 * The returned stop waits for a tick in flight and lets none act afterwards, so the server the caller is
 * about to stop is never started again and no mark is written into a directory being removed.
 */
export function watchEmbeddedServer(database: Database, status: Pick<DatabaseStatus, "probe">, logger: Logger, intervalMs = 1_000): () => Promise<void> {
  const embedded = database.embedded;
  if (embedded === undefined) return () => Promise.resolve();
  const markFile = walMarkFile(embedded.dir);
  let mark: WalMark | undefined;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  const tick = async (): Promise<void> => {
    const state = await status.probe();
    if (stopped) return;
    if (state.status === "unavailable") await embedded.ensureRunning();
    else if (state.status === "ok") mark = await recordWalMark(database.db, markFile, mark);
  };
  const timer = setInterval(() => {
    if (inFlight !== undefined || stopped) return;
    inFlight = tick()
      .catch((error: unknown) => {
        if (!stopped) logger.warn({ err: error }, "the embedded PostgreSQL server could not be started again; retrying");
      })
      .finally(() => {
        inFlight = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await inFlight;
  };
}
