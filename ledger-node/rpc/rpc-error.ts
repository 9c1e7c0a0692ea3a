import { LedgerNodeError } from "../errors";

/** A JSON-RPC 2.0 error object. Our own errors carry their stable code in `data.code`. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  EXECUTION_REVERTED: 3,
  UNAUTHORIZED: -32001,
  TRANSACTION_REJECTED: -32003,
  UNAVAILABLE: -32005,
  /** Geth's and Besu's code for a query whose answer would be too large. */
  LIMIT_EXCEEDED: -32005,
  /** Geth's generic server-side error (its answer to an eth_call that timed out). */
  SERVER_ERROR: -32000,
} as const;

export class RpcError extends Error {
  constructor(readonly rpcCode: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

const CODES_OF_OURS: Record<string, number> = {
  SENDER_NOT_REGISTERED: RPC.TRANSACTION_REJECTED,
  CONTRACT_CREATION_REFUSED: RPC.TRANSACTION_REJECTED,
  INVALID_REQUEST: RPC.INVALID_PARAMS,
  NODE_UNAVAILABLE: RPC.UNAVAILABLE,
  TRANSACTION_TOO_LARGE: RPC.TRANSACTION_REJECTED,
  GAS_LIMIT_TOO_HIGH: RPC.TRANSACTION_REJECTED,
  NONCE_TOO_FAR: RPC.TRANSACTION_REJECTED,
  POOL_FULL: RPC.TRANSACTION_REJECTED,
  READ_ONLY_STANDBY: RPC.TRANSACTION_REJECTED,
  EXECUTION_TIMEOUT: RPC.SERVER_ERROR,
};

/** Maps anything thrown while answering to a JSON-RPC error: ours by code, the EVM's as it gave them. */
export function toRpcError(error: unknown): RpcErrorObject {
  if (error instanceof RpcError) return { code: error.rpcCode, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) };
  if (error instanceof LedgerNodeError) {
    return { code: CODES_OF_OURS[error.code] ?? RPC.INTERNAL, message: error.message, data: { code: error.code, ...error.details } };
  }
  const evm = error as { code?: unknown; message?: unknown; data?: unknown };
  // A reverted call or gas estimate: answered as geth and Besu do (code 3, "execution reverted", the revert
  // data as a hex string), which is what ethers, viem and web3 decode custom errors from.
  const revertData = typeof evm.data === "string" ? evm.data : (evm.data as { data?: unknown } | undefined)?.data;
  if (typeof revertData === "string" && /^0x([0-9a-fA-F]{2})*$/.test(revertData)) {
    return { code: RPC.EXECUTION_REVERTED, message: "execution reverted", data: revertData };
  }
  if (typeof evm.code === "number" && typeof evm.message === "string") {
    return { code: evm.code, message: evm.message, ...(evm.data === undefined ? {} : { data: evm.data }) };
  }
  return { code: RPC.INTERNAL, message: "internal error" };
}
