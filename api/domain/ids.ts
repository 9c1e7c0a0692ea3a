import { encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";

import { abiWords } from "./abi-words";

/**
 * Identifiers the ledger derives, computed here the same way (InvoiceLedger.invoiceIdOf / creditNoteIdOf),
 * so the API knows an invoice's id before it is issued: that is what makes a retried request find its invoice.
 */
const CREDIT_NOTE_TAG = encodeBytes32String("credit-note");

/** The on-chain request id of a merchant's own reference (its order number). */
export function requestIdOf(reference: string): string {
  return keccak256(toUtf8Bytes(reference));
}

export function invoiceIdOf(seller: string, requestId: string): string {
  return keccak256(abiWords({ address: seller }, { bytes32: requestId }));
}

export function creditNoteIdOf(seller: string, requestId: string): string {
  return keccak256(abiWords({ address: seller }, { bytes32: requestId }, { bytes32: CREDIT_NOTE_TAG }));
}
