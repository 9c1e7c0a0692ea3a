import { getAddress, type ContractTransaction, type Wallet } from "ethers";
import type { Kysely } from "kysely";

import type { AccountSenders, SentTransaction } from "../chain/account-sender";
import type { Keystore } from "../chain/keystore";
import type { LedgerClient } from "../chain/ledger-client";
import type { EventIndexer } from "../indexer/event-indexer";
import { custodyOf } from "../db/custody";
import { findParticipant, forgetParticipant, listParticipants, saveParticipant, taxpayerAccount, type ParticipantRow, type SaveOutcome, type TaxpayerClaim } from "../db/parties";
import type { Schema } from "../db/schema";
import { ApiError, conflict, forbidden, notFound } from "../errors";
import type { ParticipantListParams } from "../http/schemas/participant-list";
import { KeyedLock } from "./keyed-lock";

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

/** A profile as the database has it (accounts lowercase), as the API shows it (accounts checksummed). */
export function partyOf(row: ParticipantRow): Party {
  return {
    account: getAddress(row.account),
    role: row.role as Role,
    name: row.name,
    ...(row.taxpayer_id === null ? {} : { taxpayerId: row.taxpayer_id }),
    ...(row.employer === null ? {} : { employer: getAddress(row.employer) }),
    ...(row.employee_number === null ? {} : { employeeNumber: row.employee_number }),
    registeredBy: row.registered_by === null ? null : getAddress(row.registered_by),
    createdAt: row.created_at.toISOString(),
    ...(row.predecessor === null ? {} : { predecessor: getAddress(row.predecessor) }),
  };
}

const claimOf = (party: Party): TaxpayerClaim | undefined => (party.taxpayerId === undefined ? undefined : { taxpayerId: party.taxpayerId, from: party.predecessor });

const taxpayerIdTaken = (taxpayerId: string) => conflict("TAXPAYER_ID_TAKEN", "an organisation with this taxpayer ID is already registered", { taxpayerId });

export interface PartiesDeps {
  db: Kysely<Schema>;
  keystore: Keystore;
  senders: AccountSenders;
  client: LedgerClient;
  /** Status changes are answered once indexed: the next request of that participant is held to them. */
  indexer: Pick<EventIndexer, "waitFor">;
}

