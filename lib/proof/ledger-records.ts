import { getAddress, getBytes, toBeHex } from "ethers";

import {
  CREDIT_NOTE_STATUSES, INVOICE_STATES, LEDGER_LAYOUT, REVERSAL_REASONS, memberOf, slotOf, structSlots,
  type CreditNoteStatusName, type InvoiceStateName, type LedgerMapping, type Member, type ReversalReasonName,
} from "./ledger-storage";

/**
 * An invoice as its words in the ledger's storage say: amounts and numbers as decimal strings (fen), the seal as
 * hex, states by name. Everything the contract's `invoice(id)` view answers but the seller's account, which the
 * ledger keeps as an index into the participant registry (`sellerIndex`; the registry's storage is not proven).
 */
export interface InvoiceRecord {
  number: string;
  seal: string;
  total: string;
  tax: string;
  state: InvoiceStateName;
  /** While Frozen, the state it returns to; None otherwise. */
  frozenFrom: InvoiceStateName;
  sellerIndex: string;
  /** The buyer organisation's taxpayer ID, or null for an individual. */
  buyerTaxId: string | null;
  /** Null until claimed. */
  holder: string | null;
  /** The enterprise that locked (then reimbursed, filed) it; null when none. */
  enterprise: string | null;
  /** The tax period (YYYYMM) it was filed in; null until filed. */
  filedPeriod: string | null;
  reversedTotal: string;
  reversedTax: string;
  reversalPending: boolean;
}

/** A red-letter credit note as its words say, with the record of the invoice it reverses (whose state is the one that counts). */
export interface CreditNoteRecord {
  number: string;
  seal: string;
  total: string;
  tax: string;
  reason: ReversalReasonName;
  status: CreditNoteStatusName;
  invoice: { id: string; number: string; seal: string; total: string; state: InvoiceStateName; frozenFrom: InvoiceStateName };
}

/** A record with what it is: an invoice's or a credit note's, and its id. */
export type KindedRecord = { kind: "invoice"; id: string; record: InvoiceRecord } | { kind: "credit-note"; id: string; record: CreditNoteRecord };

/** Reads the value of one storage slot (32-byte hex key); throws when the slot is not at hand. */
export type SlotReader = (slot: string) => bigint;

/** A stored value that no record of the contract can hold (an enum beyond its members). */
export class UnreadableRecordError extends Error {
  readonly code = "UNREADABLE_RECORD";
}

/**
 * The invoice `id` as storage holds it, or undefined when the ledger has no invoice with that id (its issuance
 * names number 0). The slots read are, in order: the issuance, then the record at its number, then the custody.
 */
export function readInvoiceRecord(id: string, read: SlotReader): InvoiceRecord | undefined {
  const issuance = words(read, "_issuances", id);
  const number = member(issuance, "_issuances", "number");
  if (number === 0n) return undefined;
  const record = words(read, "_records", number);
  const custody = words(read, "_custody", id);
  return {
    number: number.toString(),
    seal: toBeHex(member(record, "_records", "seal"), 24),
    total: member(record, "_records", "total").toString(),
    tax: member(issuance, "_issuances", "tax").toString(),
    state: named(INVOICE_STATES, member(record, "_records", "state"), "state"),
    frozenFrom: named(INVOICE_STATES, member(record, "_records", "frozenFrom"), "frozenFrom"),
    sellerIndex: member(issuance, "_issuances", "seller").toString(),
    buyerTaxId: taxpayerId(member(issuance, "_issuances", "buyerTaxId")),
    holder: account(member(custody, "_custody", "holder")),
    enterprise: account(member(custody, "_custody", "enterprise")),
    filedPeriod: orNull(member(custody, "_custody", "filedPeriod")),
    reversedTotal: member(custody, "_custody", "reversedTotal").toString(),
    reversedTax: member(custody, "_custody", "reversedTax").toString(),
    reversalPending: member(custody, "_custody", "reversalPending") !== 0n,
  };
}

/**
 * The credit note `id` as storage holds it, or undefined when the ledger has none with that id (number 0). The
 * slots read: the note's three words, then its invoice's issuance (for the number) and record (for the state).
 */
export function readCreditNoteRecord(id: string, read: SlotReader): CreditNoteRecord | undefined {
  const note = words(read, "_creditNotes", id);
  const number = member(note, "_creditNotes", "number");
  if (number === 0n) return undefined;
  const invoiceId = toBeHex(member(note, "_creditNotes", "invoice"), 32);
  const invoiceNumber = member([read(slotOf("_issuances", invoiceId))], "_issuances", "number");
  const invoice = [read(slotOf("_records", invoiceNumber))];
  return {
    number: number.toString(),
    seal: toBeHex(member(note, "_creditNotes", "seal"), 24),
    total: member(note, "_creditNotes", "total").toString(),
    tax: member(note, "_creditNotes", "tax").toString(),
    reason: named(REVERSAL_REASONS, member(note, "_creditNotes", "reason"), "reason"),
    status: named(CREDIT_NOTE_STATUSES, member(note, "_creditNotes", "status"), "status"),
    invoice: {
      id: invoiceId,
      number: invoiceNumber.toString(),
      seal: toBeHex(member(invoice, "_records", "seal"), 24),
      total: member(invoice, "_records", "total").toString(),
      state: named(INVOICE_STATES, member(invoice, "_records", "state"), "state"),
      frozenFrom: named(INVOICE_STATES, member(invoice, "_records", "frozenFrom"), "frozenFrom"),
    },
  };
}

function words(read: SlotReader, mapping: LedgerMapping, key: bigint | string): bigint[] {
  return structSlots(mapping, key).map(read);
}

function member<M extends LedgerMapping>(values: readonly bigint[], mapping: M, name: keyof (typeof LEDGER_LAYOUT)[M]["members"] & string): bigint {
  const members: Record<string, Member> = LEDGER_LAYOUT[mapping].members;
  return memberOf(values, members[name]!);
}

function named<T extends readonly string[]>(names: T, value: bigint, what: string): T[number] {
  const name = names[Number(value)];
  if (name === undefined || value >= BigInt(names.length)) throw new UnreadableRecordError(`the stored ${what} ${value} is not one the ledger has`);
  return name;
}

function account(value: bigint): string | null {
  return value === 0n ? null : getAddress(toBeHex(value, 20));
}

function orNull(value: bigint): string | null {
  return value === 0n ? null : value.toString();
}

/** bytes18 of the ID's ASCII characters (as the API stores it), or its hex when it is not printable text. */
function taxpayerId(value: bigint): string | null {
  if (value === 0n) return null;
  const hex = toBeHex(value, 18);
  const bytes = getBytes(hex);
  return bytes.every((byte) => byte >= 0x21 && byte <= 0x7e) ? String.fromCharCode(...bytes) : hex;
}
