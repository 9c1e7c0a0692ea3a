import type { Logger } from "pino";

import type { Database } from "./database";
import type { DatabaseStatus } from "./database-status";

/**
 * Keeps the embedded server running: PostgreSQL restarts its own backends after a crash, but when it cannot
 * recover (a write-ahead log it could not write on a full disk) the server stops for good. While the database
 * does not answer, this starts it again every `intervalMs`; requests meanwhile get 503 STORAGE_UNAVAILABLE.
 * Nothing to do for a server given by DATABASE_URL: its operator runs it.
 */
export function watchEmbeddedServer(database: Database, status: Pick<DatabaseStatus, "probe">, logger: Logger, intervalMs = 2_000): () => void {
  const embedded = database.embedded;
  if (embedded === undefined) return () => undefined;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    status
      .probe()
      .then(async (state) => {
        if (state.status === "unavailable") await embedded.ensureRunning();
      })
      .catch((error: unknown) => logger.warn({ err: error }, "the embedded PostgreSQL server could not be started again; retrying"))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
