import { AbiCoder, keccak256, toBeHex } from "ethers";

/**
 * Where InvoiceLedger keeps what a proof bundle proves, and how its packed words read: the one place that knows
 * the contract's storage layout (solc's, committed in test/contracts/storage-layouts/InvoiceLedger.json, which
 * test/proof/ledger-storage.test.ts holds this table to). The ledger is behind an ERC-1967 proxy, so these
 * slots are in the proxy's storage.
 *
 * A member of a struct is `bytes` bytes at byte `offset` of word `word` of its struct, counted from the low-order
 * end, as solc packs them; a bytesN member is its big-endian value in those bytes.
 */
export interface Member {
  word: number;
  offset: number;
  bytes: number;
}

/** The four mappings a bundle reads: their declaration slot and their struct's members. */
export const LEDGER_LAYOUT = {
  /** mapping(uint40 number => Record): one word per number, what a verifier needs. */
  _records: {
    slot: 2n,
    members: {
      seal: { word: 0, offset: 0, bytes: 24 },
      total: { word: 0, offset: 24, bytes: 6 },
      state: { word: 0, offset: 30, bytes: 1 },
      frozenFrom: { word: 0, offset: 31, bytes: 1 },
    },
  },
  /** mapping(InvoiceId id => Issuance): what issuance fixed, and the number that finds the record. */
  _issuances: {
    slot: 3n,
    members: {
      number: { word: 0, offset: 0, bytes: 5 },
      seller: { word: 0, offset: 5, bytes: 4 },
      tax: { word: 0, offset: 9, bytes: 5 },
      buyerTaxId: { word: 0, offset: 14, bytes: 18 },
    },
  },
  /** mapping(InvoiceId id => Custody): who holds it and what happened since issuance (two words). */
  _custody: {
    slot: 4n,
    members: {
      holder: { word: 0, offset: 0, bytes: 20 },
      reversedTotal: { word: 0, offset: 20, bytes: 6 },
      reversedTax: { word: 0, offset: 26, bytes: 5 },
      reversalPending: { word: 0, offset: 31, bytes: 1 },
      enterprise: { word: 1, offset: 0, bytes: 20 },
      filedPeriod: { word: 1, offset: 20, bytes: 3 },
    },
  },
  /** mapping(CreditNoteId id => CreditNote): three words. */
  _creditNotes: {
    slot: 5n,
    members: {
      invoice: { word: 0, offset: 0, bytes: 32 },
      number: { word: 1, offset: 0, bytes: 5 },
      total: { word: 1, offset: 5, bytes: 6 },
      tax: { word: 1, offset: 11, bytes: 5 },
      reason: { word: 1, offset: 16, bytes: 1 },
      status: { word: 1, offset: 17, bytes: 1 },
      seal: { word: 2, offset: 0, bytes: 24 },
    },
  },
} as const satisfies Record<string, { slot: bigint; members: Record<string, Member> }>;

export type LedgerMapping = keyof typeof LEDGER_LAYOUT;

/** IInvoiceLedger.State, in declaration order (a stored enum is its index). */
export const INVOICE_STATES = ["None", "Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"] as const;
export type InvoiceStateName = (typeof INVOICE_STATES)[number];
/** IInvoiceLedger.CreditNoteStatus, in declaration order. */
export const CREDIT_NOTE_STATUSES = ["None", "Pending", "Effective", "Cancelled"] as const;
export type CreditNoteStatusName = (typeof CREDIT_NOTE_STATUSES)[number];
/** IInvoiceLedger.ReversalReason, in declaration order, named as the API names them. */
export const REVERSAL_REASONS = ["issue-error", "sales-return", "service-stopped", "discount"] as const;
export type ReversalReasonName = (typeof REVERSAL_REASONS)[number];

const coder = AbiCoder.defaultAbiCoder();

/**
 * The slot of word `word` of the value at `key` in `mapping`: keccak256(abi.encode(key, declaration slot)) + word,
 * solc's rule for a mapping whose key is a value type (uint40 numbers and bytes32 ids alike, both padded to 32
 * bytes). As a 32-byte hex string, the form `eth_getProof` needs (EDR refuses shorter keys).
 */
export function slotOf(mapping: LedgerMapping, key: bigint | string, word = 0): string {
  const encoded = typeof key === "bigint" ? coder.encode(["uint256", "uint256"], [key, LEDGER_LAYOUT[mapping].slot]) : coder.encode(["bytes32", "uint256"], [key, LEDGER_LAYOUT[mapping].slot]);
  return toBeHex(BigInt(keccak256(encoded)) + BigInt(word), 32);
}

/** The slots of every word of the struct at `key` in `mapping`, in word order. */
export function structSlots(mapping: LedgerMapping, key: bigint | string): string[] {
  const words = Math.max(...Object.values(LEDGER_LAYOUT[mapping].members).map((member: Member) => member.word)) + 1;
  return Array.from({ length: words }, (_, word) => slotOf(mapping, key, word));
}

/** The value of a member, read from its struct's words (word i at index i). */
export function memberOf(words: readonly bigint[], member: Member): bigint {
  const word = words[member.word];
  if (word === undefined) throw new RangeError(`word ${member.word} of the struct is missing`);
  return (word >> BigInt(member.offset * 8)) & ((1n << BigInt(member.bytes * 8)) - 1n);
}
