import { encodeRlp, keccak256, toBeArray } from "ethers";

/**
 * A block header as `eth_getBlockByNumber` answers it (hex strings), the fields its hash covers and the hash.
 * The fields after `nonce` came with forks and are present from them on: London's base fee, Shanghai's
 * withdrawals root, Cancun's blob gas and parent beacon block root, Prague's requests hash.
 */
export interface BlockHeader {
  hash: string;
  parentHash: string;
  sha3Uncles: string;
  miner: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  logsBloom: string;
  difficulty: string;
  number: string;
  gasLimit: string;
  gasUsed: string;
  timestamp: string;
  extraData: string;
  mixHash: string;
  nonce: string;
  baseFeePerGas?: string;
  withdrawalsRoot?: string;
  blobGasUsed?: string;
  excessBlobGas?: string;
  parentBeaconBlockRoot?: string;
  requestsHash?: string;
}

/** The header's fields in their RLP order (the Yellow Paper's), those every header has. */
const BASE_FIELDS = [
  "parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit",
  "gasUsed", "timestamp", "extraData", "mixHash", "nonce",
] as const;
/** The fields forks appended (EIP-1559, EIP-4895, EIP-4844 twice, EIP-4788, EIP-7685), in order. */
const FORK_FIELDS = ["baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash"] as const;
/** Fields that are integers: RLP-encoded as their minimal big-endian bytes (zero as the empty string). */
const QUANTITIES = new Set<string>(["difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas", "blobGasUsed", "excessBlobGas"]);

/** Every field a header may carry, in RLP order, and the hash. */
export const HEADER_FIELDS = ["hash", ...BASE_FIELDS, ...FORK_FIELDS] as const;

/** A header whose fork fields do not make a prefix of their order (e.g. a blob gas without a withdrawals root). */
export class HeaderFieldsError extends Error {
  readonly code = "HEADER_FIELDS_INVALID";
}

/**
 * The block hash the header's fields give: keccak256 of the RLP list of the fields present. Fork fields must be
 * present as a prefix of their order: a header cannot have a later fork's field without an earlier one's.
 */
export function headerHash(header: BlockHeader): string {
  const present = FORK_FIELDS.filter((field) => header[field] !== undefined);
  const prefix = FORK_FIELDS.slice(0, present.length);
  if (present.some((field, i) => field !== prefix[i])) throw new HeaderFieldsError(`the header has ${present.join(", ")}: fork fields must follow their order without a gap`);
  const items = [...BASE_FIELDS, ...present].map((field) => {
    const value = header[field]!;
    return QUANTITIES.has(field) ? toBeArray(BigInt(value)) : value;
  });
  return keccak256(encodeRlp(items));
}
