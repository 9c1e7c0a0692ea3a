import canonicalize from "canonicalize";
import { getAddress, isAddress } from "ethers";

import { blockSealSigner } from "./block-seal";
import { documentMismatch } from "./document-match";
import { HeaderFieldsError, headerHash } from "./header-hash";
import { UnreadableRecordError, readCreditNoteRecord, readInvoiceRecord, type CreditNoteRecord, type InvoiceRecord, type KindedRecord } from "./ledger-records";
import type { InvoiceStateName } from "./ledger-storage";
import { parseDocumentFile, parseProofBundle, type ProofBundle, type ProvableDocumentFile } from "./proof-bundle";
import { provenAccount, provenSlot } from "./trie-proofs";

/**
 * Why a bundle is refused, in about the order they are checked (a bundle wrong in several ways gets one of them):
 * - FORMAT_INVALID: not a bundle of this format (a field missing, unknown, malformed, a storage word the record
 *   does not use), or a document file that is not one.
 * - CONTRACT_MISMATCH: the bundle is about another contract than the ledger the caller named.
 * - HEADER_HASH_MISMATCH: the header's fields do not hash to its `hash`.
 * - BLOCK_NOT_TRUSTED: the caller named a trusted block hash and this is another block.
 * - UNSEALED: the bundle has no seal (its chain does not serve one) and the caller trusts no block hash.
 * - SEAL_INVALID: the seal does not recover to its signer over this chain id, number, hash and parent hash.
 * - SEAL_NOT_AUTHORITY: the seal is a good signature, but by another key than the authority's.
 * - ACCOUNT_PROOF_INVALID: the contract's account is not proven against the header's state root as given.
 * - STORAGE_PROOF_INVALID: a storage word is not proven against the account's storage root as given, or a word
 *   the record needs is missing.
 * - NOT_ON_LEDGER: the proofs hold, and prove that the ledger had no such invoice or credit note at that block.
 * - RECORD_MISMATCH: the bundle's decoded `record` is not what the proven words say.
 * - DOCUMENT_MISMATCH: a document file (in the bundle or given) is not the one the proven seal commits to, or its
 *   number, amounts or check code are not the ledger's.
 */
export const PROOF_REFUSALS = [
  "FORMAT_INVALID", "CONTRACT_MISMATCH", "HEADER_HASH_MISMATCH", "BLOCK_NOT_TRUSTED", "UNSEALED", "SEAL_INVALID", "SEAL_NOT_AUTHORITY",
  "ACCOUNT_PROOF_INVALID", "STORAGE_PROOF_INVALID", "NOT_ON_LEDGER", "RECORD_MISMATCH", "DOCUMENT_MISMATCH",
] as const;
export type ProofRefusalCode = (typeof PROOF_REFUSALS)[number];

export interface VerifyOptions {
  /** The chain authority's address (the bureau's sealing key): a sealed bundle must be sealed by it. */
  authority?: string;
  /**
   * A block hash trusted by other means (read from one's own node, a published checkpoint). A bundle from a chain
   * that serves no seal (`seal: null`) verifies only with it, and only for that block; a sealed bundle must then
   * be of that block too.
   */
  trustedBlockHash?: string;
  /**
   * The ledger's (proxy) address, from its deployment: given, a bundle about any other contract is refused.
   * Without it, `proves.contract` says whose storage the record is in, for the caller to compare.
   */
  contract?: string;
  /** A document file to hold against the proven record, besides the one the bundle may carry. */
  document?: ProvableDocumentFile;
}

interface ProvenCommon {
  chainId: string;
  contract: string;
  blockNumber: string;
  blockHash: string;
  /** The block's time, in seconds since 1970 (UTC). */
  blockTimestamp: string;
  /** Who sealed the block (the authority, when one was given), or null when it was trusted by its hash alone. */
  sealedBy: string | null;
  id: string;
  number: string;
  seal: string;
  total: string;
  tax: string;
  /** The invoice's state; for a credit note, the state of the invoice it reverses. */
  state: InvoiceStateName;
  /** Present when a document file was checked (in the bundle or given): it is the sealed document. */
  documentMatches?: true;
}

/** What a bundle that verifies proves: this record was in the ledger's storage at this block. */
export type ProvenFacts = (ProvenCommon & { kind: "invoice"; record: InvoiceRecord }) | (ProvenCommon & { kind: "credit-note"; record: CreditNoteRecord });

export type ProofVerdict = { valid: true; proves: ProvenFacts } | { valid: false; reason: ProofRefusalCode; detail: string };

