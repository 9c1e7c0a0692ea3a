import { Interface, getAddress, type EventFragment } from "ethers";

import { InvoiceLedger__factory, ParticipantRegistry__factory } from "../../typechain-types";

/**
 * Chain events, decoded into a tagged union. Every event carries where it is in the chain, when, and the
 * actor the chain recorded. Amounts stay as digit strings (fen); state names are the ledger's.
 */
export const STATES = ["None", "Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"] as const;
export type InvoiceState = (typeof STATES)[number];
/** A credit note's status, by the ledger's CreditNoteStatus (None, 0: no such note). */
export const CREDIT_NOTE_STATUSES = [null, "Pending", "Effective", "Cancelled"] as const;
export type CreditNoteStatus = Exclude<(typeof CREDIT_NOTE_STATUSES)[number], null>;
export const REASONS = ["issue-error", "sales-return", "service-stopped", "discount"] as const;
const ROLES = ["None", "Merchant", "Enterprise", "Individual"] as const;
const STATUSES = ["None", "Active", "Suspended", "Revoked"] as const;

export interface EventMeta {
  blockNumber: number;
  transactionIndex: number;
  logIndex: number;
  transactionHash: string;
  time: string;
  actor: string;
}

export type LedgerEvent = EventMeta &
  (
    | { type: "QuotaGranted"; merchant: string; period: number; granted: string }
    | { type: "InvoiceIssued"; invoiceId: string; number: string; seller: string; buyerTaxId: string | null; total: string; tax: string }
    | { type: "InvoiceClaimed"; invoiceId: string; holder: string }
    | { type: "InvoiceTransferred"; invoiceId: string; from: string; to: string }
    | { type: "InvoiceSubmitted"; invoiceId: string; holder: string; enterprise: string }
    | { type: "InvoiceRejected"; invoiceId: string; enterprise: string; reason: string }
    | { type: "InvoiceReimbursed"; invoiceId: string; enterprise: string }
    | { type: "InvoiceFiled"; invoiceId: string; enterprise: string; period: number }
    | { type: "ReversalRequested"; invoiceId: string; creditNoteId: string; number: string; total: string; tax: string; reason: string }
    | { type: "InvoiceReversed"; invoiceId: string; creditNoteId: string; number: string; total: string; tax: string; reason: string; state: InvoiceState }
    | { type: "ReversalCancelled"; invoiceId: string; creditNoteId: string }
    | { type: "InvoiceFrozen"; invoiceId: string; from: InvoiceState; reason: string }
    | { type: "InvoiceUnfrozen"; invoiceId: string; to: InvoiceState }
    | { type: "InvoiceReleased"; invoiceId: string; enterprise: string }
    | { type: "InvoiceReassigned"; invoiceId: string; from: string; to: string }
    | { type: "ParticipantRegistered"; account: string; role: string; taxpayerId: string | null }
    | { type: "ParticipantStatusChanged"; account: string; from: string; to: string }
  );

/** A log as JSON-RPC's eth_getLogs returns it (hex strings), before any decoding. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  transactionIndex: string;
  logIndex: string;
  transactionHash: string;
}

/**
 * Decoders by topic 0, computed once. Every parameter of our events is a static ABI type, one 32-byte word
 * each, read directly. (ethers' Interface.parseLog re-hashes every event signature and re-parses the types for
 * every log, and checksums each address through keccak: a full rebuild spent most of its time there.)
 */
interface Decoder {
  name: string;
  indexed: { name: string; type: string }[];
  plain: { name: string; type: string }[];
}
const decoders = new Map<string, Decoder>();
const STATIC = /^(address|bool|u?int\d*|bytes([1-9]|[12]\d|3[0-2]))$/;
for (const iface of [new Interface(InvoiceLedger__factory.abi), new Interface(ParticipantRegistry__factory.abi)]) {
  iface.forEachEvent((fragment: EventFragment) => {
    const params = fragment.inputs.map((p) => ({ name: p.name, type: p.type, indexed: p.indexed === true }));
    // Every event of the two contracts is static (test/api/events.test.ts checks that each one is decoded).
    if (fragment.anonymous || !params.every((p) => STATIC.test(p.type))) return;
    decoders.set(fragment.topicHash, { name: fragment.name, indexed: params.filter((p) => p.indexed), plain: params.filter((p) => !p.indexed) });
  });
}

