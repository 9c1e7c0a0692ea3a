/**
 * The widths of the ledger's integer fields (contracts/interfaces/IInvoiceLedger.sol): what a value must fit
 * before it may go on chain. The API refuses anything larger at the edge, naming the field, instead of
 * letting the ABI encoder fail on the way to the node.
 */
const uint = (bits: bigint) => 2n ** bits - 1n;

export const LEDGER_BOUNDS = {
  /** IssueRequest.total, ReversalRequest.total, Invoice.total: amount including tax, in fen (uint48). */
  totalFen: uint(48n),
  /** IssueRequest.tax, ReversalRequest.tax: tax in fen (uint40). */
  taxFen: uint(40n),
  /** setQuota(granted): a merchant's quota for one tax period, in fen (uint64). */
  quotaFen: uint(64n),
  /** Invoice and credit-note numbers (uint40). */
  number: uint(40n),
  /** verify(checkCode): the check code printed on an invoice (uint64). */
  checkCode: uint(64n),
  /** Tax periods YYYYMM (uint24); TaxPeriods.isValid narrows them to 197001..999912. */
  period: uint(24n),
} as const;

/** JSON numbers are exact only up to 2^53 - 1; larger amounts must be written as digit strings. */
export const MAX_EXACT_JSON_INTEGER = Number.MAX_SAFE_INTEGER;
