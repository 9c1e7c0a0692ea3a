import { Wallet, getAddress, type TransactionDescription } from "ethers";
import type { Kysely } from "kysely";

import type { SentTransaction } from "../chain/account-sender";
import { toApiError } from "../chain/contract-errors";
import type { LedgerClient } from "../chain/ledger-client";
import { relayerAccount } from "../db/custody";
import type { Schema } from "../db/schema";
import { ApiError, conflict, notFound, unprocessable } from "../errors";
import { LedgerForwarder__factory } from "../../typechain-types";
import { FORWARD_REQUEST_TYPES, forwarderDomain, forwardRequestSigner, type ForwardRequest } from "../../lib/forward-request";
import type { Invoices } from "./invoices";
import { KeyedLock } from "./keyed-lock";
import type { Parties, Party, Role } from "./parties";

/**
 * Requests a party signed itself (an EIP-712 ForwardRequest of OpenZeppelin 5's ERC2771Forwarder), relayed to
 * the ledger or the registry. The API checks what the forwarder checks (target, deadline, nonce, signature) and
 * more (the signer is the caller, the call is a lifecycle action of its role, no value, bounded gas) before
 * anything is sent, each refusal with its own code; then simulates the call as the party, so that a refusal of
 * the ledger is answered with the contract's decoded error (the forwarder itself reverts with a bare FailedCall);
 * then relays it through the forwarder's `execute` and answers, once indexed, as the lifecycle route would.
 *
 * The relayer is the bureau's first officer (the ledger's authority account, whose key the API holds). The node
 * admits transactions only from the authority and registered, active participants (ledger-node/chain/admission.ts),
 * so a dedicated relayer would have to be registered as a participant, with a role that lets it act on invoices
 * (or the bureau's), or be a second authority: a party that does nothing but relay does not exist in the registry.
 * The bureau's account is admitted already, is the operator's own, and pays nothing (gas is free here); the
 * contracts record the signer, never the relayer, as the actor (ERC2771Context `_msgSender()`).
 */

/**
 * What each role may relay, by target. Not here: issuing and reversing (a merchant's seal must reach the chain only
 * after the API stored its document, which a relayed request bypasses); registering an individual (the API would
 * hold no profile for it); the quota and pausing (the bureau's hosted routes).
 */
const LEDGER_CALLS: Readonly<Record<Role, readonly string[]>> = {
  individual: ["claim", "transfer", "submit"],
  enterprise: ["claim", "transfer", "submit", "reject", "reimburse", "file", "confirmReversal", "cancelReversal"],
  merchant: ["cancelReversal"],
  bureau: ["freeze", "unfreeze", "release", "reassign"],
};
const REGISTRY_CALLS: Readonly<Record<Role, readonly string[]>> = {
  individual: [],
  enterprise: ["suspend", "reinstate", "revoke"],
  merchant: [],
  bureau: ["suspend", "reinstate", "revoke"],
};
/** Ledger calls on a credit note (their first argument); the others act on an invoice. */
const CREDIT_NOTE_CALLS = new Set(["confirmReversal", "cancelReversal"]);

/** The most gas a relayed call may ask for: a lifecycle action needs well under 200,000. */
export const MAX_FORWARD_GAS = 1_000_000n;

export interface ForwardingDeps {
  db: Kysely<Schema>;
  client: LedgerClient;
  parties: Parties;
  invoices: Invoices;
  /** Seconds since the epoch (tests give their own clock). */
  now?: () => bigint;
}

type Target = "ledger" | "registry";

