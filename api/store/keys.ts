/**
 * Every key of the API's LevelDB, in one place. Numbers are fixed-width so that byte order is numeric order;
 * `decode*` functions check what they read. Prefixes:
 *   party:<account>                 a participant's off-chain profile (names stay here, never on chain)
 *   tin:<taxpayerId>                organisation -> account
 *   apikey:<sha256>                 API key record (only the hash is stored)
 *   keys:<account>:<keyId>          the keys of one party, for listing
 *   wallet:<account>                the party's chain key, encrypted with the keystore's master key
 *   doc:<id>                        an invoice's or credit note's document, salt and claim key
 *   idem:<account>:<key>            an Idempotency-Key and the first answer given to it (secret fields sealed)
 *   keystore:check                  the key-check value of the keystore's master key
 *   meta:*                          the store's own records: format, write sequence (see api-store.ts)
 *   ix:*                            the event index, derived from the chain; `npm run api:reindex` rebuilds it
 */
const BLOCK_WIDTH = 12;
const POSITION_WIDTH = 6;
const NUMBER_WIDTH = 12;

function fixed(value: number | bigint, width: number): string {
  const text = value.toString();
  if (text.length > width || text.startsWith("-")) throw new RangeError(`${text} does not fit ${width} digits`);
  return text.padStart(width, "0");
}

const lower = (value: string) => value.toLowerCase();

export const keys = {
  party: (account: string) => `party:${lower(account)}`,
  partyPrefix: "party:",
  taxpayer: (taxpayerId: string) => `tin:${taxpayerId}`,
  apiKey: (hash: string) => `apikey:${hash}`,
  partyKey: (account: string, keyId: string) => `keys:${lower(account)}:${keyId}`,
  partyKeysPrefix: (account: string) => `keys:${lower(account)}:`,
  wallet: (account: string) => `wallet:${lower(account)}`,
  walletPrefix: "wallet:",
  document: (id: string) => `doc:${lower(id)}`,
  idempotency: (account: string, key: string) => `idem:${lower(account)}:${key}`,
  keystoreCheck: "keystore:check",

  meta: {
    format: "meta:format",
    /** The sequence number of the last synced write; the acknowledgement mark outside LevelDB must not exceed it. */
    sequence: "meta:seq",
    /** Written to prove the disk takes writes again after a storage fault. */
    probe: "meta:probe",
  },

  index: {
    prefix: "ix:",
    cursor: "ix:cursor",
    /** The layout the index was written in (INDEX_FORMAT in event-indexer.ts). */
    format: "ix:format",
    /** The hash of the cursor's block: an index built from another chain, or from blocks the chain lost, is refused. */
    cursorHash: "ix:cursor-hash",
    /** A document seal on chain whose document this store does not hold (InvoiceIssued, ReversalRequested). */
    missingDocument: (id: string) => `ix:missing:${lower(id)}`,
    missingDocumentPrefix: "ix:missing:",
    /** An invoice's summary as the events left it. */
    invoice: (id: string) => `ix:inv:${lower(id)}`,
    /** Trace: the events of one invoice, in chain order (the decoded events themselves). */
    trace: (id: string, position: EventPosition) => `ix:tr:${lower(id)}:${encodePosition(position)}`,
    tracePrefix: (id: string) => `ix:tr:${lower(id)}:`,
    /** Every invoice by number (the bureau's list). */
    byNumber: (number: bigint) => `ix:num:${fixed(number, NUMBER_WIDTH)}`,
    byNumberPrefix: "ix:num:",
    /** The invoices one account is party to, by number: issued by it, held by it, locked/reimbursed/filed by it. */
    relation: (account: string, number: bigint) => `ix:rel:${lower(account)}:${fixed(number, NUMBER_WIDTH)}`,
    relationPrefix: (account: string) => `ix:rel:${lower(account)}:`,
    /** A participant's registry status as the registry's events left it (Active, Suspended, Revoked). */
    participantStatus: (account: string) => `ix:st:${lower(account)}`,
    /** Running totals of one merchant in one tax period. */
    totals: (merchant: string, period: number) => `ix:tot:${lower(merchant)}:${fixed(period, 6)}`,
    totalsPrefix: (merchant?: string) => (merchant === undefined ? "ix:tot:" : `ix:tot:${lower(merchant)}:`),
  },
};

export interface EventPosition {
  blockNumber: number;
  transactionIndex: number;
  logIndex: number;
}

export function encodePosition(p: EventPosition): string {
  return `${fixed(p.blockNumber, BLOCK_WIDTH)}:${fixed(p.transactionIndex, POSITION_WIDTH)}:${fixed(p.logIndex, POSITION_WIDTH)}`;
}

export function numberKeyPart(number: bigint): string {
  return fixed(number, NUMBER_WIDTH);
}
