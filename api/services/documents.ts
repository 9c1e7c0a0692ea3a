import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

import { ZeroAddress, getAddress } from "ethers";
import type { Logger } from "pino";

import { GroupCommit } from "../../lib/group-commit";
import { checkCodeOf, commitmentOf, newClaimKey, newSalt, sealOf } from "../domain/commitment";
import type { LedgerDocument } from "../domain/invoice-document";
import { erasedDocument, withPersonalFields, withoutPersonalFields, type KeptDocument, type PersonalFields, type ServedDocument } from "../domain/personal-fields";
import type { Keystore, SealedSecret } from "../chain/keystore";
import type { Db } from "../db/database";
import type { DocumentKeyJson } from "../db/document-keys";
import { findDocument, findDocuments, insertDocuments, type DocumentRow } from "../db/documents";
import { convertAnswerBatch, convertDocumentBatch, plaintextConverted, plaintextMayRemain, type ConvertedDocument } from "../db/plaintext-conversion";
import { ApiError, conflict } from "../errors";

/**
 * Documents of invoices and credit notes as the API keeps them: the document, its salt, and for an invoice
 * the claim key (its private key is the claim code printed on the invoice). Committed before the transaction
 * that puts the seal on chain, so a seal on chain always has its document here; written once, never over.
 *
 * Personal fields (api/domain/personal-fields.ts: an individual buyer's name and the remarks) never reach the
 * database in clear: they are encrypted (AES-256-GCM) under a data key of that document alone, 32 random bytes
 * kept sealed under the keystore key in `document_keys` with the salt. Every read decrypts them and puts them
 * back where they were, so answers are as they were before. Once an erasure deleted the key row
 * (api/services/erasure.ts), they read as erased and the document has no salt: the seal on chain can no
 * longer be recomputed from it, by anyone.
 */
export interface StoredDocument {
  id: string;
  kind: LedgerDocument["kind"];
  seller: string;
  requestId: string;
  document: ServedDocument;
  /** Null once the document's personal fields are erased. */
  salt: string | null;
  commitment: string;
  seal: string;
  /** Invoices only: the claim key's private key (the claim code) and address. */
  claimCode: string | null;
  claimKeyAddress: string;
  /**
   * Fingerprint of the request that created it: the same reference with another body is refused. Null once
   * erased (it is a hash of a request that named the person), so that reference is then refused whatever comes.
   */
  requestFingerprint: string | null;
}

/** The file a holder downloads and anyone can verify: the document with what recomputes its seal (no salt once erased). */
export interface DocumentFile {
  id: string;
  number: string;
  checkCode: string;
  document: ServedDocument;
  salt: string | null;
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
 * A document's `record` as the database keeps it (id, kind, seller and request id are columns of their own;
 * the salt is in `document_keys`): the document without its personal fields, those fields encrypted under the
 * document's data key, and the claim code (a private key, a secret like a party's key) sealed under the
 * keystore key and bound to the document's id, never in plaintext.
 */
interface DocumentRecord {
  document: KeptDocument;
  commitment: string;
  seal: string;
  claimKeyAddress: string;
  requestFingerprint: string | null;
  sealedClaimCode: SealedSecret | null;
  /** The personal fields (PersonalFields as JSON), under the data key; absent when there are none, or once erased. */
  personal?: SealedSecret;
}

/** A record as written before migration 0004: the whole document and the salt in clear (converted at the API's start). */
type PlaintextRecord = Omit<DocumentRecord, "document" | "personal"> & { document: LedgerDocument; salt: string };

const isPlaintext = (record: DocumentRecord | PlaintextRecord): record is PlaintextRecord => "salt" in record;

// What each sealed value is bound to (AES-GCM associated data): a value moved to another document does not open.
const claimCodeContext = (id: string) => Buffer.from(`claim-code:${id.toLowerCase()}`);
const dataKeyContext = (id: string) => Buffer.from(`document-key:${id.toLowerCase()}`);
const personalContext = (id: string) => Buffer.from(`personal-fields:${id.toLowerCase()}`);

/** AES-256-GCM under a document's data key, in the keystore's sealed form (the same primitive, another key). */
function encryptUnder(key: Buffer, plaintext: Buffer, context: Buffer): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(context);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
}

function decryptUnder(key: Buffer, sealed: SealedSecret, context: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
  decipher.setAAD(context);
  decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]);
}