export function createParties({ db, keystore, senders, client, indexer }: PartiesDeps) {
  const taxpayerIds = new KeyedLock();

  async function get(account: string): Promise<Party | undefined> {
    const row = await findParticipant(db, account);
    return row === undefined ? undefined : partyOf(row);
  }

  async function walletOf(party: Party): Promise<Wallet> {
    // A party in self custody has no key here; one that just left hosted custody may still have it in a keystore
    // cache (of this or another instance): the custody, read each time, decides. Merchants and the bureau are
    // always hosted (services/custody.ts), so issuing pays no extra read.
    if ((party.role === "individual" || party.role === "enterprise") && (await custodyOf(db, party.account)) === "self") {
      throw conflict("SELF_CUSTODY", "this party keeps its own key: sign the request and send it to POST /v1/forward", { account: party.account });
    }
    const wallet = await keystore.wallet(party.account);
    if (wallet === undefined) throw forbidden("the API holds no key for this party; sign and relay your own requests", { account: party.account, reason: "NO_HOSTED_KEY" });
    return wallet;
  }

  /**
   * Saves a new profile with, for an organisation, its taxpayer ID (taken when free, handed over from the
   * revoked predecessor otherwise), in one transaction; the constraints refuse a second holder of either.
   */
  async function save(party: Party): Promise<SaveOutcome> {
    return saveParticipant(
      db,
      {
        account: party.account,
        role: party.role,
        name: party.name,
        taxpayer_id: party.taxpayerId ?? null,
        employer: party.employer ?? null,
        employee_number: party.employeeNumber ?? null,
        registered_by: party.registeredBy,
        predecessor: party.predecessor ?? null,
        created_at: party.createdAt,
      },
      claimOf(party),
    );
  }

  /** The registry status, as the index has it (it follows the registry's events), else from the chain. */
  async function withStatus(party: Party, indexed: string | null): Promise<PartyWithStatus> {
    const status = (indexed as PartyWithStatus["status"]) ?? REGISTRY_STATUSES[Number((await client.registry.participant(party.account)).status)] ?? null;
    return { ...party, status };
  }

  /** Undoes `save` of a registration the ledger refused; a successor's taxpayer ID goes back to its predecessor. */
  async function forget(party: Party): Promise<void> {
    await forgetParticipant(db, party.account, claimOf(party));
  }

  /**
   * After the ledger refused a registration: whether the account is registered all the same. A record left
   * half-way (reused below) looks just like one whose registration another API instance has in flight; when
   * that one went through, the record is its, not ours to forget.
   */
  async function registeredMeanwhile(party: Party): Promise<boolean> {
    return (await client.registry.participant(party.account)).status !== 0n;
  }

  async function registerOrganisationHeld(bureau: Party, input: { role: "merchant" | "enterprise"; name: string; taxpayerId: string }): Promise<Party> {
    const taxpayerBytes = `0x${Buffer.from(input.taxpayerId, "utf8").toString("hex")}`;
    const known = await taxpayerAccount(db, input.taxpayerId);
    let party = known === undefined ? undefined : await get(known);
    let predecessor: string | undefined;
    if (party !== undefined) {
      // Registered on chain already, revoked, or left half-way by a crash between our record and the transaction.
      const onChain = await client.registry.participant(party.account);
      if (onChain.status === 3n) {
        predecessor = party.account;
        party = undefined;
      } else if (onChain.status !== 0n || party.role !== input.role) {
        throw taxpayerIdTaken(input.taxpayerId);
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
      // Before the transaction: a crash after it must not leave an account we hold no record of.
      if ((await save(party)) !== "saved") throw taxpayerIdTaken(input.taxpayerId);
    }
    const tx =
      input.role === "merchant"
        ? await client.registry.registerMerchant.populateTransaction(party.account, taxpayerBytes)
        : await client.registry.registerEnterprise.populateTransaction(party.account, taxpayerBytes);
    try {
      await senders.send(await walletOf(bureau), tx);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) {
        if (await registeredMeanwhile(party)) throw taxpayerIdTaken(input.taxpayerId);
        await forget(party);
      }
      throw error;
    }
    return party;
  }

  /**
   * Saves a new individual's profile, then registers its account on chain from the registrar's own account (the
   * bureau, or the employer); a registration the ledger refuses leaves no profile behind.
   */
  async function registerPerson(registrar: Party, person: Party): Promise<Party> {
    const saved = await save(person);
    if (saved !== "saved") throw new Error(`a new account ${person.account} has a profile already (${saved})`);
    try {
      await senders.send(await walletOf(registrar), await client.registry.registerIndividual.populateTransaction(person.account));
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) await forget(person);
      throw error;
    }
    return person;
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
      // One registration per taxpayer ID at a time in this instance: the constraints already let only one of
      // two concurrent ones keep the taxpayer ID, but the loser would create an account (and send a transaction,
      // for a record left half-way) for nothing. Across instances, the constraints and `registeredMeanwhile` decide.
      return taxpayerIds.run([input.taxpayerId], () => registerOrganisationHeld(bureau, input));
    },

    /** An enterprise registers one of its employees: on chain only an account, with no personal data. */
    async registerEmployee(enterprise: Party, input: { name: string; employeeNumber?: string | undefined }): Promise<Party> {
      const account = await keystore.create();
      return registerPerson(enterprise, {
        account: account.address,
        role: "individual",
        name: input.name,
        ...(input.employeeNumber === undefined ? {} : { employeeNumber: input.employeeNumber }),
        employer: enterprise.account,
        registeredBy: enterprise.account,
        createdAt: new Date().toISOString(),
      });
    },

    /**
     * The bureau registers a private person who is nobody's employee (the registry lets a bureau officer register
     * individuals as it lets an enterprise): on chain only an account, the name stays here. The API creates and
     * keeps the person's key, as for an employee.
     */
    async registerIndividual(bureau: Party, input: { name: string }): Promise<Party> {
      const account = await keystore.create();
      return registerPerson(bureau, { account: account.address, role: "individual", name: input.name, registeredBy: bureau.account, createdAt: new Date().toISOString() });
    },

    /** The bureau's first officer, from the key the ledger's first start created; idempotent. */
    async bootstrapBureau(privateKey: string): Promise<Party> {
      const wallet = await keystore.import(privateKey);
      const existing = await get(wallet.address);
      if (existing !== undefined) return existing;
      if (!(await client.registry.isBureau(wallet.address))) throw new Error(`${wallet.address} is not a bureau officer of the registry ${client.addresses.registry}`);
      const party: Party = { account: wallet.address, role: "bureau", name: "Tax bureau", registeredBy: null, createdAt: new Date().toISOString() };
      if ((await save(party)) === "saved") return party;
      // Another API instance bootstrapped it at the same moment.
      const saved = await get(wallet.address);
      if (saved === undefined) throw new Error(`the bureau officer ${wallet.address} could not be saved`);
      return saved;
    },

    /** Who may see a participant: the bureau, the party itself, and an employer its employees. */
    async visibleTo(viewer: Party, account: string): Promise<PartyWithStatus> {
      const row = await findParticipant(db, account);
      if (row === undefined) throw notFound("participant");
      const party = partyOf(row);
      if (viewer.role === "bureau" || viewer.account === party.account || party.employer === viewer.account) return withStatus(party, row.status);
      throw notFound("participant");
    },

    /** The participants a party may list (the bureau all; an enterprise its employees), narrowed by the filters. */
    async list(viewer: Party, options: ParticipantListParams): Promise<PartyWithStatus[]> {
      const rows = await listParticipants(db, {
        after: options.after,
        employer: viewer.role === "bureau" ? undefined : viewer.account,
        role: options.role,
        status: options.status,
        q: options.q,
        limit: options.limit,
      });
      return Promise.all(rows.map((row) => withStatus(partyOf(row), row.status)));
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
