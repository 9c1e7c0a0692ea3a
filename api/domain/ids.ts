import { AbiCoder, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";

/**
 * Identifiers the ledger derives, computed here the same way (InvoiceLedger.invoiceIdOf / creditNoteIdOf),
 * so the API knows an invoice's id before it is issued: that is what makes a retried request find its invoice.
 */
const abi = AbiCoder.defaultAbiCoder();
const CREDIT_NOTE_TAG = encodeBytes32String("credit-note");

/** The on-chain request id of a merchant's own reference (its order number). */
export function requestIdOf(reference: string): string {
  return keccak256(toUtf8Bytes(reference));
}

export function invoiceIdOf(seller: string, requestId: string): string {
  return keccak256(abi.encode(["address", "bytes32"], [seller, requestId]));
}

export function creditNoteIdOf(seller: string, requestId: string): string {
  return keccak256(abi.encode(["address", "bytes32", "bytes32"], [seller, requestId, CREDIT_NOTE_TAG]));
}
