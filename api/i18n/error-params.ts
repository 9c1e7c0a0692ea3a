import type { FieldIssue } from "./field-issue";

/**
 * Every error code the API answers with (or refuses to start with), and the details each carries: the values
 * its messages are built from. A message never needs more than the answer's details, so a client holding an
 * answer can word it again in any language with the same catalogue.
 *
 * Contract reverts carry the custom error's name as `reason` and its arguments by name (uint as decimal strings,
 * enums as their index, bytes18 taxpayer IDs as hex); see api/chain/contract-errors.ts. A 404 carries nothing,
 * whatever raised it, so that an unknown id and someone else's object read alike.
 */
type None = Record<string, never>;
type Revert<Name extends string, Args = unknown> = { reason: Name; transactionHash?: string } & Args;

/** A refused field list, as VALIDATION_FAILED and INVALID_CURSOR carry it. */
export interface IssuesParams {
  issues: FieldIssue[];
}

export interface ErrorParams {
  // Who is asking (401, 403).
  UNAUTHENTICATED: None;
  /**
   * `role` the caller's, `allowedRoles` who may; `reason` when the role is not the point: NO_HOSTED_KEY (the
   * party keeps its own key and relays its requests), NO_TAXPAYER_ID (a merchant registered without one).
   */
  FORBIDDEN: { role?: string; allowedRoles?: string[]; account?: string; reason?: "NO_HOSTED_KEY" | "NO_TAXPAYER_ID" };
  PARTICIPANT_REVOKED: None;
  PARTICIPANT_SUSPENDED: None;
  /** The key's holder sent a key that has expired (`expiredAt`, ISO); a key nobody holds stays UNAUTHENTICATED. */
  API_KEY_EXPIRED: { expiredAt?: string };
  /** A read-only key sent to write (or to revoke another key). */
  KEY_READ_ONLY: None;
  /**
   * A console session past its absolute end (`reason` lifetime) or without a request for longer than its idle
   * limit (`reason` idle); an unknown or signed-out session stays UNAUTHENTICATED.
   */
  SESSION_EXPIRED: { reason?: "idle" | "lifetime" };
  /** A request through a console session, other than GET or HEAD, without the session's x-csrf-token. */
  CSRF_TOKEN_INVALID: None;
  ACCOUNT_NOT_ADMITTED: None;
  RATE_LIMITED: None;

  // What was sent (400, 404, 413, 415, 422 of the edge).
  NOT_FOUND: None;
  NO_SUCH_ROUTE: { method?: string; path?: string };
  /** The API runs, but its web console was never built (`npm run build`). */
  CONSOLE_NOT_BUILT: None;
  VALIDATION_FAILED: IssuesParams;
  INVALID_CURSOR: IssuesParams;
  MALFORMED_JSON: None;
  MALFORMED_BODY: { contentEncoding?: string };
  MALFORMED_PATH: None;
  BODY_TOO_LARGE: None;
  UNSUPPORTED_ENCODING: None;
  BAD_REQUEST: None;
  IDEMPOTENCY_KEY_REUSED: { idempotencyKey?: string };
  DUPLICATE_REFERENCE:
    | { reference?: string; id?: string }
    | Revert<"InvoiceLedgerDuplicateRequest", { seller?: string; requestId?: string; number?: string }>;
  REFERENCE_IN_PROGRESS: { id?: string };
  /** An erasure asked of an invoice whose buyer is an organisation (`buyer`): its data is public, nothing is personal. */
  NOTHING_TO_ERASE: { id?: string; buyer?: "organisation" };
  /** A replacement key asked for a participant (`account`) revoked on the registry: revocation is final. */
  PARTICIPANT_REVOKED_FINAL: { account?: string };

  // Self custody: requests a party signed itself (POST /v1/forward), self-registration, custody changes.
  /** The party keeps its own key (`account`): the API cannot sign for it; it signs and sends POST /v1/forward. */
  SELF_CUSTODY: { account?: string };
  /** The forward request's `from` is not the caller's account. */
  FORWARD_SIGNER_MISMATCH: { from?: string; account?: string };
  /** `to` is neither the ledger nor the registry (`allowed`). */
  FORWARD_TARGET_NOT_ALLOWED: { to?: string; allowed?: string[] };
  /** The call is not one the caller's `role` may relay (`function`, or `selector` when it names none of the target's). */
  FORWARD_CALL_NOT_ALLOWED: { function?: string; selector?: string; role?: string };
  FORWARD_VALUE_NOT_ZERO: { value?: string };
  FORWARD_GAS_TOO_HIGH: { gas?: string; limit?: string };
  /** The deadline (seconds since the epoch) has passed. */
  FORWARD_EXPIRED: { deadline?: string };
  /** The nonce was used already (`current` is the forwarder's next one): a request relayed before. */
  FORWARD_REPLAYED: { nonce?: string; current?: string };
  /** The nonce is ahead of the forwarder's next one (`current`): an earlier request must go first. */
  FORWARD_NONCE_AHEAD: { nonce?: string; current?: string };
  /** The signature does not recover to `from` under the forwarder's domain (`signer`: whom it recovers to). */
  FORWARD_SIGNATURE_INVALID: { signer?: string };
  /** A signed message the API checks itself (a self-registration, a custody change) whose deadline has passed. */
  SIGNATURE_EXPIRED: { deadline?: string };
  /** That signed message was accepted once already. */
  SIGNATURE_REPLAYED: None;
  /** That signature is not the account's (`account`) over this message. */
  SIGNATURE_INVALID: { account?: string };
  /** The party's custody is `custody` already. */
  CUSTODY_UNCHANGED: { custody?: string };
  /** Only employees (individuals) and enterprises may keep their own key (`role`: the caller's). */
  CUSTODY_NOT_AVAILABLE: { role?: string };
  /** The private key given is not the key of `account`. */
  CUSTODY_KEY_MISMATCH: { account?: string };
  /**
   * A webhook URL the API will not call (api/webhooks/url-guard.ts): `reason` scheme (not http or https),
   * credentials (a user or password in it), host (none), unresolvable (no address), address (one of its
   * addresses is not public: `range` says which kind, e.g. private, loopback, linkLocal, uniqueLocal, carrierGradeNat).
   */
  WEBHOOK_URL_NOT_ALLOWED: { reason?: "scheme" | "credentials" | "host" | "unresolvable" | "address"; range?: string };
  /** A party has as many webhook subscriptions as it may (`limit`). */
  WEBHOOK_LIMIT_REACHED: { limit?: number };

