import { Interface, isCallException, isError } from "ethers";

import { InvoiceLedger__factory, LedgerForwarder__factory, ParticipantRegistry__factory } from "../../typechain-types";
import { ApiError, chainUnavailable } from "../errors";
import type { ErrorCode } from "../i18n/error-params";

/**
 * Contract reverts, decoded by name and mapped to the API's answers through one table. Someone else's object
 * and an unauthorised caller read as 404 (nothing to probe), a wrong state is 409, a rule of the ledger
 * (quota, amounts, buyer title) is 422. The custom error's values go into `details` (its name as `reason`), from
 * which the answer's message is worded in the request's language (api/i18n); `message` here is for logs.
 */
const errorsInterface = new Interface([
  ...InvoiceLedger__factory.abi.filter((item) => item.type === "error"),
  ...ParticipantRegistry__factory.abi.filter((item) => item.type === "error"),
  ...LedgerForwarder__factory.abi.filter((item) => item.type === "error"),
]);

export interface RevertAnswer {
  status: number;
  code: ErrorCode;
  message: string;
}

export const REVERT_TABLE: Readonly<Record<string, RevertAnswer>> = {
  InvoiceLedgerUnauthorized: { status: 404, code: "NOT_FOUND", message: "not found" },
  InvoiceLedgerNotParty: { status: 404, code: "NOT_FOUND", message: "invoice not found" },
  InvoiceLedgerUnknownInvoice: { status: 404, code: "NOT_FOUND", message: "invoice not found" },
  InvoiceLedgerUnknownCreditNote: { status: 404, code: "NOT_FOUND", message: "credit note not found" },
  InvoiceLedgerInvalidTransition: { status: 409, code: "INVALID_STATE", message: "the invoice is not in a state that allows this" },
  InvoiceLedgerAlreadyClaimed: { status: 409, code: "ALREADY_CLAIMED", message: "the invoice has already been claimed" },
  InvoiceLedgerDuplicateRequest: { status: 409, code: "DUPLICATE_REFERENCE", message: "this reference was already used for another invoice" },
  InvoiceLedgerReversalPending: { status: 409, code: "REVERSAL_PENDING", message: "a red-letter credit note is waiting for confirmation" },
  InvoiceLedgerCreditNoteNotPending: { status: 409, code: "INVALID_STATE", message: "the credit note is not pending" },
  InvoiceLedgerQuotaExceeded: { status: 422, code: "QUOTA_EXCEEDED", message: "the merchant's issuance quota for this tax period is used up" },
  InvoiceLedgerInvalidAmount: { status: 422, code: "INVALID_AMOUNT", message: "the amounts are not acceptable to the ledger" },
  InvoiceLedgerMissingField: { status: 422, code: "INVALID_DOCUMENT", message: "a required field is missing" },
  InvoiceLedgerEmptyBatch: { status: 422, code: "EMPTY_BATCH", message: "a batch needs at least one invoice" },
  InvoiceLedgerBuyerMismatch: { status: 422, code: "BUYER_MISMATCH", message: "the invoice's buyer is another organisation" },
  InvoiceLedgerInvalidClaim: { status: 422, code: "INVALID_CLAIM_CODE", message: "the claim code does not belong to this invoice" },
  InvoiceLedgerInvalidRecipient: { status: 422, code: "INVALID_RECIPIENT", message: "the recipient may not hold invoices" },
  InvoiceLedgerInvalidPeriod: { status: 422, code: "INVALID_PERIOD", message: "the tax period is not valid or lies in the future" },
  InvoiceLedgerReversalExceedsRemaining: { status: 422, code: "REVERSAL_EXCEEDS_REMAINING", message: "more than what remains of the invoice would be reversed" },
  InvoiceLedgerFilingPeriodOutOfRange: { status: 422, code: "FILING_PERIOD_OUT_OF_RANGE", message: "an invoice is filed into a tax period between its issue period and the current one" },
  InvoiceLedgerPartyActive: { status: 409, code: "PARTY_ACTIVE", message: "the party the bureau would step in for is still active (or there is none)" },
  ParticipantRegistryUnauthorized: { status: 404, code: "NOT_FOUND", message: "not found" },
  ParticipantRegistryZeroAccount: { status: 400, code: "INVALID_ACCOUNT", message: "the zero account cannot be registered" },
  ParticipantRegistryAlreadyRegistered: { status: 409, code: "ALREADY_REGISTERED", message: "the account is already registered" },
  ParticipantRegistryInvalidTaxpayerId: { status: 400, code: "INVALID_TAXPAYER_ID", message: "not a valid taxpayer ID" },
  ParticipantRegistryTaxpayerIdTaken: { status: 409, code: "TAXPAYER_ID_TAKEN", message: "an organisation with this taxpayer ID is already registered" },
  ParticipantRegistryNotRegistered: { status: 404, code: "NOT_FOUND", message: "participant not found" },
  ParticipantRegistryInvalidStatusChange: { status: 409, code: "INVALID_STATE", message: "the participant's status does not allow this" },
  EnforcedPause: { status: 503, code: "LEDGER_PAUSED", message: "the ledger is paused by the tax bureau" },
};

