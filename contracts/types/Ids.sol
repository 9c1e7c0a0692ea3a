// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @dev The ledger's key of an invoice: keccak256(abi.encode(seller, requestId)). Deriving it from the
/// merchant's own request id is what makes issuance idempotent: a repeated request lands on the same key.
type InvoiceId is bytes32;

/// @dev The ledger's key of a red-letter credit note: keccak256(abi.encode(seller, requestId, "credit-note")),
/// a namespace apart from invoices so that the two kinds of id can never be confused.
type CreditNoteId is bytes32;