/** The names of the events decodeEvent understands. */
export const decodableEvents = (): string[] => [...decoders.values()].map((d) => d.name);

/** One ABI word (64 hex digits) of a static type, as ethers would give it (addresses checksummed later). */
function word(type: string, hex: string): unknown {
  if (type === "address") return `0x${hex.slice(24)}`;
  if (type === "bool") return /[^0]/.test(hex);
  if (type.startsWith("uint")) return BigInt(`0x${hex}`);
  if (type.startsWith("int")) return BigInt.asIntN(Number(type.slice(3) || 256), BigInt(`0x${hex}`));
  return `0x${hex.slice(0, 2 * Number(type.slice(5)))}`;
}

function decodeArgs(decoder: Decoder, log: RawLog): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const data = log.data.slice(2);
  if (data.length !== 64 * decoder.plain.length) throw new Error(`log ${log.transactionHash}/${log.logIndex} of ${decoder.name} has ${data.length / 2} data bytes`);
  decoder.plain.forEach((p, i) => (args[p.name] = word(p.type, data.slice(64 * i, 64 * i + 64))));
  decoder.indexed.forEach((p, i) => (args[p.name] = word(p.type, log.topics[i + 1]!.slice(2))));
  return args;
}

const checksums = new Map<string, string>();
/** An account as events and answers carry it (checksummed), from any spelling; cached, since it costs a keccak. */
export function checksummedAccount(value: unknown): string {
  const raw = String(value).toLowerCase();
  let address = checksums.get(raw);
  if (address === undefined) {
    address = getAddress(raw);
    if (checksums.size > 100_000) checksums.clear();
    checksums.set(raw, address);
  }
  return address;
}
const account = checksummedAccount;

const text = (value: unknown) => String(value);
const lower = (value: unknown) => String(value).toLowerCase();
const bytesText = (value: unknown) => Buffer.from(String(value).slice(2), "hex").toString("utf8").replace(/\0+$/, "");
/**
 * A taxpayer ID as the chain holds it (bytes18). One sent around the API need not be text at all (a NUL in the
 * middle, which a database text column cannot hold): anything but 18 digits and capitals is kept as its hex.
 */
const taxId = (value: unknown) => {
  if (/^0x0+$/.test(String(value))) return null;
  const text = bytesText(value);
  return /^[0-9A-Z]{18}$/.test(text) ? text : String(value).toLowerCase();
};
const state = (value: unknown) => STATES[Number(value)] ?? "None";
const reason = (value: unknown) => REASONS[Number(value)] ?? "issue-error";

