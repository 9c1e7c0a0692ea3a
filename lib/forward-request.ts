import { TypedDataEncoder, getAddress, keccak256, toUtf8Bytes, verifyTypedData, type TypedDataDomain, type TypedDataField } from "ethers";

/**
 * The EIP-712 typed data a party signs with its own chain key, in one place, so that the API (which checks),
 * the SDK and the CLI (which sign) cannot drift apart:
 *  - a ForwardRequest of OpenZeppelin 5's ERC2771Forwarder (contracts/LedgerForwarder.sol): a lifecycle call the
 *    party signs and the API relays, the ledger recording the party as the actor;
 *  - a SelfRegistration: a person proves control of the key of the account they register as an individual;
 *  - a CustodyChange: a party proves it holds its key before the API deletes its hosted copy.
 * The forwarder checks the first itself (its domain is the forwarder's own); the API checks the other two, under
 * its own domain bound to this chain and its registry, so a signature made for another deployment never counts.
 * Only ethers, which runs in Node and in browsers.
 */

/** What OpenZeppelin's ERC2771Forwarder hashes (FORWARD_REQUEST_TYPEHASH); the nonce is the forwarder's for `from`. */
export const FORWARD_REQUEST_TYPES: Record<string, TypedDataField[]> = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
};

/** The forwarder's EIP-712 name and version (contracts/LedgerForwarder.sol). */
export const FORWARDER_NAME = "EInvoiceLedgerForwarder";
export const FORWARDER_VERSION = "1";

export interface ForwardRequest {
  from: string;
  to: string;
  /** Always 0 on this ledger: nothing is paid. */
  value: bigint;
  /** Gas the forwarder gives the call. */
  gas: bigint;
  /** The forwarder's nonce for `from` when the request is executed (GET /v1/forward/domain says it). */
  nonce: bigint;
  /** Seconds since the epoch after which the forwarder refuses the request. */
  deadline: bigint;
  /** The call's ABI-encoded data (function selector and arguments). */
  data: string;
}

export const forwarderDomain = (chainId: bigint | number, forwarder: string): TypedDataDomain => ({
  name: FORWARDER_NAME,
  version: FORWARDER_VERSION,
  chainId: BigInt(chainId),
  verifyingContract: getAddress(forwarder),
});

/** The digest the forwarder recovers the signer from. */
export const forwardRequestDigest = (domain: TypedDataDomain, request: ForwardRequest): string => TypedDataEncoder.hash(domain, FORWARD_REQUEST_TYPES, request);

/** The account that signed `request`, or undefined when the signature is not one. */
export function forwardRequestSigner(domain: TypedDataDomain, request: ForwardRequest, signature: string): string | undefined {
  return recover(domain, FORWARD_REQUEST_TYPES, request, signature);
}

/** The domain of the signatures the API checks itself (not a contract's): bound to the chain and its registry. */
export const API_SIGNATURES_NAME = "EInvoiceLedgerApi";
export const API_SIGNATURES_VERSION = "1";

export const apiSignaturesDomain = (chainId: bigint | number, registry: string): TypedDataDomain => ({
  name: API_SIGNATURES_NAME,
  version: API_SIGNATURES_VERSION,
  chainId: BigInt(chainId),
  verifyingContract: getAddress(registry),
});

/** A person registering `account` as an individual, under the name (its hash: the name stays off chain) they give. */
export const SELF_REGISTRATION_TYPES: Record<string, TypedDataField[]> = {
  SelfRegistration: [
    { name: "account", type: "address" },
    { name: "nameHash", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface SelfRegistration {
  account: string;
  nameHash: string;
  deadline: bigint;
}

/** The hash a registration signs: keccak-256 of the name's UTF-8 bytes, exactly as sent (without surrounding spaces). */
export const nameHashOf = (name: string): string => keccak256(toUtf8Bytes(name));

/** A party asking the API to hold (`hosted`) or no longer hold (`self`) its chain key. */
export const CUSTODY_CHANGE_TYPES: Record<string, TypedDataField[]> = {
  CustodyChange: [
    { name: "account", type: "address" },
    { name: "custody", type: "string" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface CustodyChange {
  account: string;
  custody: "self" | "hosted";
  deadline: bigint;
}

export const typedDataDigest = (domain: TypedDataDomain, types: Record<string, TypedDataField[]>, message: Record<string, unknown>): string => TypedDataEncoder.hash(domain, types, message);

/** The signer of typed data, or undefined for a signature that is malformed or recovers to nothing. */
export function recover(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, message: object, signature: string): string | undefined {
  try {
    return verifyTypedData(domain, types, message as Record<string, unknown>, signature);
  } catch {
    return undefined;
  }
}
