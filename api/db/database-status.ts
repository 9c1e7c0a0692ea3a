import { sql } from "kysely";

import type { Db } from "./database";
import { databaseFault } from "./database-errors";

export type StorageStatus =
  | { status: "ok"; database: string }
  | { status: "unavailable"; code: "STORAGE_UNAVAILABLE"; database: string; since: string }
  | { status: "corrupted"; code: "STORE_CORRUPTED"; database: string; since: string; reason: string };

/**
 * Whether the database takes requests, for /health: a trivial query, answered within `timeoutMs`. A damaged
 * page seen by any request stays reported until the API restarts (the operator restores a backup).
 */
export class DatabaseStatus {
  private corrupted: { since: string; reason: string } | undefined;
  private unavailableSince: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly location: string,
    private readonly timeoutMs = 2_000,
  ) {}

  /** Called with every failure a request met: damage is remembered. */
  observed(error: unknown): void {
    const fault = databaseFault(error);
    if (fault?.code === "STORE_CORRUPTED" && this.corrupted === undefined) this.corrupted = { since: new Date().toISOString(), reason: fault.message };
  }

  async probe(): Promise<StorageStatus> {
    if (this.corrupted !== undefined) return { status: "corrupted", code: "STORE_CORRUPTED", database: this.location, ...this.corrupted };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        sql`SELECT 1`.execute(this.db),
        new Promise((_, fail) => {
          timer = setTimeout(() => fail(new Error("timeout exceeded when trying to connect")), this.timeoutMs);
        }),
      ]);
      this.unavailableSince = undefined;
      return { status: "ok", database: this.location };
    } catch {
      this.unavailableSince ??= new Date().toISOString();
      return { status: "unavailable", code: "STORAGE_UNAVAILABLE", database: this.location, since: this.unavailableSince };
    } finally {
      clearTimeout(timer);
    }
  }
}