/** Decodes one log of the ledger or the registry; other events (e.g. OpenZeppelin's role events) give undefined. */
export function decodeEvent(log: RawLog, time: string): LedgerEvent | undefined {
  const decoder = decoders.get(log.topics[0] ?? "");
  if (decoder === undefined) return undefined;
  const a = decodeArgs(decoder, log);
  const meta = { blockNumber: Number(log.blockNumber), transactionIndex: Number(log.transactionIndex), logIndex: Number(log.logIndex), transactionHash: log.transactionHash, time };
  const at = (actor: unknown) => ({ ...meta, actor: account(actor) });
  switch (decoder.name) {
    case "QuotaGranted":
      return { type: "QuotaGranted", ...at(a.actor), merchant: account(a.merchant), period: Number(a.period), granted: text(a.granted) };
    case "InvoiceIssued":
      return { type: "InvoiceIssued", ...at(a.seller), invoiceId: lower(a.id), number: text(a.number), seller: account(a.seller), buyerTaxId: taxId(a.buyerTaxId), total: text(a.total), tax: text(a.tax) };
    case "InvoiceClaimed":
      return { type: "InvoiceClaimed", ...at(a.holder), invoiceId: lower(a.id), holder: account(a.holder) };
    case "InvoiceTransferred":
      return { type: "InvoiceTransferred", ...at(a.from), invoiceId: lower(a.id), from: account(a.from), to: account(a.to) };
    case "InvoiceSubmitted":
      return { type: "InvoiceSubmitted", ...at(a.holder), invoiceId: lower(a.id), holder: account(a.holder), enterprise: account(a.enterprise) };
    case "InvoiceRejected":
      return { type: "InvoiceRejected", ...at(a.enterprise), invoiceId: lower(a.id), enterprise: account(a.enterprise), reason: bytesText(a.reason) };
    case "InvoiceReimbursed":
      return { type: "InvoiceReimbursed", ...at(a.enterprise), invoiceId: lower(a.id), enterprise: account(a.enterprise) };
    case "InvoiceFiled":
      return { type: "InvoiceFiled", ...at(a.enterprise), invoiceId: lower(a.id), enterprise: account(a.enterprise), period: Number(a.period) };
    case "ReversalRequested":
      return { type: "ReversalRequested", ...at(a.seller), invoiceId: lower(a.id), creditNoteId: lower(a.creditNote), number: text(a.number), total: text(a.total), tax: text(a.tax), reason: reason(a.reason) };
    case "InvoiceReversed":
      return { type: "InvoiceReversed", ...at(a.actor), invoiceId: lower(a.id), creditNoteId: lower(a.creditNote), number: text(a.number), total: text(a.total), tax: text(a.tax), reason: reason(a.reason), state: state(a.state) };
    case "ReversalCancelled":
      return { type: "ReversalCancelled", ...at(a.actor), invoiceId: lower(a.id), creditNoteId: lower(a.creditNote) };
    case "InvoiceFrozen":
      return { type: "InvoiceFrozen", ...at(a.actor), invoiceId: lower(a.id), from: state(a.from), reason: bytesText(a.reason) };
    case "InvoiceUnfrozen":
      return { type: "InvoiceUnfrozen", ...at(a.actor), invoiceId: lower(a.id), to: state(a.to) };
    case "InvoiceReleased":
      return { type: "InvoiceReleased", ...at(a.actor), invoiceId: lower(a.id), enterprise: account(a.enterprise) };
    case "InvoiceReassigned":
      return { type: "InvoiceReassigned", ...at(a.actor), invoiceId: lower(a.id), from: account(a.from), to: account(a.to) };
    case "ParticipantRegistered":
      return { type: "ParticipantRegistered", ...at(a.registrar), account: account(a.account), role: ROLES[Number(a.role)] ?? "None", taxpayerId: taxId(a.taxpayerId) };
    case "ParticipantStatusChanged":
      return { type: "ParticipantStatusChanged", ...at(a.actor), account: account(a.account), from: STATUSES[Number(a.from)] ?? "None", to: STATUSES[Number(a.to)] ?? "None" };
    default:
      return undefined;
  }
}

/**
 * The seal an InvoiceIssued (the invoice's) or ReversalRequested (the credit note's) log carries, with the id of
 * the document it seals; undefined for any other log. The index keeps seals with invoices and credit notes, where
 * verification reads them (api/db/verification-index.ts), not in the events a trace serves.
 */
export function sealOf(log: RawLog): { id: string; seal: string } | undefined {
  const decoder = decoders.get(log.topics[0] ?? "");
  if (decoder === undefined || (decoder.name !== "InvoiceIssued" && decoder.name !== "ReversalRequested")) return undefined;
  // Only the two words needed: a rebuild reads a million of these logs (decodeEvent has read the rest).
  const at = decoder.plain.findIndex((p) => p.name === "seal");
  const topic = decoder.indexed.findIndex((p) => p.name === (decoder.name === "InvoiceIssued" ? "id" : "creditNote"));
  const data = log.data.slice(2);
  if (at < 0 || topic < 0 || data.length !== 64 * decoder.plain.length) throw new Error(`log ${log.transactionHash}/${log.logIndex} of ${decoder.name} has no seal where the ABI puts it`);
  return { id: lower(log.topics[topic + 1]), seal: lower(word("bytes24", data.slice(64 * at, 64 * at + 64))) };
}

/** The invoice an event belongs to, if any (what a trace collects). */
export function invoiceOf(event: LedgerEvent): string | undefined {
  return "invoiceId" in event ? event.invoiceId : undefined;
}