/** Options a caller got wrong (not a property of the bundle): thrown, not answered. */
export class ProofOptionsError extends Error {
  readonly code = "PROOF_OPTIONS_INVALID";
}

class Refusal extends Error {
  constructor(readonly reason: ProofRefusalCode, detail: string) {
    super(detail);
  }
}

function refuse(reason: ProofRefusalCode, detail: string): never {
  throw new Refusal(reason, detail);
}

/**
 * Checks a proof bundle offline: nothing is read from any chain. It trusts no decoded field of the bundle: the
 * header is hashed again, the seal recovered, the account and every storage word proven through the tries from
 * the state root, the record decoded again from the proven words (and the bundle's `record` held to it), and a
 * document's seal recomputed. It answers what the bundle proves, or why it is refused; it throws only for
 * options the caller got wrong (ProofOptionsError), never for anything in the bundle.
 *
 * Trust comes from `authority` (the block is sealed by that key) or `trustedBlockHash` (a bundle without a seal,
 * from a chain that serves none, verifies only this way: UNSEALED otherwise). At least one must be given.
 */
export async function verifyProofBundle(input: unknown, options: VerifyOptions): Promise<ProofVerdict> {
  const authority = optionalAddress(options.authority, "authority");
  const trustedContract = optionalAddress(options.contract, "contract");
  const trustedBlockHash = options.trustedBlockHash;
  if (trustedBlockHash !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(trustedBlockHash)) throw new ProofOptionsError("trustedBlockHash must be a 32-byte hex hash");
  if (authority === undefined && trustedBlockHash === undefined) throw new ProofOptionsError("give the authority's address, or a trusted block hash");
  try {
    return { valid: true, proves: await verify(input, { authority, trustedContract, trustedBlockHash, document: options.document }) };
  } catch (error) {
    if (error instanceof Refusal) return { valid: false, reason: error.reason, detail: error.message };
    throw error;
  }
}

