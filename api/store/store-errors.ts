import { ApiError } from "../errors";

/**
 * What can go wrong with the API's own store, as errors with stable codes. Corruption is never retryable
 * and never served: a value whose checksum does not match, acknowledged writes missing at start, LevelDB
 * reporting that it dropped part of its log. A storage fault (disk full, quota, I/O error, read-only file
 * system) is retryable: nothing was acknowledged, and the same request succeeds once the disk has room.
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

/** errno codes that mean "the disk cannot take this write now", whatever the writer (LevelDB, a file). */
const STORAGE_FAULT_CODES = new Set(["ENOSPC", "EDQUOT", "EIO", "EROFS", "EFBIG", "ENOMEM", "EMFILE", "ENFILE"]);

/**
 * Whether a write failed because of the storage rather than because of what was written. LevelDB reports
 * every failing file operation as LEVEL_IO_ERROR (the errno only in its message, which we do not parse);
 * a database being reopened after such a fault is LEVEL_DATABASE_NOT_OPEN; our own files give an errno.
 */
export function isStorageFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return [code, causeCode].some((c) => c === "LEVEL_IO_ERROR" || c === "LEVEL_DATABASE_NOT_OPEN" || (typeof c === "string" && STORAGE_FAULT_CODES.has(c)));
}

export function isLevelCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === "LEVEL_CORRUPTION" || causeCode === "LEVEL_CORRUPTION";
}