  // The ledger's rules (contract reverts: 409 wrong state, 422 a rule, 400 a registry input).
  INVALID_STATE:
    | Revert<"InvoiceLedgerInvalidTransition", { id?: string; from?: string; to?: string }>
    | Revert<"InvoiceLedgerCreditNoteNotPending", { id?: string; status?: string }>
    | Revert<"ParticipantRegistryInvalidStatusChange", { account?: string; from?: string; to?: string }>;
  ALREADY_CLAIMED: Revert<"InvoiceLedgerAlreadyClaimed", { id?: string; holder?: string }>;
  REVERSAL_PENDING: Revert<"InvoiceLedgerReversalPending", { id?: string }>;
  QUOTA_EXCEEDED: Revert<"InvoiceLedgerQuotaExceeded", { merchant?: string; period?: string; requested?: string; available?: string }>;
  INVALID_AMOUNT: Revert<"InvoiceLedgerInvalidAmount", { total?: string; tax?: string }>;
  INVALID_DOCUMENT: Revert<"InvoiceLedgerMissingField", { requestId?: string }>;
  EMPTY_BATCH: Revert<"InvoiceLedgerEmptyBatch">;
  BUYER_MISMATCH: Revert<"InvoiceLedgerBuyerMismatch", { id?: string; buyerTaxId?: string; enterpriseTaxId?: string }>;
  INVALID_CLAIM_CODE: Revert<"InvoiceLedgerInvalidClaim", { id?: string }>;
  INVALID_RECIPIENT: Revert<"InvoiceLedgerInvalidRecipient", { id?: string; to?: string }>;
  INVALID_PERIOD: Revert<"InvoiceLedgerInvalidPeriod", { period?: string }>;
  REVERSAL_EXCEEDS_REMAINING: Revert<"InvoiceLedgerReversalExceedsRemaining", { id?: string; total?: string; tax?: string; remainingTotal?: string; remainingTax?: string }>;
  FILING_PERIOD_OUT_OF_RANGE: Revert<"InvoiceLedgerFilingPeriodOutOfRange", { id?: string; period?: string; earliest?: string; latest?: string }>;
  PARTY_ACTIVE: Revert<"InvoiceLedgerPartyActive", { id?: string; party?: string }>;
  INVALID_ACCOUNT: Revert<"ParticipantRegistryZeroAccount">;
  /** A revert of the registry, or a self-registration (`account`) of an account the API has a profile of already. */
  ALREADY_REGISTERED: { account?: string; role?: string } | Revert<"ParticipantRegistryAlreadyRegistered", { account?: string; role?: string }>;
  INVALID_TAXPAYER_ID: Revert<"ParticipantRegistryInvalidTaxpayerId", { taxpayerId?: string }>;
  TAXPAYER_ID_TAKEN: { taxpayerId?: string } | Revert<"ParticipantRegistryTaxpayerIdTaken", { taxpayerId?: string; account?: string }>;
  LEDGER_PAUSED: Revert<"EnforcedPause">;
  /** A custom error the revert table does not map: its name and arguments. */
  REJECTED_BY_LEDGER: Revert<string, Record<string, unknown>>;

  // The ledger and the API's own state (5xx, and a transaction that failed in its block).
  NOT_CONFIRMED: { transactionHash?: string };
  TRANSACTION_FAILED: { transactionHash?: string };
  LEDGER_UNAVAILABLE: None;
  LEDGER_GAS_CAP: None;
  /** `message`: the node's own words, as it gave them. */
  LEDGER_ERROR: { message?: string };
  STORAGE_UNAVAILABLE: None;
  STORE_CORRUPTED: { sqlState?: string; file?: string; path?: string; key?: string; walEnd?: string; walMark?: string };
  INTERNAL: None;

  // Refusals to start (logged with an exit code, api/start-refusal.ts) and of the LevelDB import.
  DATABASE_UNAVAILABLE: None;
  KEYSTORE_KEY_MISMATCH: { source?: string; account?: string };
  INDEX_AHEAD_OF_CHAIN: { indexedBlock?: number | string; chainHead?: number | string; indexedHash?: string; chainHash?: string | null };
  LEGACY_STORE: { path?: string };
  /** Every contract of the deployment with its `status` against this build (lib/contract-code.ts), and the scheduled upgrades. */
  CONTRACTS_MISMATCH: {
    contracts?: { contract?: string; address?: string; status?: string; implementation?: string | null }[];
    pendingUpgrades?: { contract?: string; implementation?: string; readyAt?: number; ready?: boolean; matchesBuild?: boolean }[];
  };
  DATABASE_NOT_EMPTY: None;
}

export type ErrorCode = keyof ErrorParams;
