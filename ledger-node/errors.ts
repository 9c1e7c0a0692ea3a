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

/** A signed transaction larger than the node admits. */
export class TransactionTooLargeError extends LedgerNodeError {
  readonly code = "TRANSACTION_TOO_LARGE";
  readonly retryable = false;
}

/** A transaction asks for more gas than one transaction may use on this ledger. */
export class GasLimitTooHighError extends LedgerNodeError {
  readonly code = "GAS_LIMIT_TOO_HIGH";
  readonly retryable = false;
}

/** A transaction's nonce is too far ahead of its sender's next nonce: it would wait in the pool indefinitely. */
export class NonceTooFarError extends LedgerNodeError {
  readonly code = "NONCE_TOO_FAR";
  readonly retryable = false;
}

/** The pool holds as many transactions as it may (in all, or of this sender): retry after the next block. */
export class PoolFullError extends LedgerNodeError {
  readonly code = "POOL_FULL";
  readonly retryable = true;
}

/** Only the authority deploys contracts: whatever else runs on this ledger is the ledger's own code. */
export class ContractCreationRefusedError extends LedgerNodeError {
  readonly code = "CONTRACT_CREATION_REFUSED";
  readonly retryable = false;
}

/** A simulation (eth_call, eth_estimateGas) did not finish in time, queueing included. */
export class ExecutionTimeoutError extends LedgerNodeError {
  readonly code = "EXECUTION_TIMEOUT";
  readonly retryable = true;
}


/** A backup of that name already exists: backups are never overwritten. */
export class BackupExistsError extends LedgerNodeError {
  readonly code = "BACKUP_EXISTS";
  readonly retryable = false;
}

/** A standby serves reads only: transactions go to the primary (or to this node once it is promoted). */
export class ReadOnlyStandbyError extends LedgerNodeError {
  readonly code = "READ_ONLY_STANDBY";
  readonly retryable = true;
}

/** Promotion refused: the primary still answers, and two nodes sealing one chain would fork it. */
export class PrimaryAliveError extends LedgerNodeError {
  readonly code = "PRIMARY_ALIVE";
  readonly retryable = true;
}

/** An engine renewal that was asked for did not take place (not enough memory, no snapshot, the node stopping...). */
export class EngineNotRenewedError extends LedgerNodeError {
  readonly code = "ENGINE_NOT_RENEWED";
  readonly retryable = true;
}

/** A replication or promotion request made to a node in the other role. */
export class WrongRoleError extends LedgerNodeError {
  readonly code = "WRONG_ROLE";
  readonly retryable = false;
}