async function verify(
  input: unknown,
  options: { authority: string | undefined; trustedContract: string | undefined; trustedBlockHash: string | undefined; document: unknown },
): Promise<ProvenFacts> {
  const parsed = parseProofBundle(input);
  if ("problem" in parsed) refuse("FORMAT_INVALID", parsed.problem);
  const bundle = parsed.bundle;
  const documents = [...(bundle.document === undefined ? [] : [bundle.document]), ...(options.document === undefined ? [] : [documentFile(options.document)])];
  const contract = checksummed(bundle.contract);
  if (options.trustedContract !== undefined && contract !== options.trustedContract) refuse("CONTRACT_MISMATCH", `the bundle is about ${contract}, not the ledger ${options.trustedContract}`);
  if (checksummed(bundle.account.address) !== contract) refuse("FORMAT_INVALID", "account.address: the account proven is not the bundle's contract");

  // The header, and what makes it trusted: the seal, or the caller's own knowledge of the block.
  const { block } = bundle;
  let hash: string;
  try {
    hash = headerHash(block);
  } catch (error) {
    if (error instanceof HeaderFieldsError) refuse("FORMAT_INVALID", `block: ${error.message}`);
    throw error;
  }
  if (hash !== block.hash.toLowerCase()) refuse("HEADER_HASH_MISMATCH", `the header's fields hash to ${hash}, not to the block hash ${block.hash}`);
  if (options.trustedBlockHash !== undefined && hash !== options.trustedBlockHash.toLowerCase()) refuse("BLOCK_NOT_TRUSTED", `the bundle is of block ${hash}, not of the trusted block ${options.trustedBlockHash}`);
  let sealedBy: string | null = null;
  if (bundle.seal === null) {
    if (options.trustedBlockHash === undefined) refuse("UNSEALED", "the bundle has no seal (its chain serves none): it verifies only against a block hash the caller trusts");
  } else {
    const signer = blockSealSigner(bundle.seal.signature, BigInt(bundle.chainId), BigInt(block.number), block.hash, block.parentHash);
    if (signer === undefined || signer !== checksummed(bundle.seal.signer)) refuse("SEAL_INVALID", "the seal is not its signer's signature over this chain id, block number, hash and parent hash");
    if (options.authority !== undefined && signer !== options.authority) refuse("SEAL_NOT_AUTHORITY", `the block is sealed by ${signer}, not by the authority ${options.authority}`);
    sealedBy = signer;
  }

  // The contract's account against the state root, each storage word against its storage root.
  const account = await provenAccount(block.stateRoot, contract, bundle.account.accountProof);
  if (account === undefined) refuse("ACCOUNT_PROOF_INVALID", "the account proof does not verify against the header's state root");
  if (account === null) refuse("ACCOUNT_PROOF_INVALID", `the state root proves that ${contract} has no account`);
  const given = bundle.account;
  if (account.nonce !== BigInt(given.nonce) || account.balance !== BigInt(given.balance) || account.storageRoot !== given.storageHash.toLowerCase() || account.codeHash !== given.codeHash.toLowerCase()) {
    refuse("ACCOUNT_PROOF_INVALID", "the account's nonce, balance, storage hash or code hash is not the proven one");
  }
  const words = new Map<string, bigint>();
  for (const [index, entry] of bundle.storage.entries()) {
    const slot = entry.slot.toLowerCase();
    if (words.has(slot)) refuse("FORMAT_INVALID", `storage.${index}: slot ${slot} is given twice`);
    const value = await provenSlot(account.storageRoot, slot, entry.proof);
    if (value === undefined) refuse("STORAGE_PROOF_INVALID", `storage.${index}: the proof of slot ${slot} does not verify against the storage hash`);
    if (value !== BigInt(entry.value)) refuse("STORAGE_PROOF_INVALID", `storage.${index}: slot ${slot} is proven to hold ${value}, not ${BigInt(entry.value)}`);
    words.set(slot, value);
  }

  // The record, decoded again from the proven words only.
  const used = new Set<string>();
  const read = (slot: string): bigint => {
    const value = words.get(slot);
    if (value === undefined) refuse("STORAGE_PROOF_INVALID", `the record needs slot ${slot}, which the bundle does not prove`);
    used.add(slot);
    return value;
  };
  let proven: KindedRecord | undefined;
  try {
    if (bundle.kind === "invoice") {
      const record = readInvoiceRecord(bundle.id, read);
      proven = record === undefined ? undefined : { kind: "invoice", id: bundle.id.toLowerCase(), record };
    } else {
      const record = readCreditNoteRecord(bundle.id, read);
      proven = record === undefined ? undefined : { kind: "credit-note", id: bundle.id.toLowerCase(), record };
    }
  } catch (error) {
    if (error instanceof UnreadableRecordError) refuse("RECORD_MISMATCH", error.message);
    throw error;
  }
  if (proven === undefined) refuse("NOT_ON_LEDGER", `the ledger had no ${bundle.kind} ${bundle.id} at block ${BigInt(block.number)}`);
  const unused = [...words.keys()].filter((slot) => !used.has(slot));
  if (unused.length > 0) refuse("FORMAT_INVALID", `storage: slot ${unused[0]} is not one the record is read from`);
  if (canonicalize(proven.record) !== canonicalize(bundle.record)) refuse("RECORD_MISMATCH", "the bundle's record is not what the proven storage words say");

  for (const file of documents) {
    const mismatch = documentMismatch(file, proven);
    if (mismatch !== undefined) refuse("DOCUMENT_MISMATCH", mismatch);
  }
  return facts(bundle, proven, { contract, hash, sealedBy, documentChecked: documents.length > 0 });
}

function facts(bundle: ProofBundle, proven: KindedRecord, at: { contract: string; hash: string; sealedBy: string | null; documentChecked: boolean }): ProvenFacts {
  const { record } = proven;
  const common = {
    chainId: bundle.chainId,
    contract: at.contract,
    blockNumber: BigInt(bundle.block.number).toString(),
    blockHash: at.hash,
    blockTimestamp: BigInt(bundle.block.timestamp).toString(),
    sealedBy: at.sealedBy,
    id: proven.id,
    number: record.number,
    seal: record.seal,
    total: record.total,
    tax: record.tax,
    ...(at.documentChecked ? { documentMatches: true as const } : {}),
  };
  return proven.kind === "invoice"
    ? { ...common, kind: "invoice", record: proven.record, state: proven.record.state }
    : { ...common, kind: "credit-note", record: proven.record, state: proven.record.invoice.state };
}

function documentFile(value: unknown): ProvableDocumentFile {
  const parsed = parseDocumentFile(value);
  if ("problem" in parsed) refuse("FORMAT_INVALID", parsed.problem);
  return parsed.file;
}

/** An address of the bundle in its checksummed form, whatever its case (a wrong checksum is no refusal: the bytes count). */
function checksummed(address: string): string {
  return getAddress(address.toLowerCase());
}

function optionalAddress(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isAddress(value)) throw new ProofOptionsError(`${name} must be an address`);
  return getAddress(value);
}
