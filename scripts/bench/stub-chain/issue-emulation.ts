import { invoiceIdOf } from "../../../api/domain/ids";
import { InvoiceLedger__factory } from "../../../typechain-types";

/**
 * What `InvoiceLedger.issueBatch` leaves in a receipt, computed without an EVM: one `InvoiceIssued` log per request,
 * numbered on from `firstNumber`. Only for the stub chain of the issue benchmark (stub-chain.ts), which answers
 * the API's issuing as a chain that costs nothing would; test/bench/stub-chain.test.ts holds it to the logs the
 * contract itself emits. It checks nothing the contract checks (roles, quota, duplicates): the benchmark's
 * requests are valid.
 */
const LEDGER = InvoiceLedger__factory.createInterface();
export const ISSUE_BATCH_SELECTOR = LEDGER.getFunction("issueBatch").selector;
const INVOICE_ISSUED = LEDGER.getEvent("InvoiceIssued").topicHash;

/** A log as JSON-RPC serves it, before the block's fields are added. */
export interface EmulatedLog {
  address: string;
  topics: string[];
  data: string;
}

const WORDS_PER_REQUEST = 5;
const word = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}`;

/** How many requests an `issueBatch` calldata carries, or undefined when it is not one (another function, or malformed). */
export function issueBatchSize(calldata: string): number | undefined {
  if (!calldata.startsWith(ISSUE_BATCH_SELECTOR)) return undefined;
  const body = calldata.slice(10);
  if (body.length < 128 || BigInt(`0x${body.slice(0, 64)}`) !== 32n) return undefined;
  const count = Number(BigInt(`0x${body.slice(64, 128)}`));
  return body.length === 128 + count * WORDS_PER_REQUEST * 64 ? count : undefined;
}

/** The logs of `issueBatch` called by `seller` with `calldata` (issueBatchSize must accept it), numbered from `firstNumber`. */
export function issueBatchLogs(ledger: string, seller: string, firstNumber: bigint, calldata: string): EmulatedLog[] {
  const count = issueBatchSize(calldata);
  if (count === undefined) throw new TypeError("not an issueBatch call");
  const address = ledger.toLowerCase();
  const sellerTopic = `0x${"0".repeat(24)}${seller.slice(2).toLowerCase()}`;
  const logs: EmulatedLog[] = [];
  for (let i = 0; i < count; i++) {
    const at = 10 + 128 + i * WORDS_PER_REQUEST * 64;
    const words = Array.from({ length: WORDS_PER_REQUEST }, (_, w) => calldata.slice(at + w * 64, at + (w + 1) * 64).toLowerCase());
    const [requestId, seal, buyerTaxId, total, tax] = words as [string, string, string, string, string];
    logs.push({
      address,
      topics: [INVOICE_ISSUED, invoiceIdOf(seller, `0x${requestId}`), word(firstNumber + BigInt(i)), sellerTopic],
      // buyerTaxId, seal, total, tax: each in its word as the request carried it.
      data: `0x${buyerTaxId}${seal}${total}${tax}`,
    });
  }
  return logs;
}
