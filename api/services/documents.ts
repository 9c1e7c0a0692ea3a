import { ZeroAddress } from "ethers";

import { checkCodeOf, commitmentOf, newClaimKey, newSalt, sealOf } from "../domain/commitment";
import type { LedgerDocument } from "../domain/invoice-document";
import type { Keystore, SealedSecret } from "../chain/keystore";
import type { ApiStore, StoreOperation } from "../store/api-store";
import { keys } from "../store/keys";

/**
 * Documents of invoices and credit notes as the API keeps them: the document, its salt, and for an invoice
 * the claim key (its private key is the claim code printed on the invoice). Written, synced, before the
 * transaction that puts the seal on chain, so a seal on chain always has its document here.
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
 * A document as the store keeps it: the claim code (a private key, a secret like a party's key) sealed under
 * the keystore key and bound to the document's id, never in plaintext. Records written before codes were
 * sealed carry `claimCode` in plaintext; they are read as they are and sealed when written again.
 */
type PersistedDocument = Omit<StoredDocument, "claimCode"> & { sealedClaimCode?: SealedSecret | null; claimCode?: string | null };

const claimCodeContext = (id: string) => Buffer.from(`claim-code:${id.toLowerCase()}`);

export const documentStore = (store: ApiStore, keystore: Pick<Keystore, "sealSecret" | "openSecret">) => {
  const persisted = ({ claimCode, ...rest }: StoredDocument): PersistedDocument => ({
    ...rest,
    sealedClaimCode: claimCode === null ? null : keystore.sealSecret(Buffer.from(claimCode.slice(2), "hex"), claimCodeContext(rest.id)),
  });
  const loaded = ({ sealedClaimCode, claimCode, ...rest }: PersistedDocument): StoredDocument => ({
    ...rest,
    claimCode: sealedClaimCode ? `0x${keystore.openSecret(sealedClaimCode, claimCodeContext(rest.id)).toString("hex")}` : (claimCode ?? null),
  });
  return {
    get: async (id: string): Promise<StoredDocument | undefined> => {
      const record = await store.get<PersistedDocument>(keys.document(id));
      return record === undefined ? undefined : loaded(record);
    },
    putAll: (documents: StoredDocument[]) =>
      store.batch(documents.map((d): StoreOperation => ({ type: "put", key: keys.document(d.id), value: persisted(d) })), { sync: true }),
  };
};
