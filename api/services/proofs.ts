import { toQuantity } from "ethers";

import type { LedgerClient } from "../chain/ledger-client";
import { toApiError } from "../chain/contract-errors";
import { HEADER_FIELDS, type BlockHeader } from "../../lib/proof/header-hash";
import { readCreditNoteRecord, readInvoiceRecord, type SlotReader } from "../../lib/proof/ledger-records";
import { PROOF_BUNDLE_FORMAT, type BundleAccount, type BundleSeal, type ProofBundle, type ProvableDocumentFile } from "../../lib/proof/proof-bundle";
import { verifyProofBundle } from "../../lib/proof/verify-proof-bundle";

/** Heads tried before giving up, when the chain no longer holds the state of the head it just named (a pruning node). */
const ATTEMPTS = 3;
const METHOD_NOT_FOUND = -32601;
/** Geth's, Besu's and our node's code for a state it does not hold (pruned, or before a state snapshot). */
const SERVER_ERROR = -32000;

/** `eth_getProof`'s answer (EIP-1186): the account as the bundle keeps it, and each storage word's proof. */
type ProofAnswer = BundleAccount & { storageProof: { key: string; value: string; proof: string[] }[] };

/** Asks for the words it needs and throws this when one is not at hand yet (see `discoverSlots`). */
class SlotNeeded extends Error {
  constructor(readonly slot: string) {
    super(`slot ${slot} is not read yet`);
  }
}

/**
 * Proof bundles (lib/proof/proof-bundle.ts) of invoices and credit notes, built from standard JSON-RPC: at the
 * head block, the record's storage words with `eth_getProof`, the header with `eth_getBlockByNumber`, and the
 * authority's seal with `ledger_getBlockSeal` where the chain serves it (our node; anywhere else the bundle has
 * `seal: null` and verifies only against a block hash the verifier trusts). Every read names the same block
 * number, so the parts agree whatever is sealed meanwhile. An id the ledger does not know gives undefined.
 * Each bundle is verified before it is handed out (against the hash just read): a chain whose headers or
 * proofs this code does not understand is an error here, not a bundle nobody can check.
 */
export function createProofs(client: LedgerClient) {
  const contract = client.addresses.ledger;

  async function build(kind: ProofBundle["kind"], id: string, document: ProvableDocumentFile | undefined): Promise<ProofBundle | undefined> {
    if (!/^0x[0-9a-fA-F]{64}$/.test(id)) return undefined;
    const key = id.toLowerCase();
    const decode = (read: SlotReader) => (kind === "invoice" ? readInvoiceRecord(key, read) : readCreditNoteRecord(key, read));
    for (let attempt = 1; ; attempt++) {
      try {
        const tag = toQuantity(BigInt(await client.rpc<string>("eth_blockNumber", [])));
        const slots = await discoverSlots(tag, decode);
        if (slots === undefined) return undefined;
        const [proof, block, seal] = await Promise.all([
          client.rpc<ProofAnswer>("eth_getProof", [contract, slots, tag]),
          client.rpc<Record<string, unknown> | null>("eth_getBlockByNumber", [tag, false]),
          blockSeal(tag),
        ]);
        if (block === null) throw new Error(`the chain named block ${tag} its head but does not answer its header`);
        const header = headerOf(block);
        const storage = slots.map((slot) => {
          const entry = proof.storageProof.find((p) => BigInt(p.key) === BigInt(slot));
          if (entry === undefined) throw new Error(`eth_getProof did not answer slot ${slot}`);
          return { slot, value: entry.value, proof: entry.proof };
        });
        const values = new Map(storage.map((entry) => [entry.slot, BigInt(entry.value)]));
        const record = decode((slot) => values.get(slot)!);
        if (record === undefined) return undefined;
        if (seal !== null && seal.hash !== header.hash) throw new Error(`the chain's seal of block ${tag} is for ${seal.hash}, its header says ${header.hash}`);
        const common = {
          format: PROOF_BUNDLE_FORMAT,
          chainId: client.chainId.toString(),
          contract,
          id: key,
          block: header,
          seal: seal === null ? null : { signer: seal.signer, signature: seal.signature },
          account: { address: contract, accountProof: proof.accountProof, storageHash: proof.storageHash, nonce: proof.nonce, balance: proof.balance, codeHash: proof.codeHash },
          storage,
          ...(document === undefined ? {} : { document }),
        } as const;
        const bundle: ProofBundle = "state" in record ? { ...common, kind: "invoice", record } : { ...common, kind: "credit-note", record };
        const verdict = await verifyProofBundle(bundle, { trustedBlockHash: header.hash, contract });
        if (!verdict.valid) throw new Error(`the bundle built from the chain's answers does not verify: ${verdict.reason} (${verdict.detail})`);
        return bundle;
      } catch (error) {
        if (attempt < ATTEMPTS && (error as { code?: unknown }).code === SERVER_ERROR) continue;
        // Unreachable: 503; anything else the chain answered that makes no bundle: 502 LEDGER_ERROR.
        throw toApiError(error);
      }
    }
  }

  /**
   * The storage words the record is read from, found by reading it: the decoder asks for a word, the word is
   * read at `tag` (`eth_getStorageAt`), and the decoder runs again, until it has all it asks for (an invoice's
   * record slot depends on the number its issuance word holds). The verifier reads the same words the same way,
   * so the bundle proves exactly those. Undefined when the id is unknown.
   */
  async function discoverSlots(tag: string, decode: (read: SlotReader) => unknown): Promise<string[] | undefined> {
    const known = new Map<string, bigint>();
    for (;;) {
      const read: SlotReader = (slot) => {
        const value = known.get(slot);
        if (value === undefined) throw new SlotNeeded(slot);
        return value;
      };
      try {
        return decode(read) === undefined ? undefined : [...known.keys()];
      } catch (error) {
        if (!(error instanceof SlotNeeded)) throw error;
        known.set(error.slot, BigInt(await client.rpc<string>("eth_getStorageAt", [contract, error.slot, tag])));
      }
    }
  }

  /** The authority's seal of block `tag`; null where the chain serves none (-32601) or has none for it. */
  async function blockSeal(tag: string): Promise<(BundleSeal & { hash: string }) | null> {
    try {
      const answer = await client.rpc<{ hash: string; signer: string | null; seal: string } | null>("ledger_getBlockSeal", [tag]);
      return answer === null || answer.signer === null ? null : { hash: answer.hash, signer: answer.signer, signature: answer.seal };
    } catch (error) {
      if ((error as { code?: unknown }).code === METHOD_NOT_FOUND) return null;
      throw error;
    }
  }

  return {
    /** The bundle of invoice `id` at the head block, with `document` (its file) inside when given; undefined for an unknown id. */
    invoiceBundle: (id: string, document?: ProvableDocumentFile) => build("invoice", id, document),
    /** The bundle of credit note `id`, with the record of the invoice it reverses; undefined for an unknown id. */
    creditNoteBundle: (id: string, document?: ProvableDocumentFile) => build("credit-note", id, document),
  };
}

/** The header fields of a block as the chain answered them (the hash included), without its body. */
function headerOf(block: Record<string, unknown>): BlockHeader {
  const header: Record<string, string> = {};
  for (const field of HEADER_FIELDS) {
    const value = block[field];
    if (typeof value === "string") header[field] = value;
  }
  return header as unknown as BlockHeader;
}

export type Proofs = ReturnType<typeof createProofs>;
