import { Wallet, getAddress } from "ethers";
import type { Kysely } from "kysely";

import type { Keystore } from "../chain/keystore";
import type { LedgerClient } from "../chain/ledger-client";
import { changeCustody, custodyOf, listCustodyChanges, signatureUsed, type Custody, type CustodyChangeRow } from "../db/custody";
import type { Schema } from "../db/schema";
import { conflict, notFound, unprocessable } from "../errors";
import { CUSTODY_CHANGE_TYPES, apiSignaturesDomain, recover, typedDataDigest, type CustodyChange } from "../../lib/forward-request";
import type { Party } from "./parties";

/**
 * Who holds a party's chain key, and changing it. `hosted`: the API, in its keystore, signs for the party.
 * `self`: the party alone; it acts through requests it signs and the API relays (POST /v1/forward), and every
 * route that would need the API to sign answers 409 SELF_CUSTODY (parties.ts `walletOf`).
 *
 * hosted -> self, in two steps, so that no party is ever left without its key: the party takes a copy of its
 * hosted key (POST /v1/custody/key; nothing changes yet), then proves it holds the key by signing a CustodyChange
 * to `self` (lib/forward-request.ts) with it; only then does the API delete its copy, in the transaction that
 * records the change. A lost answer at either step is harmless: the key is still here after the first, the party
 * has it after the second. The operator did hold the key before: a backup of the database taken earlier still
 * holds it, sealed under the master key. A key the operator never saw is one the party made itself and
 * registered with (POST /v1/registrations); the registry has no way to move an individual's invoices and history to
 * a new account, so a new account is a new party, not a change of custody.
 *
 * self -> hosted: only by handing the API the key (it cannot sign without it); the key must be the account's.
 *
 * Merchants and the bureau stay hosted: a merchant's issue and reversal need the API to store the document and
 * its seal before the seal reaches the chain, which a relayed request does not do; the bureau's account relays.
 * Every change is recorded (who, when, from, to) and the bureau reads the record (GET /v1/custody/changes).
 */
export interface CustodyView {
  account: string;
  custody: Custody;
}

export interface CustodyChangeView {
  id: string;
  at: string;
  account: string;
  from: Custody | null;
  to: Custody;
  changedBy: string;
}

const MAY_KEEP_OWN_KEY: readonly Party["role"][] = ["individual", "enterprise"];

export const changeView = (row: CustodyChangeRow): CustodyChangeView => ({
  id: row.id,
  at: row.at.toISOString(),
  account: getAddress(row.account),
  from: row.from_custody,
  to: row.to_custody,
  changedBy: getAddress(row.changed_by),
});

export interface CustodyDeps {
  db: Kysely<Schema>;
  keystore: Pick<Keystore, "wallet" | "import">;
  client: Pick<LedgerClient, "chainId" | "addresses">;
  /** Seconds since the epoch (tests give their own clock). */
  now?: () => bigint;
}

export function createCustody({ db, keystore, client, now = () => BigInt(Math.floor(Date.now() / 1000)) }: CustodyDeps) {
  const domain = () => apiSignaturesDomain(client.chainId, client.addresses.registry);

  function requireMayKeepOwnKey(party: Party): void {
    if (!MAY_KEEP_OWN_KEY.includes(party.role)) throw unprocessable("CUSTODY_NOT_AVAILABLE", "only employees and enterprises may keep their own key", { role: party.role });
  }

  async function record(party: Party, to: Custody, digest?: string): Promise<CustodyView> {
    const outcome = await changeCustody(db, { account: party.account, to, changedBy: party.account, digest, purpose: "custody-change" });
    if (outcome === "unchanged") throw conflict("CUSTODY_UNCHANGED", `the party's custody is ${to} already`, { custody: to });
    if (outcome === "replayed") throw conflict("SIGNATURE_REPLAYED", "this signed message was accepted once already");
    return { account: party.account, custody: to };
  }

  return {
    /** The domain and types a CustodyChange is signed under. */
    signing: () => ({ domain: domain(), types: CUSTODY_CHANGE_TYPES, primaryType: "CustodyChange" as const }),

    async get(party: Party): Promise<CustodyView> {
      return { account: party.account, custody: await custodyOf(db, party.account) };
    },

    /** Step one of leaving hosted custody: the party's hosted key, for the party itself; nothing changes. */
    async exportKey(party: Party): Promise<{ account: string; privateKey: string }> {
      requireMayKeepOwnKey(party);
      if ((await custodyOf(db, party.account)) === "self") throw conflict("SELF_CUSTODY", "this party keeps its own key", { account: party.account });
      const wallet = await keystore.wallet(party.account);
      if (wallet === undefined) throw conflict("SELF_CUSTODY", "the API holds no key for this party", { account: party.account });
      return { account: party.account, privateKey: wallet.privateKey };
    },

    /** Step two: the party proves it holds its key; the API deletes its copy and records the change. */
    async toSelf(party: Party, proof: { deadline: bigint; signature: string }): Promise<CustodyView> {
      requireMayKeepOwnKey(party);
      const message: CustodyChange = { account: party.account, custody: "self", deadline: proof.deadline };
      if (proof.deadline < now()) throw unprocessable("SIGNATURE_EXPIRED", "the signed message's deadline has passed", { deadline: proof.deadline.toString() });
      const digest = typedDataDigest(domain(), CUSTODY_CHANGE_TYPES, { ...message });
      if (await signatureUsed(db, digest)) throw conflict("SIGNATURE_REPLAYED", "this signed message was accepted once already");
      if (recover(domain(), CUSTODY_CHANGE_TYPES, message, proof.signature) !== getAddress(party.account)) {
        throw unprocessable("SIGNATURE_INVALID", "the signature is not the account's over this custody change", { account: party.account });
      }
      return record(party, "self", digest);
    },

    /** Back to hosted custody: the party hands the API its key, which must be the account's. */
    async toHosted(party: Party, privateKey: string): Promise<CustodyView> {
      requireMayKeepOwnKey(party);
      let wallet: Wallet;
      try {
        wallet = new Wallet(privateKey);
      } catch {
        throw unprocessable("CUSTODY_KEY_MISMATCH", "not a private key", { account: party.account });
      }
      if (wallet.address !== getAddress(party.account)) throw unprocessable("CUSTODY_KEY_MISMATCH", "the private key is not the account's", { account: party.account });
      if ((await custodyOf(db, party.account)) === "hosted") throw conflict("CUSTODY_UNCHANGED", "the party's custody is hosted already", { custody: "hosted" });
      // Stored before the custody says hosted: a crash in between leaves the party in self custody, free to retry.
      await keystore.import(wallet.privateKey);
      return record(party, "hosted");
    },

    /** The record of changes: the bureau's of every party (or of `account`), anyone else's of its own. */
    async changes(viewer: Party, options: { account?: string | undefined; after?: bigint | undefined; limit: number }): Promise<CustodyChangeView[]> {
      if (viewer.role !== "bureau" && options.account !== undefined && getAddress(options.account) !== getAddress(viewer.account)) throw notFound("participant");
      const account = viewer.role === "bureau" ? options.account : viewer.account;
      return (await listCustodyChanges(db, { account, after: options.after, limit: options.limit })).map(changeView);
    },
  };
}

export type CustodyService = ReturnType<typeof createCustody>;
