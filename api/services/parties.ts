import type { ContractTransaction, Wallet } from "ethers";

import type { AccountSenders, SentTransaction } from "../chain/account-sender";
import type { Keystore } from "../chain/keystore";
import type { LedgerClient } from "../chain/ledger-client";
import type { EventIndexer } from "../indexer/event-indexer";
import { ApiError, conflict, forbidden, notFound } from "../errors";
import type { ApiStore } from "../store/api-store";
import { KeyedLock } from "./keyed-lock";
import { keys } from "../store/keys";

/**
 * Participants: their off-chain profiles (names stay here, never on chain) and their on-chain registration,
 * made by the party allowed to make it (a bureau officer for organisations, the employer for its employees),
 * each from its own account.
 */
export type Role = "bureau" | "merchant" | "enterprise" | "individual";

export interface Party {
  account: string;
  role: Role;
  name: string;
  taxpayerId?: string;
  /** The enterprise that registered an individual. */
  employer?: string;
  /** The employer's own reference for the employee (kept off chain). */
  employeeNumber?: string;
  registeredBy: string | null;
  createdAt: string;
  /** For an organisation registered again under its taxpayer ID: the revoked account it succeeds. */
  predecessor?: string;
}

/** A participant as shown: its profile and its registry status (a revoked account stays readable). */
export type PartyWithStatus = Party & { status: "Active" | "Suspended" | "Revoked" | null };

const REGISTRY_STATUSES = [null, "Active", "Suspended", "Revoked"] as const;

export interface PartiesDeps {
  store: ApiStore;
  keystore: Keystore;
  senders: AccountSenders;
  client: LedgerClient;
  /** Status changes are answered once indexed: the next request of that participant is held to them. */
  indexer: Pick<EventIndexer, "waitFor">;
}

