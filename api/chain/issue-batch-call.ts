import { InvoiceLedger__factory } from "../../typechain-types";

/**
 * The `issueBatch(IssueRequest[])` call, built by hand: its calldata and its gas limit. Issuing is the API's
 * hottest write. Through ethers' ABI coder the calldata cost ~94 µs of CPU per invoice; here ~2 µs (a static
 * tuple array is a head of two words and five words per request). An `eth_estimateGas` per transaction
 * re-executed the whole batch in the node before it was sent: the gas is a function of the batch size instead,
 * checked against real batches by test/api/api.issue-batch-call.test.ts, from one invoice up to the largest
 * batch a request may carry (500).
 */
export interface IssueRequestWords {
  /** bytes32, 0x + 64 hex digits. */
  requestId: string;
  /** bytes24, 0x + 48 hex digits. */
  seal: string;
  /** bytes18, 0x + 36 hex digits (zero for an individual buyer). */
  buyerTaxId: string;
  /** uint48, fen. */
  total: bigint;
  /** uint40, fen. */
  tax: bigint;
}

const SELECTOR = InvoiceLedger__factory.createInterface().getFunction("issueBatch").selector;

/** Gas of one issueBatch transaction: a fixed part and a part per invoice, above what the contract spends at worst. */
export const ISSUE_GAS = { base: 100_000n, perInvoice: 59_000n } as const;

/** The most invoices one transaction may carry: its gas stays within the node's 30,000,000 per transaction. */
export const MAX_ISSUE_BATCH = 500;

export function issueBatchGas(invoices: number): bigint {
  return ISSUE_GAS.base + ISSUE_GAS.perInvoice * BigInt(invoices);
}

const WORD_ZEROES = "0".repeat(64);

/** A bytesN value left-aligned in its word; `digits` is 2N. */
function fixedBytes(value: string, digits: number, what: string): string {
  if (value.length !== digits + 2 || !/^0x[0-9a-fA-F]*$/.test(value)) throw new TypeError(`${what}: expected 0x and ${digits} hex digits, got ${value}`);
  return value.slice(2).toLowerCase() + WORD_ZEROES.slice(digits);
}

/** An unsigned integer of `bits` right-aligned in its word. */
function uint(value: bigint, bits: number, what: string): string {
  if (value < 0n || value >= 1n << BigInt(bits)) throw new RangeError(`${what}: ${value} does not fit in uint${bits}`);
  const hex = value.toString(16);
  return WORD_ZEROES.slice(hex.length) + hex;
}

const word = (value: number) => uint(BigInt(value), 256, "length");

/** The calldata of `issueBatch(requests)`, byte for byte what ethers' ABI coder produces. */
export function encodeIssueBatch(requests: readonly IssueRequestWords[]): string {
  const parts = [SELECTOR, word(32), word(requests.length)];
  for (const request of requests) {
    parts.push(
      fixedBytes(request.requestId, 64, "requestId"),
      fixedBytes(request.seal, 48, "seal"),
      fixedBytes(request.buyerTaxId, 36, "buyerTaxId"),
      uint(request.total, 48, "total"),
      uint(request.tax, 40, "tax"),
    );
  }
  return parts.join("");
}
