import { encodeBytes32String } from "ethers";

import { hexToBytes, keccak256Hex } from "../../crypto/native";
import { abiWords } from "./abi-words";

/**
 * Identifiers the ledger derives, computed here the same way (InvoiceLedger.invoiceIdOf / creditNoteIdOf),
 * so the API knows an invoice's id before it is issued: that is what makes a retried request find its invoice.
 */
const CREDIT_NOTE_TAG = encodeBytes32String("credit-note");

/** The on-chain request id of a merchant's own reference (its order number). */
export function requestIdOf(reference: string): string {
  return keccak256Hex(Buffer.from(reference, "utf8"));
}

export function invoiceIdOf(seller: string, requestId: string): string {
  return keccak256Hex(hexToBytes(abiWords({ address: seller }, { bytes32: requestId })));
}

export function creditNoteIdOf(seller: string, requestId: string): string {
  return keccak256Hex(hexToBytes(abiWords({ address: seller }, { bytes32: requestId }, { bytes32: CREDIT_NOTE_TAG })));
}