type Sealer = Pick<Keystore, "sealSecret" | "openSecret">;

/** A document's record and key row: its personal fields, if any, encrypted under a fresh data key. */
function recordAndKey(keystore: Sealer, id: string, document: LedgerDocument, salt: string, rest: Omit<DocumentRecord, "document" | "personal">): { record: DocumentRecord; key: DocumentKeyJson } {
  const { kept, personal } = withoutPersonalFields(document);
  const record: DocumentRecord = { document: kept, ...rest };
  if (personal === undefined) return { record, key: { id, salt, sealed_key: null } };
  const dataKey = randomBytes(32);
  record.personal = encryptUnder(dataKey, Buffer.from(JSON.stringify(personal)), personalContext(id));
  return { record, key: { id, salt, sealed_key: keystore.sealSecret(dataKey, dataKeyContext(id)) } };
}

/**
 * What an erasure leaves of a record (either layout): the document with its personal fields erased, without
 * their ciphertext, the salt or the request fingerprint. api/db/erasures.ts writes it in the erasure's
 * transaction; `npm run restore` and the API's start apply it again after a restore.
 */
export function erasedRecord(record: unknown): object {
  const { document, salt: _salt, personal: _personal, requestFingerprint: _fingerprint, ...rest } = record as DocumentRecord & { salt?: string };
  return { document: erasedDocument(document), ...rest, requestFingerprint: null };
}

/** Whether a value is a document file whose document holds personal fields (an invoice to a named individual). */
function holdsPersonalFields(value: unknown): value is DocumentFile {
  if (typeof value !== "object" || value === null) return false;
  const file = value as Partial<Record<keyof DocumentFile, unknown>>;
  const document = file.document as { kind?: unknown; buyer?: { type?: unknown; name?: unknown } } | undefined;
  return typeof file.id === "string" && typeof file.number === "string" && typeof file.claimKeyAddress === "string" && document?.kind === "invoice" && document.buyer?.type === "individual" && typeof document.buyer.name === "string";
}

/** How a stored answer names a document file it held: read again from the store when the answer is replayed. */
const FILE_REFERENCE = "$documentFile";
type FileReference = { [FILE_REFERENCE]: { id: string; number: string } };
const isFileReference = (value: unknown): value is FileReference => typeof value === "object" && value !== null && FILE_REFERENCE in value;

function mapValues(value: unknown, replace: (value: unknown) => unknown | undefined): unknown {
  const replaced = replace(value);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(value)) return value.map((item) => mapValues(item, replace));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([name, field]) => [name, mapValues(field, replace)]));
}

/**
 * An answer as it may be stored (Idempotency-Key): each document file with personal fields in it replaced by a
 * reference to it, so that stored answers hold no personal data and a replay shows the document as it reads
 * then (erased, once it is).
 */
export function answerForStorage(body: unknown): unknown {
  return mapValues(body, (value) => (holdsPersonalFields(value) ? ({ [FILE_REFERENCE]: { id: value.id, number: value.number } } satisfies FileReference) : undefined));
}

