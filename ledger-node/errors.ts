/**
 * Errors of the ledger node. Each has a stable `code` (what callers and tests match on), a short
 * message for a person, optional details, and says whether retrying can help.
 */
export abstract class LedgerNodeError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, readonly details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The chain store does not verify (edited, truncated, corrupted, or from another chain): never served. */
export class StoreCorruptedError extends LedgerNodeError {
  readonly code = "STORE_CORRUPTED";
  readonly retryable = false;
}

/** A transaction's sender may not transact on this ledger. */
export class SenderNotRegisteredError extends LedgerNodeError {
  readonly code = "SENDER_NOT_REGISTERED";
  readonly retryable = false;
}

/** A transaction or request is malformed or for another chain. */
export class InvalidRequestError extends LedgerNodeError {
  readonly code = "INVALID_REQUEST";
  readonly retryable = false;
}

/** The node is stopping or not yet serving. */
export class NodeUnavailableError extends LedgerNodeError {
  readonly code = "NODE_UNAVAILABLE";
  readonly retryable = true;
}

/** Configuration that cannot work (e.g. listening beyond loopback without a read token). */
export class ConfigurationError extends LedgerNodeError {
  readonly code = "CONFIGURATION";
  readonly retryable = false;
}
