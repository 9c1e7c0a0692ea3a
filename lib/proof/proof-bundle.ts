import { z } from "zod";

import type { DocumentFile } from "../../api/services/documents";

/** A document file as the API serves it to parties, with its salt (an erased document's is gone): what a bundle can carry and the verifier checks. */
export type ProvableDocumentFile = Omit<DocumentFile, "salt"> & { salt: string };
import type { BlockHeader } from "./header-hash";
import type { CreditNoteRecord, InvoiceRecord } from "./ledger-records";
import { CREDIT_NOTE_STATUSES, INVOICE_STATES, REVERSAL_REASONS } from "./ledger-storage";

/**
 * A proof bundle: one invoice's (or credit note's) record in the ledger's storage with the EIP-1186 proofs of
 * its words against the state root of one block, that block's header, and the seal the chain's authority
 * signed over it. Plain JSON, every number a hex or decimal string, so that it can be saved, mailed and checked
 * offline years later by `verifyProofBundle` with nothing but the authority's address (and the document).
 *
 *   seal --signs--> (chainId, number, hash, parentHash)
 *   hash = keccak256(rlp(header fields)) --> stateRoot
 *   stateRoot --accountProof--> the ledger proxy's account --> storageHash
 *   storageHash --storage[i].proof--> each word of the record
 *
 * `record` is the words decoded, for people and programs that read the bundle; a verifier recomputes it from the
 * proven words and refuses a bundle whose `record` says anything else.
 */
export const PROOF_BUNDLE_FORMAT = "e-invoice-ledger/proof@1";

export type ProofKind = "invoice" | "credit-note";

/** The authority's seal of the block (`ledger_getBlockSeal`); null from a chain that does not serve it. */
export interface BundleSeal {
  signer: string;
  /** 65-byte secp256k1 signature over blockSealDigest(chainId, number, hash, parentHash) (block-seal.ts). */
  signature: string;
}

/** The ledger proxy's account as `eth_getProof` answers it. */
export interface BundleAccount {
  address: string;
  accountProof: string[];
  storageHash: string;
  nonce: string;
  balance: string;
  codeHash: string;
}

/** One storage word: its slot (32-byte hex), its value (hex quantity) and its proof against `storageHash`. */
export interface BundleSlot {
  slot: string;
  value: string;
  proof: string[];
}

interface BundleBase {
  format: typeof PROOF_BUNDLE_FORMAT;
  /** Decimal. Signed by the seal; without one, as the bundle's maker says. */
  chainId: string;
  /** The InvoiceLedger proxy, whose storage holds the records. */
  contract: string;
  /** The invoice or credit note id (bytes32). */
  id: string;
  block: BlockHeader;
  seal: BundleSeal | null;
  account: BundleAccount;
  storage: BundleSlot[];
  /** The document file the record's seal commits to, when the bundle's maker included it. */
  document?: ProvableDocumentFile;
}

export type ProofBundle = (BundleBase & { kind: "invoice"; record: InvoiceRecord }) | (BundleBase & { kind: "credit-note"; record: CreditNoteRecord });

const hex = (bytes: number) => z.string().regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), `expected ${bytes} bytes in hex`);
const hexBytes = (max: number) => z.string().max(2 + max * 2).regex(/^0x([0-9a-fA-F]{2})*$/, "expected bytes in hex");
const quantity = z.string().regex(/^0x[0-9a-fA-F]{1,64}$/, "expected a hex quantity");
const decimal = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "expected a decimal integer");
const address = hex(20);
const bytes32 = hex(32);
/** A trie node is at most a branch of 16 hashes and a value (~532 bytes); a proof at most one node per nibble of the key. */
const trieProof = z.array(hexBytes(1_024)).max(65);