export const documentStore = (db: Db, keystore: Sealer) => {
  const persisted = ({ id, kind, seller, requestId, claimCode, document, salt, commitment, seal, claimKeyAddress, requestFingerprint }: StoredDocument) => {
    // Only a document just sealed is ever stored, and that one is whole.
    if (salt === null || (document.kind === "invoice" && document.buyer.name === null)) throw new Error(`document ${id}: an erased document is never stored again`);
    const sealedClaimCode = claimCode === null ? null : keystore.sealSecret(Buffer.from(claimCode.slice(2), "hex"), claimCodeContext(id));
    const { record, key } = recordAndKey(keystore, id, document as LedgerDocument, salt, { commitment, seal, claimKeyAddress, requestFingerprint, sealedClaimCode });
    return { row: { id, kind, seller, request_id: requestId, record: JSON.stringify(record) }, key: { ...key, sealed_key: key.sealed_key === null ? null : JSON.stringify(key.sealed_key) } };
  };

  /** The document as it reads: personal fields decrypted with the document's key, or erased when its key is gone. */
  const readable = (row: DocumentRow, record: DocumentRecord): ServedDocument => {
    if (record.personal === undefined || row.sealed_key === null) return erasedDocument(record.document);
    const dataKey = keystore.openSecret(row.sealed_key as SealedSecret, dataKeyContext(row.id));
    const personal = JSON.parse(decryptUnder(dataKey, record.personal, personalContext(row.id)).toString("utf8")) as PersonalFields;
    return withPersonalFields(record.document, personal);
  };

  const loaded = (row: DocumentRow, options: { claimCode: boolean }): StoredDocument => {
    const record = row.record as DocumentRecord | PlaintextRecord;
    const { sealedClaimCode } = record;
    return {
      id: row.id,
      kind: row.kind as StoredDocument["kind"],
      seller: getAddress(row.seller),
      requestId: row.request_id,
      // A record in the earlier layout is read as it is until the conversion at the next start takes it.
      document: isPlaintext(record) ? record.document : readable(row, record),
      salt: isPlaintext(record) ? record.salt : row.salt,
      commitment: record.commitment,
      seal: record.seal,
      claimCode: sealedClaimCode === null || !options.claimCode ? null : `0x${keystore.openSecret(sealedClaimCode, claimCodeContext(row.id)).toString("hex")}`,
      claimKeyAddress: record.claimKeyAddress,
      requestFingerprint: record.requestFingerprint ?? null,
    };
  };

  type Rows = ReturnType<typeof persisted>[];
  const insert = (rows: Rows) => insertDocuments(db, rows.map((r) => r.row), rows.map((r) => r.key));

  /** What a call of the group commit writes: its documents, and what an id held already means to it. */
  interface Write {
    documents: StoredDocument[];
    rows: Rows;
    /** "refuse": the caller read that these ids are free, so a held one is another request's (putAll); "report": the caller has not looked (putNew). */
    whenHeld: "refuse" | "report";
  }

  /** One call's documents alone: inserted, held already (when the call asks to be told), or the reason they cannot be. */
  const putOne = async ({ documents, rows, whenHeld }: Write): Promise<"stored" | "held"> => {
    if ((await insert(rows)) === "inserted") return "stored";
    if (whenHeld === "report") return "held";
    for (const document of documents) {
      const stored = await findDocument(db, document.id);
      if (stored === undefined) continue;
      if ((stored.record as DocumentRecord).requestFingerprint !== document.requestFingerprint) {
        throw conflict("DUPLICATE_REFERENCE", "this reference was already used for another document", { id: document.id });
      }
      throw new ApiError(409, "REFERENCE_IN_PROGRESS", "a request with this reference is being handled; retry", { id: document.id }, { retryable: true });
    }
    throw new ApiError(409, "REFERENCE_IN_PROGRESS", "a request with this reference is being handled; retry", {}, { retryable: true });
  };

  /**
   * Group commit of document writes (lib/group-commit.ts): the documents of concurrent calls go in one
   * statement, one synced commit, instead of one each. Each call stays all or none: when the shared statement
   * is refused (an id taken), each call is written alone, and only the one at fault fails. A statement holds
   * at most about DOCUMENTS_PER_WRITE documents (PostgreSQL takes at most 65,535 parameters), whole calls only.
   */
  const DOCUMENTS_PER_WRITE = 2_000;
  const writes = new GroupCommit<Write, "stored" | "held">(
    async (group) => {
      for (let start = 0; start < group.length; ) {
        let end = start + 1;
        let count = group[start]!.value.rows.length;
        while (end < group.length && count + group[end]!.value.rows.length <= DOCUMENTS_PER_WRITE) count += group[end++]!.value.rows.length;
        const part = group.slice(start, end);
        if (part.length > 1 && (await insert(part.flatMap((item) => item.value.rows))) === "inserted") part.forEach((item) => item.resolve("stored"));
        else for (const item of part) await putOne(item.value).then(item.resolve, item.reject);
        start = end;
      }
    },
    { maxGroup: 64, inFlight: 2 },
  );

  /** The files of these documents (by lowercase id) that the database holds, in one query; claim codes stay sealed. */
  const files = async (invoices: readonly { id: string; number: string }[]): Promise<Map<string, DocumentFile>> => {
    const numbers = new Map(invoices.map((invoice) => [invoice.id.toLowerCase(), BigInt(invoice.number)]));
    const found = new Map<string, DocumentFile>();
    for (const row of await findDocuments(db, [...numbers.keys()])) found.set(row.id, documentFile(loaded(row, { claimCode: false }), numbers.get(row.id)!));
    return found;
  };

  return {
    get: async (id: string): Promise<StoredDocument | undefined> => {
      const row = await findDocument(db, id);
      return row === undefined ? undefined : loaded(row, { claimCode: true });
    },
    /** The documents of these ids that the database holds (by lowercase id), in one query, claim codes opened. */
    getMany: async (ids: readonly string[]): Promise<Map<string, StoredDocument>> => {
      const found = new Map<string, StoredDocument>();
      for (const row of await findDocuments(db, ids)) found.set(row.id, loaded(row, { claimCode: true }));
      return found;
    },
    /** The document of a row read with something else (the trace: api/db/event-index.ts), as `get` gives it. */
    read: (row: DocumentRow): StoredDocument => loaded(row, { claimCode: true }),
    files,
    /**
     * Stores new documents, all or none, durably before it resolves. Concurrent calls share one synced write
     * (`writes`). An id that has a document already means another API instance is handling the same reference
     * at this moment (one instance serialises its own requests per reference): with another request that is
     * DUPLICATE_REFERENCE, as it would be once that one is done; with the same one, a retryable
     * REFERENCE_IN_PROGRESS, whose retry finds the stored document and answers with it.
     */
    putAll: async (documents: StoredDocument[]): Promise<void> => {
      if (documents.length > 0) await writes.submit({ documents, rows: documents.map(persisted), whenHeld: "refuse" });
    },
    /**
     * Stores the documents of a request that has not looked whether their ids are held (most references are new:
     * one write instead of a read and a write), all or none, durably: "held" when any of them is held already
     * (a retry, or a reference used before), and then none is stored and the caller reads what is held.
     */
    putNew: async (documents: StoredDocument[]): Promise<"stored" | "held"> => (documents.length === 0 ? "stored" : writes.submit({ documents, rows: documents.map(persisted), whenHeld: "report" })),
    /** A stored answer (answerForStorage) as it is given again: each document file it named, as it reads now. */
    answerFromStorage: async (body: unknown): Promise<unknown> => {
      const named: { id: string; number: string }[] = [];
      mapValues(body, (value) => (isFileReference(value) ? named.push(value[FILE_REFERENCE]) : undefined));
      if (named.length === 0) return body;
      const found = await files(named);
      // A document the store no longer has (it never loses one) reads as null rather than as a reference.
      return mapValues(body, (value) => (isFileReference(value) ? (found.get(value[FILE_REFERENCE].id.toLowerCase()) ?? null) : undefined));
    },
  };
};

