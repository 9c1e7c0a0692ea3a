import { ZeroAddress, getAddress } from "ethers";
import type { Kysely } from "kysely";

import { checkCodeOf, commitmentOf, newClaimKey, newSalt, sealOf } from "../domain/commitment";
import type { LedgerDocument } from "../domain/invoice-document";
import type { Keystore, SealedSecret } from "../chain/keystore";
import { findDocument, findDocuments, insertDocuments, type DocumentRow } from "../db/documents";
import type { Schema } from "../db/schema";
import { ApiError, conflict } from "../errors";

/**
 * Documents of invoices and credit notes as the API keeps them: the document, its salt, and for an invoice
 * the claim key (its private key is the claim code printed on the invoice). Committed before the transaction
 * that puts the seal on chain, so a seal on chain always has its document here; written once, never over.
 */
export interface StoredDocument {
  id: string;
  kind: LedgerDocument["kind"];
  seller: string;
  requestId: string;
  document: LedgerDocument;
  salt: string;
  commitment: string;
  seal: string;
  /** Invoices only: the claim key's private key (the claim code) and address. */
  claimCode: string | null;
  claimKeyAddress: string;
  /** Fingerprint of the request that created it: the same reference with another body is refused. */
  requestFingerprint: string;
}

/** The file a holder downloads and anyone can verify: the document with what recomputes its seal. */
export interface DocumentFile {
  id: string;
  number: string;
  checkCode: string;
  document: LedgerDocument;
  salt: string;
  claimKeyAddress: string;
}

export function sealDocument(input: { id: string; seller: string; requestId: string; document: LedgerDocument; requestFingerprint: string }): StoredDocument {
  const salt = newSalt();
  const commitment = commitmentOf(salt, input.document);
  const claimKey = input.document.kind === "invoice" ? newClaimKey() : undefined;
  const claimKeyAddress = claimKey?.address ?? ZeroAddress;
  return { ...input, kind: input.document.kind, salt, commitment, seal: sealOf(commitment, claimKeyAddress), claimCode: claimKey?.privateKey ?? null, claimKeyAddress };
}

export function documentFile(stored: StoredDocument, number: bigint): DocumentFile {
  return { id: stored.id, number: number.toString(), checkCode: checkCodeOf(stored.seal), document: stored.document, salt: stored.salt, claimKeyAddress: stored.claimKeyAddress };
}

/**
 * A document's `record` as the database keeps it (id, kind, seller and request id are columns of their own):
 * the claim code (a private key, a secret like a party's key) sealed under the keystore key and bound to the
 * document's id, never in plaintext.
 */
type DocumentRecord = Omit<StoredDocument, "id" | "kind" | "seller" | "requestId" | "claimCode"> & { sealedClaimCode: SealedSecret | null };

const claimCodeContext = (id: string) => Buffer.from(`claim-code:${id.toLowerCase()}`);

export const documentStore = (db: Kysely<Schema>, keystore: Pick<Keystore, "sealSecret" | "openSecret">) => {
  const persisted = ({ id, kind, seller, requestId, claimCode, ...rest }: StoredDocument) => {
    const record: DocumentRecord = {
      ...rest,
      sealedClaimCode: claimCode === null ? null : keystore.sealSecret(Buffer.from(claimCode.slice(2), "hex"), claimCodeContext(id)),
    };
    return { id, kind, seller, request_id: requestId, record: JSON.stringify(record) };
  };
  const loaded = (row: DocumentRow): StoredDocument => {
    const { sealedClaimCode, ...rest } = row.record as DocumentRecord;
    return {
      id: row.id,
      kind: row.kind as StoredDocument["kind"],
      seller: getAddress(row.seller),
      requestId: row.request_id,
      ...rest,
      claimCode: sealedClaimCode === null ? null : `0x${keystore.openSecret(sealedClaimCode, claimCodeContext(row.id)).toString("hex")}`,
    };
  };
  return {
    get: async (id: string): Promise<StoredDocument | undefined> => {
      const row = await findDocument(db, id);
      return row === undefined ? undefined : loaded(row);
    },
    /** The files of these documents (by lowercase id) that the database holds, in one query; claim codes stay sealed. */
    files: async (invoices: readonly { id: string; number: string }[]): Promise<Map<string, DocumentFile>> => {
      const numbers = new Map(invoices.map((invoice) => [invoice.id.toLowerCase(), BigInt(invoice.number)]));
      const files = new Map<string, DocumentFile>();
      for (const row of await findDocuments(db, [...numbers.keys()])) {
        const { sealedClaimCode: _sealed, ...rest } = row.record as DocumentRecord;
        files.set(row.id, documentFile({ ...rest, id: row.id, kind: row.kind as StoredDocument["kind"], seller: getAddress(row.seller), requestId: row.request_id, claimCode: null }, numbers.get(row.id)!));
      }
      return files;
    },
    /**
     * Stores new documents, all or none. An id that has a document already means another API instance is
     * handling the same reference at this moment (one instance serialises its own requests per reference):
     * with another request that is DUPLICATE_REFERENCE, as it would be once that one is done; with the same
     * one, a retryable REFERENCE_IN_PROGRESS, whose retry finds the stored document and answers with it.
     */
    putAll: async (documents: StoredDocument[]): Promise<void> => {
      if ((await insertDocuments(db, documents.map(persisted))) === "inserted") return;
      for (const document of documents) {
        const stored = await findDocument(db, document.id);
        if (stored === undefined) continue;
        if ((stored.record as DocumentRecord).requestFingerprint !== document.requestFingerprint) {
          throw conflict("DUPLICATE_REFERENCE", "this reference was already used for another document", { id: document.id });
        }
        throw new ApiError(409, "REFERENCE_IN_PROGRESS", "a request with this reference is being handled; retry", { id: document.id }, { retryable: true });
      }
      throw new ApiError(409, "REFERENCE_IN_PROGRESS", "a request with this reference is being handled; retry", {}, { retryable: true });
    },
  };
};
