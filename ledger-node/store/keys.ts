/**
 * The chain store's keys, in one place. Block keys are fixed-width so that byte order is block order.
 */
const BLOCK_PREFIX = "blk:";
const NUMBER_WIDTH = 12;

export const META_KEY = "meta";
export const HEAD_KEY = "head";
export const DEPLOYMENT_KEY = "deployment";

export function blockKey(number: number): string {
  if (!Number.isSafeInteger(number) || number < 0 || number >= 10 ** NUMBER_WIDTH) {
    throw new RangeError(`block number out of range for a store key: ${number}`);
  }
  return BLOCK_PREFIX + String(number).padStart(NUMBER_WIDTH, "0");
}

export function blockNumberOf(key: string): number {
  if (!key.startsWith(BLOCK_PREFIX) || key.length !== BLOCK_PREFIX.length + NUMBER_WIDTH) {
    throw new RangeError(`not a block key: ${key}`);
  }
  const digits = key.slice(BLOCK_PREFIX.length);
  if (!/^\d+$/.test(digits)) throw new RangeError(`not a block key: ${key}`);
  return Number(digits);
}

/** Bounds that select every block key and nothing else. */
export const BLOCK_RANGE = { gte: BLOCK_PREFIX, lt: `${BLOCK_PREFIX}~` } as const;