export type DocumentStore = ReturnType<typeof documentStore>;

/**
 * Converts, at the API's start, what was written before personal fields were encrypted (migration 0004 sets
 * `documents.plaintext` when there is any; the LevelDB import sets it too): each document's personal fields go
 * under a data key of its own and its salt into `document_keys`; each stored answer's document files become
 * references. In batches, each its own transaction; a row converted already is left as it is, so a conversion cut
 * short goes on at the next start, and instances starting together share the work. Runs before the API serves.
 */
export async function convertPlaintextDocuments(db: Db, keystore: Sealer, logger: Logger, batchSize = 500): Promise<void> {
  if (!(await plaintextMayRemain(db))) return;
  const convert = (row: { id: string; record: unknown }): ConvertedDocument => {
    const record = row.record as DocumentRecord | PlaintextRecord;
    if (!isPlaintext(record)) return undefined;
    const { document, salt, ...rest } = record;
    return recordAndKey(keystore, row.id, document, salt, rest);
  };
  let documents = 0;
  for (let after: string | undefined; ; ) {
    const batch = await convertDocumentBatch(db, after, batchSize, convert);
    documents += batch.converted;
    if (batch.last === undefined) break;
    after = batch.last;
  }
  const convertAnswer = (body: unknown) => {
    const stored = answerForStorage(body);
    return JSON.stringify(stored) === JSON.stringify(body) ? undefined : stored;
  };
  let answers = 0;
  for (let after: { account: string; key: string } | undefined; ; ) {
    const batch = await convertAnswerBatch(db, after, batchSize, convertAnswer);
    answers += batch.converted;
    if (batch.last === undefined) break;
    after = batch.last;
  }
  await plaintextConverted(db);
  logger.info({ documents, answers }, "documents: personal fields written before this version are now encrypted per document");
}
