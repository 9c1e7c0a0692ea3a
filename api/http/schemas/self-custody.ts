import { z } from "zod";

import { address, bytes32, invoiceId, name, pageQuery, unsignedInteger } from "./common";
import { creditNoteView, invoiceView, partyView } from "./views";

/**
 * Requests a party signs with its own key (lib/forward-request.ts has the typed data): a forward request for the
 * forwarder, a self-registration, a custody change; and what the API answers about them.
 */
const UINT256 = 2n ** 256n - 1n;

/** A 65-byte ECDSA signature (r, s, v), as ethers and wallets write it. */
export const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a signature: 0x followed by 130 hex digits").meta({ description: "65-byte signature (r, s, v), 0x + 130 hex digits" });

/** Seconds since 1970-01-01T00:00:00Z after which the signed message is refused. */
export const deadline = (max: bigint) => unsignedInteger(max, "seconds").meta({ description: "Seconds since 1970 (UTC) after which the signature is refused", example: "1795000000" });

export const forwardRequestBody = z
  .strictObject({
    request: z.strictObject({
      from: address,
      to: address,
      value: unsignedInteger(UINT256, "wei").meta({ description: "Always 0" }),
      gas: unsignedInteger(UINT256, "gas").meta({ description: "Gas the forwarder gives the call (at most GET /v1/forward/domain's maxGas)" }),
      nonce: unsignedInteger(UINT256, "nonces").meta({ description: "The forwarder's next nonce for `from` (GET /v1/forward/domain)" }),
      deadline: deadline(2n ** 48n - 1n),
      data: z
        .string()
        .regex(/^0x([0-9a-fA-F]{2}){4,4096}$/, "0x followed by the call's bytes in hex (4 to 4096 bytes)")
        .meta({ description: "The ABI-encoded call: selector and arguments" }),
    }),
    signature,
  })
  .meta({ id: "ForwardRequest", description: "An EIP-712 ForwardRequest of the ledger's ERC-2771 forwarder, signed by `from` (the caller's own account)" });

export const claimCallBody = z
  .strictObject({ invoiceId, claimCode: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "64 hex digits").transform((code) => (code.startsWith("0x") ? code : `0x${code}`)) })
  .meta({ id: "ClaimCallRequest" });

export const selfRegistrationBody = z
  .strictObject({ name, account: address, deadline: deadline(UINT256), signature })
  .meta({ id: "SelfRegistration", description: "The name (kept off chain), the account, and the account's EIP-712 SelfRegistration signature (account, keccak-256 of the name, deadline)" });

export const toSelfCustodyBody = z
  .strictObject({ deadline: deadline(UINT256), signature })
  .meta({ id: "CustodyChangeToSelf", description: "The account's EIP-712 CustodyChange signature (account, custody \"self\", deadline): proof that the party holds its key" });

export const toHostedCustodyBody = z.strictObject({ privateKey: bytes32.meta({ description: "The account's private key, 0x + 64 hex digits" }) }).meta({ id: "CustodyChangeToHosted" });

export const custodyChangesQuery = z.strictObject({
  account: address.optional(),
  after: z.string().regex(/^[0-9]{1,12}$/, "an audit entry id (digits)").optional().meta({ description: "Continue after this change's id" }),
  limit: pageQuery.limit,
});

const typedDataDomain = z.object({ name: z.string(), version: z.string(), chainId: z.number(), verifyingContract: z.string() });
const typedDataTypes = z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() })));

export const forwardDomainView = z
  .object({
    domain: typedDataDomain,
    primaryType: z.literal("ForwardRequest"),
    types: typedDataTypes,
    from: z.string(),
    nonce: z.string().meta({ description: "The forwarder's next nonce for the caller" }),
    targets: z.object({ ledger: z.string(), registry: z.string() }),
    allowedCalls: z.object({ ledger: z.array(z.string()), registry: z.array(z.string()) }).meta({ description: "The functions the caller's role may relay, by target" }),
    value: z.literal("0"),
    maxGas: z.string(),
  })
  .meta({ id: "ForwardDomain" });

export const forwardAnswer = z
  .union([invoiceView, creditNoteView, z.object({ transactionHash: z.string() })])
  .meta({ id: "ForwardAnswer", description: "What the lifecycle route of the call answers: the invoice, the credit note, or (a registry call) the transaction" });

export const signingView = z.object({ domain: typedDataDomain, types: typedDataTypes, primaryType: z.string() }).meta({ id: "SigningDomain" });

export const custodyView = z
  .object({ account: z.string(), custody: z.enum(["hosted", "self"]) })
  .meta({ id: "Custody", description: "hosted: the API holds the party's key and signs for it; self: the party alone, through POST /v1/forward" });

export const custodyChangeView = z
  .object({ id: z.string(), at: z.string(), account: z.string(), from: z.enum(["hosted", "self"]).nullable().meta({ description: "null: registered in this custody" }), to: z.enum(["hosted", "self"]), changedBy: z.string() })
  .meta({ id: "CustodyChange" });

export const selfRegisteredView = z.object({ participant: partyView, apiKey: z.string().meta({ description: "Shown once; only its hash is stored" }) }).meta({ id: "SelfRegistered" });