/** A custom error the table does not name (one of OpenZeppelin's, or one added to a contract since). */
export const unmappedRevert = (name: string): RevertAnswer => ({ status: 409, code: "REJECTED_BY_LEDGER", message: `the ledger refused: ${name}` });

/** The revert data carried by an ethers error, if any. */
function revertData(error: unknown): string | undefined {
  if (isCallException(error) && typeof error.data === "string" && error.data !== "0x") return error.data;
  const nested = (error as { info?: { error?: { data?: unknown } }; error?: { data?: unknown } }) ?? {};
  const data = nested.info?.error?.data ?? nested.error?.data;
  return typeof data === "string" && data.startsWith("0x") && data.length > 2 ? data : undefined;
}

function jsonable(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonable);
  return value;
}

/** For reads of an id: a revert means "no such thing" (undefined); anything else (the node is down) is an error. */
export function unknownOnRevert(error: unknown): undefined {
  if (isCallException(error)) return undefined;
  throw toApiError(error);
}

/** Turns a failed chain call into an ApiError; anything undecodable about the chain's reachability is 503. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const data = revertData(error);
  if (data !== undefined) {
    const parsed = errorsInterface.parseError(data);
    if (parsed !== null) {
      const entry = REVERT_TABLE[parsed.name] ?? unmappedRevert(parsed.name);
      // A 404 says nothing more: which contract error it was, or whose account, would tell an unknown id from
      // someone else's object.
      const details: Record<string, unknown> = {};
      if (entry.status !== 404) {
        details.reason = parsed.name;
        parsed.fragment.inputs.forEach((input, i) => (details[input.name] = jsonable(parsed.args[i])));
      }
      return new ApiError(entry.status, entry.code, entry.message, details, { cause: error });
    }
  }
  // The ledger node's gas cap for simulations is below what this request needs: the node gives its larger cap
  // only to callers with its admin token. An operator's mistake, not the client's, and retrying will not help.
  const nodeError = (error as { info?: { error?: { data?: { code?: unknown } } } }).info?.error;
  if (nodeError?.data?.code === "OUT_OF_GAS") {
    return new ApiError(502, "LEDGER_GAS_CAP", "the ledger node gives this API too little gas per call for the request; the operator must give the API the node's admin token (LEDGER_ADMIN_TOKEN)", {}, { cause: error });
  }
  if (isError(error, "NETWORK_ERROR") || isError(error, "TIMEOUT") || isError(error, "SERVER_ERROR") || isConnectionLost(error)) {
    return chainUnavailable("the ledger node cannot be reached; retry later", error);
  }
  // A JSON-RPC refusal of the node (e.g. -32003 sender not registered) or an undecodable revert.
  const rpc = (error as { error?: { code?: number; message?: string; data?: { code?: string } } }).error;
  if (rpc?.data?.code === "SENDER_NOT_REGISTERED") return new ApiError(403, "ACCOUNT_NOT_ADMITTED", "the party's account may not transact on the ledger (suspended or not registered)", {}, { cause: error });
  return new ApiError(502, "LEDGER_ERROR", "the ledger answered with an unexpected error", { message: rpc?.message ?? (error as Error).message }, { cause: error, retryable: true });
}

/** A socket-level failure talking to the node (refused, reset mid-answer, ...), raw or inside fetch's TypeError. */
const CONNECTION_LOST = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "UND_ERR_SOCKET"]);
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  const causeCode = ((error as { cause?: { code?: unknown } }).cause ?? {}).code;
  return CONNECTION_LOST.has(String(code)) || CONNECTION_LOST.has(String(causeCode));
}
