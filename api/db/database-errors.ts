import { ApiError } from "../errors";

/**
 * What can go wrong with the API's database, as errors with stable codes. A fault of the server or its
 * storage (disk full, I/O error, the server down or restarting, no connection free) is retryable: the
 * transaction was not committed, nothing was acknowledged, and the same request succeeds once the server
 * is back. Damage the server detects (a page whose checksum does not match) is never retryable and never
 * served. Anything else (a constraint, a query) is ours to map where it happens, not here.
 */
export class StoreCorruptedError extends ApiError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(500, "STORE_CORRUPTED", message, details, { cause, retryable: false });
    this.name = "StoreCorruptedError";
  }
}

/** Seconds a client should wait before retrying a request refused for a storage fault. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

export class StorageUnavailableError extends ApiError {
  constructor(message: string, cause?: unknown) {
    super(503, "STORAGE_UNAVAILABLE", message, {}, { cause, retryable: true, retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS });
    this.name = "StorageUnavailableError";
  }
}

const FROM_DATABASE = Symbol.for("e-invoice-ledger.database-error");

/** Marks an error as the database's (the pool does this for every failure of a connection or a query). */
export function markDatabaseError(error: unknown): unknown {
  if (typeof error === "object" && error !== null) (error as Record<symbol, boolean>)[FROM_DATABASE] = true;
  return error;
}

const isFromDatabase = (error: unknown) => typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[FROM_DATABASE] === true;

/** Socket-level failures reaching the server (its socket gone, refused, reset). */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOENT", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN"]);

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/**
 * The SQLSTATE classes of a fault rather than of the request: 08 connection exception, 53 insufficient
 * resources (53100 disk full), 57P0x the server shutting down or starting, 58 system error (58030 I/O), and
 * 25006 a read-only transaction (a standby, or a server put in read-only mode).
 */
export function isStorageFault(error: unknown): boolean {
  if (!isFromDatabase(error)) return false;
  const state = sqlState(error);
  if (state !== undefined) return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("58") || state === "25006";
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  return (typeof code === "string" && CONNECTION_CODES.has(code)) || (typeof message === "string" && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message));
}

/** XX001 data_corrupted, XX002 index_corrupted: the server found a damaged page (data checksums are on). */
export function isCorruption(error: unknown): boolean {
  if (!isFromDatabase(error)) return false;
  const state = sqlState(error);
  return state === "XX001" || state === "XX002";
}

/** The typed error for a database failure, or undefined when it is not one of the two kinds above. */
export function databaseFault(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return undefined;
  if (isCorruption(error)) return new StoreCorruptedError("the API's database holds a damaged page; restore it from a backup", { sqlState: sqlState(error) }, error);
  if (isStorageFault(error)) return new StorageUnavailableError("the API's database cannot take requests now (disk full, I/O error or the server restarting); retry later", error);
  return undefined;
}
