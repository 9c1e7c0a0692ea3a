import { RPC, RpcError } from "./rpc-error";

const QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,15})$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/**
 * A block parameter as a number: tags resolve against `head` (the newest acknowledged block; `pending`, `safe`
 * and `finalized` are the head too: a sealed block is final). A number beyond the head is returned as it is: the
 * caller answers `null` for it. Anything else is refused with -32602.
 */
export function blockNumberParam(tag: unknown, head: number, name = "block"): number {
  if (tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized") return head;
  if (tag === "earliest") return 0;
  if (typeof tag === "string" && QUANTITY.test(tag)) {
    const number = Number(BigInt(tag));
    if (Number.isSafeInteger(number)) return number;
  }
  throw new RpcError(RPC.INVALID_PARAMS, `${name} must be a block number (hex quantity) or one of latest, earliest, pending, safe, finalized`);
}

export function hashParam(value: unknown, name: string): string {
  if (typeof value !== "string" || !HASH.test(value)) throw new RpcError(RPC.INVALID_PARAMS, `${name} must be a 32-byte hex hash`);
  return value.toLowerCase();
}

export function indexParam(value: unknown): number {
  if (typeof value === "string" && QUANTITY.test(value)) {
    const index = Number(BigInt(value));
    if (Number.isSafeInteger(index)) return index;
  }
  throw new RpcError(RPC.INVALID_PARAMS, "the transaction index must be a hex quantity");
}

export const quantity = (value: number | bigint): string => `0x${value.toString(16)}`;
