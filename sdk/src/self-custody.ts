import { Interface, getAddress, type Signer, type TypedDataDomain } from "ethers";

import { SELF_REGISTRATION_TYPES, nameHashOf } from "../../lib/forward-request";

import type { EInvoiceClient } from "./client";
import { forwardBody, signForwardRequest } from "./forward-request";
import type { ForwardRequestResult, RegisterSelfResult } from "./generated/operations";

/**
 * Acting with a key the operator never holds: the party signs each call with its own key (any ethers Signer) and
 * the API relays it through the forwarder (POST /v1/forward). These helpers fetch what to sign (the forwarder's
 * domain and the party's next nonce, GET /v1/forward/domain), sign it and send it; the answer is what the hosted
 * route would have answered, and the chain records the party as the actor.
 */
const LEDGER = new Interface([
  "function transfer(bytes32 id, address to)",
  "function submit(bytes32 id, address enterprise)",
  "function reject(bytes32 id, bytes32 reason)",
  "function reimburse(bytes32 id)",
  "function file(bytes32 id, uint24 period)",
]);

/** Seconds a signed request stays valid: long enough to reach the API, short enough not to linger. */
const DEADLINE_SECONDS = 600;

/** Signs `call` (a ledger or registry function, ABI-encoded) with `signer` and has the API relay it. */
export async function forwardWithOwnKey(client: EInvoiceClient, signer: Signer, call: { to: string; data: string; gas?: bigint }): Promise<ForwardRequestResult> {
  const info = await client.getForwardDomain();
  const signed = await signForwardRequest(signer, { chainId: info.domain.chainId, verifyingContract: info.domain.verifyingContract }, {
    to: call.to,
    data: call.data,
    gas: call.gas ?? 500_000n,
    nonce: info.nonce,
    deadline: BigInt(Math.floor(Date.now() / 1000) + DEADLINE_SECONDS),
  });
  return client.forwardRequest({ body: forwardBody(signed) as never });
}

/** Claims an invoice with its claim code, signed with the party's own key (the API builds the call: only it holds the invoice's commitment). */
export async function claimWithOwnKey(client: EInvoiceClient, signer: Signer, input: { invoiceId: string; claimCode: string }): Promise<ForwardRequestResult> {
  const call = await client.prepareClaimForward({ body: input });
  return forwardWithOwnKey(client, signer, call);
}

/** A lifecycle step of the ledger, signed with the party's own key. */
export async function actWithOwnKey(client: EInvoiceClient, signer: Signer, step: { action: "submit"; id: string; enterprise: string } | { action: "transfer"; id: string; to: string } | { action: "reject"; id: string; reason: string } | { action: "reimburse"; id: string } | { action: "file"; id: string; period: number }): Promise<ForwardRequestResult> {
  const { ledger } = (await client.getForwardDomain()).targets;
  const data =
    step.action === "submit" ? LEDGER.encodeFunctionData("submit", [step.id, step.enterprise])
    : step.action === "transfer" ? LEDGER.encodeFunctionData("transfer", [step.id, step.to])
    : step.action === "reject" ? LEDGER.encodeFunctionData("reject", [step.id, encodeReason(step.reason)])
    : step.action === "reimburse" ? LEDGER.encodeFunctionData("reimburse", [step.id])
    : LEDGER.encodeFunctionData("file", [step.id, step.period]);
  return forwardWithOwnKey(client, signer, { to: ledger, data });
}

/** A short reason code as the ledger keeps it (bytes32, right-padded ASCII). */
function encodeReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length > 31) throw new RangeError("a reason code has at most 31 characters");
  return `0x${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("").padEnd(64, "0")}`;
}

/**
 * Registers a person as an individual with a key of their own (POST /v1/registrations): the signer proves control
 * of its account by signing (account, a hash of the name, a deadline); the name stays in the API's database, never
 * on chain. The answer holds the party and its first API key, shown once.
 */
export async function registerWithOwnKey(client: EInvoiceClient, signer: Signer, name: string): Promise<RegisterSelfResult> {
  const { domain } = await client.getRegistrationDomain();
  const account = getAddress(await signer.getAddress());
  const deadline = BigInt(Math.floor(Date.now() / 1000) + DEADLINE_SECONDS);
  const signature = await signer.signTypedData(domain as TypedDataDomain, SELF_REGISTRATION_TYPES, { account, nameHash: nameHashOf(name), deadline });
  return client.registerSelf({ body: { name, account, deadline: deadline.toString(), signature } as never });
}
