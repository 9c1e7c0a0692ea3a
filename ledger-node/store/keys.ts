/**
 * The chain store's keys, in one place. Block numbers are fixed-width so that byte order is block order;
 * hashes are lowercase hex without `0x`.
 */
const NUMBER_WIDTH = 12;

export const META_KEY = "meta";
export const HEAD_KEY = "head";
export const DEPLOYMENT_KEY = "deployment";

/** Journal: a block as sealed (raw transactions, seal): what a replay re-executes. */
const BLOCK_PREFIX = "blk:";
/** The block as the chain answers it (header fields and transaction hashes). */
const HEADER_PREFIX = "hdr:";
/** The block's receipts, logs included, in transaction order. */
const RECEIPTS_PREFIX = "rct:";
/** Block hash -> number. */
const BLOCK_HASH_PREFIX = "bhn:";
/** Transaction hash -> block number and index. */
const TRANSACTION_PREFIX = "txp:";

function numbered(prefix: string, number: number): string {
  if (!Number.isSafeInteger(number) || number < 0 || number >= 10 ** NUMBER_WIDTH) {
    throw new RangeError(`block number out of range for a store key: ${number}`);
  }
  return prefix + String(number).padStart(NUMBER_WIDTH, "0");
}

function numberOf(prefix: string, key: string): number {
  if (!key.startsWith(prefix) || key.length !== prefix.length + NUMBER_WIDTH) throw new RangeError(`not a ${prefix} key: ${key}`);
  const digits = key.slice(prefix.length);
  if (!/^\d+$/.test(digits)) throw new RangeError(`not a ${prefix} key: ${key}`);
  return Number(digits);
}

function hashed(prefix: string, hash: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new RangeError(`not a 32-byte hash: ${hash}`);
  return prefix + hash.slice(2).toLowerCase();
}

export const blockKey = (number: number): string => numbered(BLOCK_PREFIX, number);
export const blockNumberOf = (key: string): number => numberOf(BLOCK_PREFIX, key);
export const headerKey = (number: number): string => numbered(HEADER_PREFIX, number);
export const receiptsKey = (number: number): string => numbered(RECEIPTS_PREFIX, number);
export const receiptsNumberOf = (key: string): number => numberOf(RECEIPTS_PREFIX, key);
export const blockHashKey = (hash: string): string => hashed(BLOCK_HASH_PREFIX, hash);
export const transactionKey = (hash: string): string => hashed(TRANSACTION_PREFIX, hash);

/** Bounds that select every block key and nothing else. */
export const BLOCK_RANGE = { gte: BLOCK_PREFIX, lt: `${BLOCK_PREFIX}~` } as const;

/** Bounds that select the receipts of blocks `from` to `to`, both included. */
export function receiptsRange(from: number, to: number): { gte: string; lte: string } {
  return { gte: receiptsKey(from), lte: receiptsKey(to) };
}