export function createForwarding({ db, client, parties, invoices, now = () => BigInt(Math.floor(Date.now() / 1000)) }: ForwardingDeps) {
  const forwarder = LedgerForwarder__factory.connect(client.addresses.forwarder, client.provider);
  const domain = forwarderDomain(client.chainId, client.addresses.forwarder);
  /** One request per signer at a time in this instance: two with the same nonce must not both pass the checks. */
  const signers = new KeyedLock();
  let claimDomain: Promise<{ name: string; version: string; chainId: bigint; verifyingContract: string }> | undefined;

  const targetOf = (to: string): Target | undefined => (to === client.addresses.ledger ? "ledger" : to === client.addresses.registry ? "registry" : undefined);

  async function relayer(): Promise<Party> {
    const account = await relayerAccount(db);
    const party = account === undefined ? undefined : await parties.get(account);
    if (party === undefined) throw new Error("no bureau officer to relay forwarded requests: the API was never started with the bureau's key");
    return party;
  }

  /** The call, decoded, if it is one `role` may relay to `target`. */
  function allowedCall(role: Role, target: Target, data: string): TransactionDescription {
    const iface = target === "ledger" ? client.ledger.interface : client.registry.interface;
    let call: TransactionDescription | null = null;
    try {
      call = iface.parseTransaction({ data });
    } catch {
      call = null; // a known selector with arguments that do not decode: no call of the contract's
    }
    if (call === null) throw unprocessable("FORWARD_CALL_NOT_ALLOWED", "the data is not a call of the target's", { selector: data.slice(0, 10), role });
    if (!(target === "ledger" ? LEDGER_CALLS : REGISTRY_CALLS)[role].includes(call.name)) {
      throw unprocessable("FORWARD_CALL_NOT_ALLOWED", `${role} accounts may not relay ${call.name}`, { function: call.name, role });
    }
    return call;
  }

  /**
   * A refusal of the ledger, told only to a party to the object, exactly as the hosted routes tell it (invoices.ts):
   * to anyone else, and for a claim with a wrong code, the object reads as unknown.
   */
  async function explained(party: Party, target: Target, call: TransactionDescription, error: ApiError): Promise<ApiError> {
    if (target === "registry" || error.status === 404) return error.status === 404 ? notFound(target === "registry" ? "participant" : "invoice") : error;
    const id = String(call.args[0]).toLowerCase();
    if (call.name === "claim") return error.code === "INVALID_CLAIM_CODE" ? notFound("invoice") : error;
    const what = CREDIT_NOTE_CALLS.has(call.name) ? "credit note" : "invoice";
    try {
      await (what === "credit note" ? invoices.creditNoteView(party, id) : invoices.view(party, id));
      return error;
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) return notFound(what);
      throw failure;
    }
  }

  /** The forwarder refused at relay time what passed the checks a moment before: say which check, as before. */
  async function relayRefusal(party: Party, target: Target, call: TransactionDescription, request: ForwardRequest, error: ApiError): Promise<ApiError> {
    const reason = error.details.reason;
    if (reason === "ERC2771ForwarderExpiredRequest") return unprocessable("FORWARD_EXPIRED", "the request's deadline has passed", { deadline: request.deadline.toString() });
    if (reason === "ERC2771ForwarderInvalidSigner") {
      const current = await forwarder.nonces(request.from);
      if (current !== request.nonce) return conflict("FORWARD_REPLAYED", "this request's nonce was used meanwhile", { nonce: request.nonce.toString(), current: current.toString() });
      return unprocessable("FORWARD_SIGNATURE_INVALID", "the signature does not recover to the request's from");
    }
    if (reason === "FailedCall") {
      // The call itself failed: the state changed since the simulation. Simulate again for the ledger's reason.
      try {
        await client.provider.call({ from: request.from, to: request.to, data: request.data, gasLimit: request.gas });
      } catch (failure) {
        return explained(party, target, call, toApiError(failure));
      }
    }
    return error;
  }

  async function answerFor(party: Party, target: Target, call: TransactionDescription, sent: SentTransaction): Promise<unknown> {
    if (target === "registry") return { transactionHash: sent.hash };
    const id = String(call.args[0]).toLowerCase();
    return CREDIT_NOTE_CALLS.has(call.name) ? invoices.creditNoteView(party, id) : invoices.view(party, id, { justActed: true });
  }

  return {
    /** What a client needs to build and sign a request without a chain connection, with the caller's next nonce. */
    async domain(party: Party) {
      return {
        domain: { name: domain.name!, version: domain.version!, chainId: Number(client.chainId), verifyingContract: client.addresses.forwarder },
        primaryType: "ForwardRequest" as const,
        types: FORWARD_REQUEST_TYPES,
        from: party.account,
        nonce: (await forwarder.nonces(party.account)).toString(),
        targets: { ledger: client.addresses.ledger, registry: client.addresses.registry },
        allowedCalls: { ledger: [...LEDGER_CALLS[party.role]], registry: [...REGISTRY_CALLS[party.role]] },
        value: "0",
        maxGas: MAX_FORWARD_GAS.toString(),
      };
    },

    /** Checks, simulates and relays `request`, signed by `party`; answers as the lifecycle route would. */
    async forward(party: Party, request: ForwardRequest, signature: string): Promise<unknown> {
      if (getAddress(request.from) !== getAddress(party.account)) {
        throw new ApiError(403, "FORWARD_SIGNER_MISMATCH", "a forward request is signed by the caller's own account", { from: request.from, account: party.account });
      }
      const target = targetOf(getAddress(request.to));
      if (target === undefined) {
        throw unprocessable("FORWARD_TARGET_NOT_ALLOWED", "requests are relayed to the ledger or the registry only", { to: request.to, allowed: [client.addresses.ledger, client.addresses.registry] });
      }
      const call = allowedCall(party.role, target, request.data);
      if (request.value !== 0n) throw unprocessable("FORWARD_VALUE_NOT_ZERO", "the request's value must be 0", { value: request.value.toString() });
      if (request.gas > MAX_FORWARD_GAS) throw unprocessable("FORWARD_GAS_TOO_HIGH", "the request asks for more gas than the relay gives", { gas: request.gas.toString(), limit: MAX_FORWARD_GAS.toString() });
      if (request.deadline < now()) throw unprocessable("FORWARD_EXPIRED", "the request's deadline has passed", { deadline: request.deadline.toString() });
      return signers.run([request.from.toLowerCase()], async () => {
        const current = await forwarder.nonces(request.from);
        if (request.nonce < current) throw conflict("FORWARD_REPLAYED", "this request's nonce was used", { nonce: request.nonce.toString(), current: current.toString() });
        if (request.nonce > current) throw conflict("FORWARD_NONCE_AHEAD", "this request's nonce is ahead of the next one", { nonce: request.nonce.toString(), current: current.toString() });
        if (forwardRequestSigner(domain, request, signature) !== getAddress(request.from)) {
          throw unprocessable("FORWARD_SIGNATURE_INVALID", "the signature does not recover to the request's from");
        }
        // As the party itself: the ledger's refusal, decoded (through the forwarder it would be a bare FailedCall).
        try {
          await client.provider.call({ from: request.from, to: request.to, data: request.data, gasLimit: request.gas });
        } catch (error) {
          throw await explained(party, target, call, toApiError(error));
        }
        const tx = await forwarder.execute.populateTransaction({ ...request, signature });
        let sent: SentTransaction;
        try {
          sent = await parties.sendAs(await relayer(), tx);
        } catch (error) {
          throw error instanceof ApiError ? await relayRefusal(party, target, call, request, error) : error;
        }
        return answerFor(party, target, call, sent);
      });
    },

    /**
     * The data of a claim for `claimant` to sign and relay: the ledger's claim needs the invoice's commitment
     * (kept here) and the claim key's signature naming the claimant, which the claim code (the claim key) makes.
     * A wrong code, an unknown id and a credit note's id read alike, as for the hosted claim.
     */
    async claimCall(claimant: Party, id: string, claimCode: string): Promise<{ to: string; data: string }> {
      const stored = await invoices.documents.get(id);
      if (stored === undefined || stored.kind !== "invoice") throw notFound("invoice");
      let claimKey: Wallet;
      try {
        claimKey = new Wallet(claimCode);
      } catch {
        throw notFound("invoice");
      }
      if (claimKey.address !== stored.claimKeyAddress) throw notFound("invoice");
      claimDomain ??= client.ledger.eip712Domain().then(([, name, version, chainId, verifyingContract]) => ({ name, version, chainId, verifyingContract }));
      const signature = await claimKey.signTypedData(await claimDomain, { Claim: [{ name: "invoiceId", type: "bytes32" }, { name: "claimant", type: "address" }] }, { invoiceId: id, claimant: claimant.account });
      return { to: client.addresses.ledger, data: client.ledger.interface.encodeFunctionData("claim", [id, stored.commitment, signature]) };
    },
  };
}

export type Forwarding = ReturnType<typeof createForwarding>;