const header = z.strictObject({
  hash: bytes32, parentHash: bytes32, sha3Uncles: bytes32, miner: address, stateRoot: bytes32, transactionsRoot: bytes32,
  receiptsRoot: bytes32, logsBloom: hex(256), difficulty: quantity, number: quantity, gasLimit: quantity, gasUsed: quantity,
  timestamp: quantity, extraData: hexBytes(4_096), mixHash: bytes32, nonce: hex(8),
  baseFeePerGas: quantity.optional(), withdrawalsRoot: bytes32.optional(), blobGasUsed: quantity.optional(),
  excessBlobGas: quantity.optional(), parentBeaconBlockRoot: bytes32.optional(), requestsHash: bytes32.optional(),
});

const invoiceState = z.enum(INVOICE_STATES);
const invoiceRecord = z.strictObject({
  number: decimal, seal: hex(24), total: decimal, tax: decimal, state: invoiceState, frozenFrom: invoiceState,
  sellerIndex: decimal, buyerTaxId: z.string().max(38).nullable(), holder: address.nullable(), enterprise: address.nullable(),
  filedPeriod: decimal.nullable(), reversedTotal: decimal, reversedTax: decimal, reversalPending: z.boolean(),
});
const creditNoteRecord = z.strictObject({
  number: decimal, seal: hex(24), total: decimal, tax: decimal, reason: z.enum(REVERSAL_REASONS), status: z.enum(CREDIT_NOTE_STATUSES),
  invoice: z.strictObject({ id: bytes32, number: decimal, seal: hex(24), total: decimal, state: invoiceState, frozenFrom: invoiceState }),
});

/**
 * The document file, as far as a verifier reads it: the document itself is committed to as it is (its canonical
 * JSON), so only what is compared with the ledger is checked here and nothing else of it is touched.
 */
export const documentFileSchema = z.strictObject({
  id: bytes32,
  number: decimal,
  checkCode: z.string().regex(/^[0-9]{20}$/, "expected the 20-digit check code"),
  salt: bytes32,
  claimKeyAddress: address,
  document: z.looseObject({
    kind: z.enum(["invoice", "credit-note"]),
    totals: z.looseObject({ total: decimal, tax: decimal }),
    original: z.looseObject({ id: bytes32, number: decimal }).optional(),
  }),
});

const base = {
  format: z.literal(PROOF_BUNDLE_FORMAT),
  chainId: decimal,
  contract: address,
  id: bytes32,
  block: header,
  seal: z.strictObject({ signer: address, signature: hex(65) }).nullable(),
  account: z.strictObject({ address, accountProof: trieProof, storageHash: bytes32, nonce: quantity, balance: quantity, codeHash: bytes32 }),
  storage: z.array(z.strictObject({ slot: bytes32, value: quantity, proof: trieProof })).min(1).max(8),
  document: documentFileSchema.optional(),
};

const proofBundleSchema = z.discriminatedUnion("kind", [
  z.strictObject({ ...base, kind: z.literal("invoice"), record: invoiceRecord }),
  z.strictObject({ ...base, kind: z.literal("credit-note"), record: creditNoteRecord }),
]);

/**
 * Checks that `value` has a bundle's shape (no field missing, none unknown, every value of its form and size), and
 * returns it as it was given (the document's bytes untouched), or the first problem with its path.
 */
export function parseProofBundle(value: unknown): { bundle: ProofBundle } | { problem: string } {
  const parsed = proofBundleSchema.safeParse(value);
  if (parsed.success) return { bundle: value as ProofBundle };
  const issue = parsed.error.issues[0];
  return { problem: issue === undefined ? "not a proof bundle" : `${issue.path.join(".") || "(the bundle)"}: ${issue.message}` };
}

/** The same for a document file given on its own. */
export function parseDocumentFile(value: unknown): { file: ProvableDocumentFile } | { problem: string } {
  const parsed = documentFileSchema.safeParse(value);
  if (parsed.success) return { file: value as ProvableDocumentFile };
  const issue = parsed.error.issues[0];
  return { problem: issue === undefined ? "not a document file" : `document.${issue.path.join(".")}: ${issue.message}` };
}
