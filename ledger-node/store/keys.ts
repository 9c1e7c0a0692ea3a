/**
 * The chain store's keys, in one place. Block numbers are fixed-width so that byte order is block order;
 * hashes are lowercase hex without `0x`.
 */
const NUMBER_WIDTH = 12;

export const META_KEY = "meta";
export const HEAD_KEY = "head";
export const DEPLOYMENT_KEY = "deployment";
/** The block whose world state the snapshot below holds (snapshot/snapshot-writer.ts). */
export const SNAPSHOT_KEY = "snapshot";

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
/** State snapshot: an account (nonce, balance, code) by address; a storage slot by address and slot. */
const ACCOUNT_PREFIX = "sta:";
const SLOT_PREFIX = "sts:";

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

function addressed(prefix: string, address: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new RangeError(`not an address: ${address}`);
  return prefix + address.slice(2).toLowerCase();
}

export const accountKey = (address: string): string => addressed(ACCOUNT_PREFIX, address);
export const slotKey = (address: string, slot: string): string => {
  if (!/^0x[0-9a-fA-F]{64}$/.test(slot)) throw new RangeError(`not a storage slot: ${slot}`);
  return addressed(SLOT_PREFIX, address) + slot.slice(2).toLowerCase();
};
/** The address and slot of a slot key. */
export function slotOf(key: string): { address: string; slot: string } {
  if (!key.startsWith(SLOT_PREFIX) || key.length !== SLOT_PREFIX.length + 104) throw new RangeError(`not a slot key: ${key}`);
  return { address: `0x${key.slice(SLOT_PREFIX.length, SLOT_PREFIX.length + 40)}`, slot: `0x${key.slice(SLOT_PREFIX.length + 40)}` };
}
export const addressOfAccountKey = (key: string): string => `0x${key.slice(ACCOUNT_PREFIX.length)}`;
/** Bounds that select every account of the snapshot, every slot, and one account's slots. */
export const ACCOUNT_RANGE = { gte: ACCOUNT_PREFIX, lt: `${ACCOUNT_PREFIX}~` } as const;
export const SLOT_RANGE = { gte: SLOT_PREFIX, lt: `${SLOT_PREFIX}~` } as const;
export const slotsOf = (address: string) => ({ gte: addressed(SLOT_PREFIX, address), lt: `${addressed(SLOT_PREFIX, address)}~` });