export function createParties({ store, keystore, senders, client, indexer }: PartiesDeps) {
  const taxpayerIds = new KeyedLock();

  async function get(account: string): Promise<Party | undefined> {
    return store.get<Party>(keys.party(account));
  }

  async function walletOf(party: Party): Promise<Wallet> {
    const wallet = await keystore.wallet(party.account);
    if (wallet === undefined) throw forbidden("the API holds no key for this party; sign and relay your own requests", { account: party.account });
    return wallet;
  }

  async function save(party: Party): Promise<void> {
    await store.batch([
      { type: "put", key: keys.party(party.account), value: party },
      ...(party.taxpayerId === undefined ? [] : [{ type: "put" as const, key: keys.taxpayer(party.taxpayerId), value: party.account }]),
    ]);
  }

  /** The registry status, as the index has it (it follows the registry's events), else from the chain. */
  async function withStatus(party: Party): Promise<PartyWithStatus> {
    const indexed = await store.get<PartyWithStatus["status"]>(keys.index.participantStatus(party.account));
    const status = indexed ?? REGISTRY_STATUSES[Number((await client.registry.participant(party.account)).status)] ?? null;
    return { ...party, status };
  }

  /** Undoes `save` of a registration the ledger refused; a successor's taxpayer ID goes back to its predecessor. */
  async function forget(party: Party): Promise<void> {
    const taxpayer = party.taxpayerId === undefined ? [] : [party.predecessor === undefined ? { type: "del" as const, key: keys.taxpayer(party.taxpayerId) } : { type: "put" as const, key: keys.taxpayer(party.taxpayerId), value: party.predecessor }];
    await store.batch([{ type: "del", key: keys.party(party.account) }, ...taxpayer]);
  }

  async function registerOrganisationHeld(bureau: Party, input: { role: "merchant" | "enterprise"; name: string; taxpayerId: string }): Promise<Party> {
    const taxpayerBytes = `0x${Buffer.from(input.taxpayerId, "utf8").toString("hex")}`;
    const known = await store.get<string>(keys.taxpayer(input.taxpayerId));
    let party = known === undefined ? undefined : await get(known);
    let predecessor: string | undefined;
    if (party !== undefined) {
      // Registered on chain already, revoked, or left half-way by a crash between our record and the transaction.
      const onChain = await client.registry.participant(party.account);
      if (onChain.status === 3n) {
        predecessor = party.account;
        party = undefined;
      } else if (onChain.status !== 0n || party.role !== input.role) {
        throw conflict("TAXPAYER_ID_TAKEN", "an organisation with this taxpayer ID is already registered", { taxpayerId: input.taxpayerId });
      }
    }
    if (party === undefined) {
      const account = await keystore.create();
      party = {
        account: account.address,
        role: input.role,
        name: input.name,
        taxpayerId: input.taxpayerId,
        registeredBy: bureau.account,
        createdAt: new Date().toISOString(),
        ...(predecessor === undefined ? {} : { predecessor }),
      };
      await save(party); // before the transaction: a crash after it must not leave an account we hold no record of
    }
    const tx =
      input.role === "merchant"
        ? await client.registry.registerMerchant.populateTransaction(party.account, taxpayerBytes)
        : await client.registry.registerEnterprise.populateTransaction(party.account, taxpayerBytes);
    try {
      await senders.send(await walletOf(bureau), tx);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) await forget(party);
      throw error;
    }
    return party;
  }

  /** Sends a transaction from `actor`'s own account and answers once its block is indexed. */
  async function sendAs(actor: Party, tx: ContractTransaction): Promise<SentTransaction> {
    const sent = await senders.send(await walletOf(actor), tx);
    await indexer.waitFor(sent.receipt.blockNumber);
    return sent;
  }

  return {
    get,
    walletOf,
    sendAs,

    /**
     * The bureau registers a merchant or an enterprise under its taxpayer ID; the API creates and keeps its key.
     * A taxpayer ID whose account was revoked is free again (as in the registry): the organisation gets a new
     * account, which succeeds the revoked one (see IInvoiceLedger); the revoked account's record stays readable.
     */
    async registerOrganisation(bureau: Party, input: { role: "merchant" | "enterprise"; name: string; taxpayerId: string }): Promise<Party> {
      // One registration per taxpayer ID at a time: two concurrent ones would each create an account, and the
      // loser's clean-up would drop the winner's taxpayer-ID record.
      return taxpayerIds.run([input.taxpayerId], () => registerOrganisationHeld(bureau, input));
    },

    /** An enterprise registers one of its employees: on chain only an account, with no personal data. */
    async registerEmployee(enterprise: Party, input: { name: string; employeeNumber?: string | undefined }): Promise<Party> {
      const account = await keystore.create();
      const party: Party = {
        account: account.address,
        role: "individual",
        name: input.name,
        ...(input.employeeNumber === undefined ? {} : { employeeNumber: input.employeeNumber }),
        employer: enterprise.account,
        registeredBy: enterprise.account,
        createdAt: new Date().toISOString(),
      };
      await save(party);
      try {
        await senders.send(await walletOf(enterprise), await client.registry.registerIndividual.populateTransaction(account.address));
      } catch (error) {
        if (error instanceof ApiError && error.status < 500) await forget(party);
        throw error;
      }
      return party;
    },

    /** The bureau's first officer, from the key the ledger's first start created; idempotent. */
    async bootstrapBureau(privateKey: string): Promise<Party> {
      const wallet = await keystore.import(privateKey);
      const existing = await get(wallet.address);
      if (existing !== undefined) return existing;
      if (!(await client.registry.isBureau(wallet.address))) throw new Error(`${wallet.address} is not a bureau officer of the registry ${client.addresses.registry}`);
      const party: Party = { account: wallet.address, role: "bureau", name: "Tax bureau", registeredBy: null, createdAt: new Date().toISOString() };
      await save(party);
      return party;
    },

    /** Who may see a participant: the bureau, the party itself, and an employer its employees. */
    async visibleTo(viewer: Party, account: string): Promise<PartyWithStatus> {
      const party = await get(account);
      if (party === undefined) throw notFound("participant");
      if (viewer.role === "bureau" || viewer.account === party.account || party.employer === viewer.account) return withStatus(party);
      throw notFound("participant");
    },

    async list(viewer: Party, options: { role?: Role | undefined; limit: number; after?: string | undefined }): Promise<PartyWithStatus[]> {
      const entries = await store.range<Party>(keys.partyPrefix, options.after === undefined ? {} : { after: keys.party(options.after) });
      const visible = entries
        .map((entry) => entry.value)
        .filter((party) => (viewer.role === "bureau" ? true : party.employer === viewer.account))
        .filter((party) => options.role === undefined || party.role === options.role)
        .slice(0, options.limit);
      return Promise.all(visible.map(withStatus));
    },

    /** The bureau sets a merchant's issuance quota (total incl. tax, fen) for a tax period. */
    async setQuota(bureau: Party, merchant: string, period: number, granted: bigint): Promise<{ granted: string; used: string }> {
      const party = await get(merchant);
      if (party === undefined || party.role !== "merchant") throw notFound("merchant");
      await senders.send(await walletOf(bureau), await client.ledger.setQuota.populateTransaction(party.account, period, granted));
      const [grantedNow, used] = await client.ledger.quotaOf(party.account, period);
      return { granted: grantedNow.toString(), used: used.toString() };
    },

    async quota(viewer: Party, merchant: string, period: number): Promise<{ granted: string; used: string }> {
      const party = await get(merchant);
      if (party === undefined || party.role !== "merchant" || (viewer.role !== "bureau" && viewer.account !== party.account)) throw notFound("merchant");
      const [granted, used] = await client.ledger.quotaOf(party.account, period);
      return { granted: granted.toString(), used: used.toString() };
    },

    async setStatus(actor: Party, account: string, action: "suspend" | "reinstate" | "revoke"): Promise<{ transactionHash: string }> {
      const party = await get(account);
      const allowed = party !== undefined && (actor.role === "bureau" ? party.role !== "bureau" : party.employer === actor.account);
      if (!allowed) throw notFound("participant");
      const sent = await sendAs(actor, await client.registry[action].populateTransaction(party.account));
      return { transactionHash: sent.hash };
    },
  };
}

export type Parties = ReturnType<typeof createParties>;
