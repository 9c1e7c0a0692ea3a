import { getAddress } from "ethers";
import type { Kysely } from "kysely";

import type { LedgerClient } from "../chain/ledger-client";
import { forgetSelfRegistered, relayerAccount, saveSelfRegistered, signatureUsed } from "../db/custody";
import type { Schema } from "../db/schema";
import { ApiError, conflict, unprocessable } from "../errors";
import { SELF_REGISTRATION_TYPES, apiSignaturesDomain, nameHashOf, recover, typedDataDigest, type SelfRegistration } from "../../lib/forward-request";
import type { ApiKeys } from "./api-keys";
import type { Parties, Party } from "./parties";

/**
 * A person registers as an individual with a key of their own (POST /v1/registrations, public): they sign a
 * SelfRegistration (lib/forward-request.ts: the account, the hash of the name, a deadline) with the account's key,
 * which proves they control it. The name stays in the API's database; on chain only the account, registered by the
 * bureau's first officer (the registry lets the bureau or an enterprise register individuals; the person has
 * nobody else). The party is in self custody from the start: the API never held its key. Its first API key is in
 * the answer, shown once.
 *
 * The same signed message is accepted once (its digest is kept): sent again it is a replay (409
 * SIGNATURE_REPLAYED), even after its deadline; an account with a profile is refused (409 ALREADY_REGISTERED).
 * A lost answer cannot be replayed into a second API key: the bureau issues a replacement key to a party that
 * lost its keys.
 */
export interface SelfRegistrationDeps {
  db: Kysely<Schema>;
  client: Pick<LedgerClient, "chainId" | "addresses" | "registry">;
  parties: Parties;
  apiKeys: Pick<ApiKeys, "issue">;
  /** Seconds since the epoch (tests give their own clock). */
  now?: () => bigint;
}

export function createSelfRegistration({ db, client, parties, apiKeys, now = () => BigInt(Math.floor(Date.now() / 1000)) }: SelfRegistrationDeps) {
  const domain = () => apiSignaturesDomain(client.chainId, client.addresses.registry);
  const alreadyRegistered = (account: string) => conflict("ALREADY_REGISTERED", "the account is already registered", { account });

  return {
    /** The domain and types a SelfRegistration is signed under. */
    signing: () => {
      const { name, version, verifyingContract } = domain();
      return { domain: { name: name!, version: version!, chainId: Number(client.chainId), verifyingContract: verifyingContract! }, types: SELF_REGISTRATION_TYPES, primaryType: "SelfRegistration" as const };
    },

    async register(input: { name: string; account: string; deadline: bigint; signature: string }): Promise<{ participant: Party; apiKey: string }> {
      const account = getAddress(input.account);
      const message: SelfRegistration = { account, nameHash: nameHashOf(input.name), deadline: input.deadline };
      const digest = typedDataDigest(domain(), SELF_REGISTRATION_TYPES, { ...message });
      // A replay first: a message accepted once is refused as such whatever else became of it since.
      if (await signatureUsed(db, digest)) throw conflict("SIGNATURE_REPLAYED", "this signed registration was accepted once already");
      if (input.deadline < now()) throw unprocessable("SIGNATURE_EXPIRED", "the signed registration's deadline has passed", { deadline: input.deadline.toString() });
      if (recover(domain(), SELF_REGISTRATION_TYPES, message, input.signature) !== account) {
        throw unprocessable("SIGNATURE_INVALID", "the signature is not the account's over this registration", { account });
      }
      if ((await parties.get(account)) !== undefined) throw alreadyRegistered(account);
      const registrar = await relayerAccount(db);
      const bureau = registrar === undefined ? undefined : await parties.get(registrar);
      if (bureau === undefined) throw new Error("no bureau officer to register individuals: the API was never started with the bureau's key");
      const party: Party = { account, role: "individual", name: input.name, registeredBy: bureau.account, createdAt: new Date().toISOString() };
      // Before the transaction: a crash after it must not leave a registered account without its profile.
      const saved = await saveSelfRegistered(db, { account, role: "individual", name: input.name, taxpayer_id: null, employer: null, employee_number: null, registered_by: bureau.account.toLowerCase(), predecessor: null, created_at: party.createdAt }, digest);
      if (saved === "replayed") throw conflict("SIGNATURE_REPLAYED", "this signed registration was accepted once already");
      if (saved === "account-taken") throw alreadyRegistered(account);
      try {
        await parties.sendAs(bureau, await client.registry.registerIndividual.populateTransaction(account));
      } catch (error) {
        // Refused by the ledger (e.g. the account is registered there already): nothing of it stays here.
        if (error instanceof ApiError && error.status < 500) {
          if ((await client.registry.participant(account)).status === 0n) await forgetSelfRegistered(db, account, digest);
          else if (error.code === "ALREADY_REGISTERED") {
            await forgetSelfRegistered(db, account, digest);
            throw alreadyRegistered(account);
          }
        }
        throw error;
      }
      const { apiKey } = await apiKeys.issue(account, "first key");
      return { participant: party, apiKey };
    },
  };
}

export type SelfRegistrationService = ReturnType<typeof createSelfRegistration>;
