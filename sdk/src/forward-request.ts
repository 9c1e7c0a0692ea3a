import { getAddress, type Signer, type TypedDataDomain } from "ethers";

import { FORWARD_REQUEST_TYPES, forwarderDomain as domainOf } from "../../lib/forward-request";

/**
 * Self-custody: a party that keeps its own chain key signs an EIP-712 `ForwardRequest` of OpenZeppelin's
 * ERC2771Forwarder (contracts/LedgerForwarder.sol, deployed under the EIP-712 name "EInvoiceLedgerForwarder",
 * version "1"), and the API relays it; the ledger records the party, never the relayer, as the actor. The
 * forwarder refuses a request signed for another chain or forwarder, a used nonce (a replay) and one past its
 * deadline, and a request whose fields were changed after signing no longer recovers to its signer.
 */
export { FORWARD_REQUEST_TYPES, FORWARDER_NAME, FORWARDER_VERSION } from "../../lib/forward-request";

/** Which forwarder the signature is for: the chain and the forwarder's address (from the deployment). */
export interface ForwarderDomain {
  chainId: bigint | number | string;
  verifyingContract: string;
}

/** What the party asks the forwarder to call. */
export interface ForwardRequestFields {
  /** The contract called (the ledger or the registry). */
  to: string;
  /** The call's ABI-encoded data. */
  data: string;
  /** Gas the forwarder must give the call. */
  gas: bigint | number | string;
  /** The party's next nonce at the forwarder (`nonces(from)`). */
  nonce: bigint | number | string;
  /** Seconds since 1970 after which the forwarder refuses it. */
  deadline: bigint | number | string;
  /** Wei sent along: always 0 on this ledger. */
  value?: bigint | number | string;
}

/**
 * A signed request, as the forwarder's `execute` takes it (ForwardRequestData) plus the nonce it was signed with;
 * integers as decimal strings, so that it goes into JSON as it is.
 */
export interface SignedForwardRequest {
  from: string;
  to: string;
  value: string;
  gas: string;
  nonce: string;
  deadline: string;
  data: string;
  signature: string;
}

/** The forwarder's EIP-712 domain (one definition, lib/forward-request.ts, which the API checks against). */
export function forwarderDomain(domain: ForwarderDomain): TypedDataDomain {
  return domainOf(BigInt(domain.chainId), domain.verifyingContract);
}

/** Signs `fields` with the party's own key (any ethers Signer: a Wallet, a browser wallet, a hardware signer). */
export async function signForwardRequest(signer: Signer, domain: ForwarderDomain, fields: ForwardRequestFields): Promise<SignedForwardRequest> {
  const from = getAddress(await signer.getAddress());
  const message = {
    from,
    to: getAddress(fields.to),
    value: BigInt(fields.value ?? 0),
    gas: BigInt(fields.gas),
    nonce: BigInt(fields.nonce),
    deadline: BigInt(fields.deadline),
    data: fields.data,
  };
  const signature = await signer.signTypedData(forwarderDomain(domain), FORWARD_REQUEST_TYPES, message);
  return { from, to: message.to, value: message.value.toString(), gas: message.gas.toString(), nonce: message.nonce.toString(), deadline: message.deadline.toString(), data: message.data, signature };
}

/** A signed request as `POST /v1/forward` takes it: `{ request, signature }`. */
export function forwardBody(signed: SignedForwardRequest): { request: Omit<SignedForwardRequest, "signature">; signature: string } {
  const { signature, ...request } = signed;
  return { request, signature };
}
