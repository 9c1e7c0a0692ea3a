import { Wallet, encodeBytes32String, getAddress, hexlify, toUtf8Bytes, type ContractTransaction } from "ethers";

import { unknownOnRevert } from "../chain/contract-errors";
import type { IssueBatcher, IssuePhase } from "../chain/issue-batcher";
import type { Keystore } from "../chain/keystore";
import type { LedgerClient } from "../chain/ledger-client";
import { checkCodeOf } from "../domain/commitment";
import { fingerprint } from "../domain/fingerprint";
import { creditNoteIdOf, invoiceIdOf, requestIdOf } from "../domain/ids";
import { buildInvoiceDocument, REVERSAL_REASONS, type CreditNoteDocument, type ReversalReason } from "../domain/invoice-document";
import type { NumberForm, NumberInput } from "../domain/printed-number";
import { ApiError, conflict, forbidden, notFound } from "../errors";
import type { IssueInvoiceBody } from "../http/schemas/invoice-document";
import { CREDIT_NOTE_STATUSES, STATES, type InvoiceState } from "../indexer/events";
import type { EventIndexer } from "../indexer/event-indexer";
import type { InvoiceSummary } from "../indexer/invoice-summary";
import type { Db } from "../db/database";
import { documentFile, documentStore, sealDocument, type DocumentFile, type StoredDocument } from "./documents";
import { createInvoiceNumbers } from "./invoice-numbers";
import { documentIssueTimes, type DocumentRow } from "../db/documents";
import { createInvoiceSearch } from "./invoice-search";
import { KeyedLock } from "./keyed-lock";
import type { Parties, Party } from "./parties";

/**
 * The invoice lifecycle over the chain: every write is a transaction from the acting party's own account, and
 * answers only once it is in a block and indexed, so what the caller reads next includes it. Reads of one
 * invoice come from the chain (the source of truth); lists come from the event index.
 */
export interface InvoiceView {
  id: string;
  number: string;
  /** The 20-digit number printed on the invoice (api/domain/printed-number.ts); null while its document is missing here. */
  printedNumber: string | null;
  state: InvoiceState;
  frozenFrom: InvoiceState | null;
  seller: { account: string; name: string | null; taxpayerId: string | null };
  buyerTaxId: string | null;
  total: string;
  tax: string;
  checkCode: string;
  holder: string | null;
  enterprise: string | null;
  filedPeriod: number | null;
  reversedTotal: string;
  reversedTax: string;
  reversalPending: boolean;
  /** Only for parties to the invoice. */
  document?: DocumentFile;
  /** Only for the seller, while nobody has claimed it: to print on the invoice for the buyer. */
  claimCode?: string;
}

export interface IssueResult {
  invoice: InvoiceView;
  /** true when the reference had been issued before: this is the first invoice, not a new one. */
  replayed: boolean;
  transactionHash: string | null;
  blockNumber: number | null;
}

const ZERO_TAX_ID = `0x${"00".repeat(18)}`;
const nullIfZero = (address: string) => (/^0x0{40}$/i.test(address) ? null : getAddress(address));

/**
 * An invoice's record as the ledger's `invoice(id)` holds it, in the terms of the view: accounts checksummed (null
 * for none), amounts and the number as digit strings, the state it was frozen from only while it is frozen. Made
 * from the chain's answer (ledgerRecordOf) or from the event index's summary (indexedRecordOf); the two agree
 * field by field (test/api/api.index-answers.test.ts).
 */
export type LedgerRecord = Pick<InvoiceSummary, "id" | "number" | "seller" | "buyerTaxId" | "total" | "tax" | "state" | "frozenFrom" | "holder" | "enterprise" | "filedPeriod" | "reversedTotal" | "reversedTax"> & {
  seal: string;
  reversalPending: boolean;
};

/**
 * An invoice's document (its row, opened only for a party to it) and its seller's profile (what a view shows of it),
 * when read with its record.
 */
export interface ReadWithRecord {
  document: DocumentRow | undefined;
  seller: { name: string; taxpayerId?: string } | undefined;
}

/** A taxpayer ID on chain (bytes18) as text: its bytes as UTF-8, whatever they are (the ledger does not check them). */
const taxIdText = (bytes18: string) => (bytes18 === ZERO_TAX_ID ? null : Buffer.from(bytes18.slice(2), "hex").toString("utf8"));

function ledgerRecordOf(id: string, invoice: Awaited<ReturnType<LedgerClient["ledger"]["invoice"]>>): LedgerRecord {
  const state = STATES[Number(invoice.state)] ?? "None";
  return {
    id: id.toLowerCase(),
    number: invoice.number.toString(),
    seller: invoice.seller,
    buyerTaxId: taxIdText(invoice.buyerTaxId),
    seal: invoice.seal,
    total: invoice.total.toString(),
    tax: invoice.tax.toString(),
    state,
    frozenFrom: state === "Frozen" ? (STATES[Number(invoice.frozenFrom)] ?? null) : null,
    holder: nullIfZero(invoice.holder),
    enterprise: nullIfZero(invoice.enterprise),
    filedPeriod: invoice.filedPeriod === 0n ? null : Number(invoice.filedPeriod),
    reversedTotal: invoice.reversedTotal.toString(),
    reversedTax: invoice.reversedTax.toString(),
    reversalPending: invoice.reversalPending,
  };
}

/**
 * The record from the index's summary of the invoice (api/indexer/invoice-summary.ts). A taxpayer ID the index
 * keeps as hex (not 18 digits and capitals: api/indexer/events.ts) reads as the chain's bytes do.
 */
export function indexedRecordOf(summary: InvoiceSummary & { seal: string }): LedgerRecord {
  return {
    id: summary.id.toLowerCase(),
    number: summary.number,
    seller: summary.seller,
    buyerTaxId: summary.buyerTaxId !== null && summary.buyerTaxId.startsWith("0x") ? taxIdText(summary.buyerTaxId) : summary.buyerTaxId,
    seal: summary.seal,
    total: summary.total,
    tax: summary.tax,
    state: summary.state,
    frozenFrom: summary.state === "Frozen" ? summary.frozenFrom : null,
    holder: summary.holder,
    enterprise: summary.enterprise,
    filedPeriod: summary.filedPeriod,
    reversedTotal: summary.reversedTotal,
    reversedTax: summary.reversedTax,
    reversalPending: summary.pendingCreditNote !== null,
  };
}

const reasonBytes = (reason: string) => encodeBytes32String(reason);
/** The buyer's taxpayer ID as the ledger's bytes18 (18 ASCII characters), or zero for an individual. */
const buyerTaxIdWord = (body: IssueInvoiceBody) => (body.buyer.type === "organisation" ? hexlify(toUtf8Bytes(body.buyer.taxpayerId)) : ZERO_TAX_ID);

/**
 * Refusals that reveal nothing: someone else's object, an unknown id and (for a claim) a wrong claim code
 * all read exactly alike, with no details, so that ids and codes cannot be probed. A refusal that is not a
 * 404 (a wrong state, a rule of the ledger) is only ever given to a party to the object.
 */
const noSuchClaim = () => new ApiError(404, "NOT_FOUND", "no invoice matches this id and claim code");
function hidden(what: "invoice" | "credit note", error: unknown): unknown {
  return error instanceof ApiError && error.status === 404 ? notFound(what) : error;
}


export interface InvoicesDeps {
  db: Db;
  client: LedgerClient;
  batcher: IssueBatcher;
  indexer: EventIndexer;
  parties: Parties;
  /** Seals the claim codes kept with the documents; derives the key that tags search cursors. */
  keystore: Pick<Keystore, "sealSecret" | "openSecret" | "deriveKey">;
  /** The prefix of printed numbers (region, channel). */
  numberForm: NumberForm;
  /** Told how long each issued invoice spent storing its document and waiting for the index (api_issue_phase_seconds). */
  onIssuePhase?: (phase: IssuePhase, seconds: number) => void;
}

/** One observation per invoice of the time since `since`. */
function observeEach(observe: InvoicesDeps["onIssuePhase"], phase: IssuePhase, since: number, invoices: number): void {
  if (observe === undefined) return;
  const seconds = (performance.now() - since) / 1000;
  for (let i = 0; i < invoices; i++) observe(phase, seconds);
}

export function createInvoices({ db, client, batcher, indexer, parties, keystore, numberForm, onIssuePhase }: InvoicesDeps) {
  const documents = documentStore(db, keystore);
  const numbers = createInvoiceNumbers({ db, form: numberForm, documents });
  /** One execution per merchant reference (invoice or credit-note id), however many requests carry it at once. */
  const references = new KeyedLock();
  let claimDomain: Promise<{ name: string; version: string; chainId: bigint; verifyingContract: string }> | undefined;
  /** The printed numbers of a page of invoices, from their documents' issue times (invoice-numbers.ts). */
  async function printedNumbers(summaries: readonly { id: string; number: string }[]): Promise<Map<string, string>> {
    const times = await documentIssueTimes(db, summaries.map((summary) => summary.id));
    const printed = new Map<string, string>();
    for (const summary of summaries) {
      const issuedAt = times.get(summary.id.toLowerCase());
      if (issuedAt !== undefined) printed.set(summary.id.toLowerCase(), numbers.printed(summary.number, issuedAt));
    }
    return printed;
  }
  const searchService = createInvoiceSearch({ db, accountsOf: (viewer) => accountsOf(viewer), documentFiles: documents.files, printedNumbers, cursorKey: keystore.deriveKey("search-cursor"), acceptsNumber: numbers.accepts });

  async function chainInvoice(id: string) {
    const invoice = await client.ledger.invoice(id).catch(unknownOnRevert);
    if (invoice === undefined || Number(invoice.state) === 0) return undefined;
    return invoice;
  }
  type ChainInvoice = NonNullable<Awaited<ReturnType<typeof chainInvoice>>>;

  /**
   * The accounts `viewer` acts for: its own and, for an organisation registered again after a revocation, the
   * revoked accounts it succeeds (the ledger lets a successor act for its predecessor; see IInvoiceLedger).
   */
  async function accountsOf(viewer: Party): Promise<Set<string>> {
    const accounts = new Set([viewer.account.toLowerCase()]);
    for (let next = viewer.predecessor; next !== undefined && !accounts.has(next.toLowerCase()); next = (await parties.get(next))?.predecessor) {
      accounts.add(next.toLowerCase());
    }
    return accounts;
  }

  async function isPartyTo(viewer: Party, invoice: { seller: string; holder: string | null; enterprise: string | null }): Promise<boolean> {
    if (viewer.role === "bureau") return true;
    const mine = await accountsOf(viewer);
    return [invoice.seller, invoice.holder, invoice.enterprise].some((account) => account !== null && mine.has(account.toLowerCase()));
  }

  /** The invoice for `viewer` as the chain holds it now; 404 unless party to it, except right after `viewer` acted on it
   * (a rejecting enterprise is no longer a party, but is told the outcome of its own action, without the document). */
  async function view(viewer: Party, id: string, options: { justActed?: boolean; issued?: StoredDocument } = {}): Promise<InvoiceView> {
    const invoice = await chainInvoice(id);
    if (invoice === undefined) throw notFound("invoice");
    return viewOf(viewer, ledgerRecordOf(id, invoice), options);
  }

  /**
   * The invoice for `viewer` from a record of it (the chain's, or the event index's: api/services/reports.ts), with
   * its document and seller (`read`: both read already, with the record); 404 unless party to it, but as `view` says.
   */
  async function viewOf(viewer: Party, invoice: LedgerRecord, options: { justActed?: boolean; issued?: StoredDocument; read?: ReadWithRecord } = {}): Promise<InvoiceView> {
    const party = await isPartyTo(viewer, invoice);
    if (!party && !options.justActed) throw notFound("invoice");
    // Right after issuing, the merchant and the document are in hand: the seller is the viewer, the document is the one just stored.
    const issuedByViewer = options.issued !== undefined && invoice.seller === viewer.account;
    const [stored, seller] = issuedByViewer
      ? [options.issued, viewer]
      : options.read !== undefined
        ? [options.read.document === undefined ? undefined : documents.read(options.read.document), options.read.seller]
        : await Promise.all([documents.get(invoice.id), parties.get(invoice.seller)]);
    const number = BigInt(invoice.number);
    const result: InvoiceView = {
      id: invoice.id,
      number: invoice.number,
      printedNumber: stored === undefined ? null : numbers.printed(number, stored.document.issuedAt),
      state: invoice.state,
      frozenFrom: invoice.frozenFrom,
      seller: { account: invoice.seller, name: seller?.name ?? null, taxpayerId: seller?.taxpayerId ?? null },
      buyerTaxId: invoice.buyerTaxId,
      total: invoice.total,
      tax: invoice.tax,
      checkCode: checkCodeOf(invoice.seal),
      holder: invoice.holder,
      enterprise: invoice.enterprise,
      filedPeriod: invoice.filedPeriod,
      reversedTotal: invoice.reversedTotal,
      reversedTax: invoice.reversedTax,
      reversalPending: invoice.reversalPending,
    };
    if (stored !== undefined && party) {
      result.document = documentFile(stored, number);
      const isSeller = viewer.role === "merchant" && (await accountsOf(viewer)).has(invoice.seller.toLowerCase());
      if (isSeller && result.holder === null && stored.claimCode !== null) result.claimCode = stored.claimCode;
    }
    return result;
  }

  /**
   * Sends one lifecycle transaction from `actor`'s account and answers with the invoice as it then is. Only a
   * party to the invoice (seller, holder, locking enterprise, the bureau) gets further than "not found".
   */
  async function act(actor: Party, id: string, populate: () => Promise<ContractTransaction>): Promise<InvoiceView> {
    await sendAsParty(actor, "invoice", () => chainInvoice(id), populate);
    return view(actor, id, { justActed: true });
  }

  /**
   * Sends `actor`'s transaction and waits until the index holds its block. A refusal is explained only to a party
   * to the invoice (`invoiceOf`); anyone else is told "not found", exactly as for an id that does not exist.
   * Whether the actor is a party is read only when the ledger refused: what the ledger lets pass, it lets a party do.
   */
  async function sendAsParty(actor: Party, what: "invoice" | "credit note", invoiceOf: () => Promise<ChainInvoice | undefined>, populate: () => Promise<ContractTransaction>): Promise<void> {
    try {
      await parties.sendAs(actor, await populate());
    } catch (error) {
      const invoice = await invoiceOf();
      throw invoice !== undefined && (await isPartyTo(actor, invoice)) ? hidden(what, error) : notFound(what);
    }
  }

  function requireRole(party: Party, roles: Party["role"][], what: string): void {
    if (!roles.includes(party.role)) throw forbidden(`only ${roles.join(" or ")} accounts may ${what}`, { role: party.role, allowedRoles: roles });
  }

  async function issueAll(merchant: Party, bodies: IssueInvoiceBody[]): Promise<IssueResult[]> {
    requireRole(merchant, ["merchant"], "issue invoices");
    if (merchant.taxpayerId === undefined) throw forbidden("the merchant has no taxpayer ID", { reason: "NO_TAXPAYER_ID" });
    // Each reference is taken before anything is sealed: a concurrent request with the same reference waits,
    // then finds this one's document (and claim code) stored and answers with the same invoice.
    const requestIds = bodies.map((body) => requestIdOf(body.reference));
    const ids = requestIds.map((requestId) => invoiceIdOf(merchant.account, requestId));
    return references.run(ids, () => issueHeld(merchant, bodies, requestIds, ids));
  }

  /**
   * The plan of each body of a request some of whose references hold a document already: a held one with the
   * same contents is a retry (sent again unless its invoice is on chain; the ledger issues one invoice per
   * request id whatever happens), one with other contents is DUPLICATE_REFERENCE; the rest (`sealed`) are stored.
   */
  async function plansWithHeld(bodies: IssueInvoiceBody[], ids: string[], sealed: StoredDocument[]): Promise<{ body: IssueInvoiceBody; stored: StoredDocument; issued: boolean }[]> {
    const existing = await documents.getMany(ids);
    const plans = await Promise.all(
      bodies.map(async (body, i) => {
        const id = ids[i]!;
        const held = existing.get(id.toLowerCase());
        if (held !== undefined && held.requestFingerprint !== sealed[i]!.requestFingerprint) {
          throw conflict("DUPLICATE_REFERENCE", "this reference was already used for an invoice with other contents", { reference: body.reference, id });
        }
        // A document held already: a retry of this reference, whose transaction may or may not have reached the chain.
        const onChain = held === undefined ? undefined : await chainInvoice(id);
        return { body, stored: held ?? sealed[i]!, isNew: held === undefined, issued: onChain !== undefined };
      }),
    );
    await documents.putAll(plans.filter((plan) => plan.isNew).map((plan) => plan.stored));
    return plans;
  }

  /** `requestIds` and `ids` (lowercase, as keccak hex is) are the bodies' own, computed once by issueAll. */
  async function issueHeld(merchant: Party, bodies: IssueInvoiceBody[], requestIds: string[], ids: string[]): Promise<IssueResult[]> {
    const wallet = await parties.walletOf(merchant);
    const now = new Date();
    const sealed = bodies.map((body, i) =>
      sealDocument({ id: ids[i]!, seller: merchant.account, requestId: requestIds[i]!, requestFingerprint: fingerprint(body), document: buildInvoiceDocument(body, { name: merchant.name, taxpayerId: merchant.taxpayerId! }, now) }),
    );
    // Most references are new: their documents are stored without a read first. When one is held already (a
    // retry, or a reference used before), nothing was stored, and what is held decides, reference by reference.
    const storing = performance.now();
    const plans =
      (await documents.putNew(sealed)) === "stored"
        ? sealed.map((stored, i) => ({ body: bodies[i]!, stored, issued: false }))
        : await plansWithHeld(bodies, ids, sealed);
    observeEach(onIssuePhase, "store", storing, bodies.length);
    const toSend = plans.filter((plan) => !plan.issued);
    const requests = toSend.map(({ stored, body }) => ({
      requestId: stored.requestId,
      seal: stored.seal,
      buyerTaxId: buyerTaxIdWord(body),
      total: BigInt(stored.document.totals.total),
      tax: BigInt(stored.document.totals.tax),
    }));
    // One invoice joins the merchant's group commit; a batch request is one transaction of its own, all or nothing.
    const sent = requests.length === 0 ? [] : bodies.length === 1 ? [await batcher.issue(wallet, requests[0]!)] : await batcher.issueTogether(wallet, requests);
    const lastBlock = Math.max(-1, ...sent.map((s) => s.blockNumber));
    if (lastBlock >= 0) {
      const indexing = performance.now();
      await indexer.waitFor(lastBlock);
      observeEach(onIssuePhase, "index", indexing, sent.length);
    }
    const byId = new Map(sent.map((s, i) => [toSend[i]!.stored.id, s]));
    return Promise.all(
      plans.map(async (plan) => {
        const inBlock = byId.get(plan.stored.id);
        // Just issued: the invoice is what the request, its stored document and its event say; a replay reads the chain.
        const invoice = inBlock === undefined ? await view(merchant, plan.stored.id, { issued: plan.stored }) : justIssued(merchant, plan.stored, plan.body, inBlock.number);
        return { invoice, replayed: plan.issued, transactionHash: inBlock?.transactionHash ?? null, blockNumber: inBlock?.blockNumber ?? null };
      }),
    );
  }

  /**
   * An invoice as its issue left it, without reading it back from the chain: issueBatch either records every
   * request as given (state Issued, no holder, nothing reversed, the seal, amounts and buyer of the request) or
   * reverts, and the number is the one its InvoiceIssued event carries.
   */
  function justIssued(merchant: Party, stored: StoredDocument, body: IssueInvoiceBody, number: bigint): InvoiceView {
    return {
      id: stored.id.toLowerCase(),
      number: number.toString(),
      printedNumber: numbers.printed(number, stored.document.issuedAt),
      state: "Issued",
      frozenFrom: null,
      seller: { account: merchant.account, name: merchant.name, taxpayerId: merchant.taxpayerId ?? null },
      buyerTaxId: body.buyer.type === "organisation" ? body.buyer.taxpayerId : null,
      total: stored.document.totals.total,
      tax: stored.document.totals.tax,
      checkCode: checkCodeOf(stored.seal),
      holder: null,
      enterprise: null,
      filedPeriod: null,
      reversedTotal: "0",
      reversedTax: "0",
      reversalPending: false,
      document: documentFile(stored, number),
      ...(stored.claimCode === null ? {} : { claimCode: stored.claimCode }),
    };
  }

  /**
   * Claim by scan (POST /v1/claims): the number (printed or the ledger's), check code and claim code that the QR
   * code on the buyer's copy carries, without the invoice's id. Anything that does not name an invoice with that
   * check code reads as a wrong claim code.
   */
  async function claimByNumber(claimant: Party, input: { number: NumberInput; checkCode: bigint; claimCode: string }): Promise<InvoiceView> {
    requireRole(claimant, ["individual", "enterprise"], "claim invoices");
    const named = await numbers.named(input.number);
    if (named === undefined || named.kind !== "invoice" || BigInt(checkCodeOf(named.document.seal)) !== input.checkCode) throw noSuchClaim();
    return claim(claimant, named.id, input.claimCode);
  }

  async function claim(claimant: Party, id: string, claimCode: string): Promise<InvoiceView> {
    requireRole(claimant, ["individual", "enterprise"], "claim invoices");
    // An unknown id, a credit note's id and a wrong claim code read alike: the code is checked here, before
    // anything reaches the chain, against the claim key the invoice was sealed with.
    const stored = await documents.get(id);
    if (stored === undefined || stored.kind !== "invoice") throw noSuchClaim();
    let claimKey: Wallet;
    try {
      claimKey = new Wallet(claimCode);
    } catch {
      throw noSuchClaim();
    }
    if (claimKey.address !== stored.claimKeyAddress) throw noSuchClaim();
    claimDomain ??= client.ledger.eip712Domain().then(([, name, version, chainId, verifyingContract]) => ({ name, version, chainId, verifyingContract }));
    const signature = await claimKey.signTypedData(
      await claimDomain,
      { Claim: [{ name: "invoiceId", type: "bytes32" }, { name: "claimant", type: "address" }] },
      { invoiceId: id, claimant: claimant.account },
    );
    // Whoever holds the code may try: the claimant is not yet a party, so `act`'s party check does not apply.
    await parties.sendAs(claimant, await client.ledger.claim.populateTransaction(id, stored.commitment, signature)).catch((error: unknown) => {
      throw error instanceof ApiError && (error.status === 404 || error.code === "INVALID_CLAIM_CODE") ? noSuchClaim() : error;
    });
    return view(claimant, id, { justActed: true });
  }

  return {
    view,
    viewOf,
    numbers,
    /** The 20 digits printed on these invoices (by lowercase id), where their documents are held. */
    printedNumbers,
    documents,
    claim,
    claimByNumber,

    async issue(merchant: Party, body: IssueInvoiceBody): Promise<IssueResult> {
      return (await issueAll(merchant, [body]))[0]!;
    },

    issueBatch: issueAll,

    /** Search (GET /v1/invoices): the bureau every invoice; anyone else its own, and an enterprise its invoice pool (invoice-search.ts). */
    search: searchService.search,

    async transfer(holder: Party, id: string, to: string): Promise<InvoiceView> {
      requireRole(holder, ["individual", "enterprise"], "transfer invoices");
      return act(holder, id, () => client.ledger.transfer.populateTransaction(id, to));
    },

    async submit(holder: Party, id: string, enterprise: string): Promise<InvoiceView> {
      requireRole(holder, ["individual", "enterprise"], "submit invoices for reimbursement");
      return act(holder, id, () => client.ledger.submit.populateTransaction(id, enterprise));
    },

    async reject(enterprise: Party, id: string, reason: string): Promise<InvoiceView> {
      requireRole(enterprise, ["enterprise"], "reject reimbursement claims");
      return act(enterprise, id, () => client.ledger.reject.populateTransaction(id, reasonBytes(reason)));
    },

    async reimburse(enterprise: Party, id: string): Promise<InvoiceView> {
      requireRole(enterprise, ["enterprise"], "reimburse invoices");
      return act(enterprise, id, () => client.ledger.reimburse.populateTransaction(id));
    },

    async file(enterprise: Party, id: string, period: number): Promise<InvoiceView> {
      requireRole(enterprise, ["enterprise"], "file invoices");
      return act(enterprise, id, () => client.ledger.file.populateTransaction(id, period));
    },

    async freeze(bureau: Party, id: string, reason: string): Promise<InvoiceView> {
      requireRole(bureau, ["bureau"], "freeze invoices");
      return act(bureau, id, () => client.ledger.freeze.populateTransaction(id, reasonBytes(reason)));
    },

    async unfreeze(bureau: Party, id: string): Promise<InvoiceView> {
      requireRole(bureau, ["bureau"], "unfreeze invoices");
      return act(bureau, id, () => client.ledger.unfreeze.populateTransaction(id));
    },

    /** A red-letter credit note for all (amounts omitted) or part of what remains of the invoice. */
    async reverse(merchant: Party, id: string, input: { reference: string; reason: ReversalReason; total?: bigint | undefined; tax?: bigint | undefined }) {
      requireRole(merchant, ["merchant"], "reverse invoices");
      const mine = await accountsOf(merchant);
      const isMine = (found: Awaited<ReturnType<typeof chainInvoice>>) => found !== undefined && mine.has(found.seller.toLowerCase());
      if (!isMine(await chainInvoice(id))) throw notFound("invoice");
      const requestId = requestIdOf(input.reference);
      const creditNoteId = creditNoteIdOf(merchant.account, requestId);
      // The request as sent: a full reversal (amounts omitted) resent after it took effect is the same request.
      const requestFingerprint = fingerprint({ invoice: id.toLowerCase(), reference: input.reference, reason: input.reason, total: input.total, tax: input.tax });
      return references.run([creditNoteId.toLowerCase()], async () => {
        // Read again under the reference: what remains of the invoice is what a full reversal reverses.
        const invoice = await chainInvoice(id);
        if (invoice === undefined || !isMine(invoice)) throw notFound("invoice");
        const total = input.total ?? invoice.total - invoice.reversedTotal;
        const tax = input.tax ?? invoice.tax - invoice.reversedTax;
        let stored: StoredDocument | undefined = await documents.get(creditNoteId);
        if (stored !== undefined && stored.requestFingerprint !== requestFingerprint) {
          throw conflict("DUPLICATE_REFERENCE", "this reference was already used for another credit note", { reference: input.reference });
        }
        const existing = stored === undefined ? undefined : await client.ledger.creditNote(creditNoteId).catch(unknownOnRevert);
        if (existing === undefined || Number(existing.status) === 0) {
          if (stored === undefined) {
            const document: CreditNoteDocument = {
              kind: "credit-note",
              version: 1,
              reference: input.reference,
              issuedAt: new Date().toISOString(),
              currency: "CNY",
              seller: { name: merchant.name, taxpayerId: merchant.taxpayerId ?? "" },
              original: { id: id.toLowerCase(), number: invoice.number.toString() },
              reason: input.reason,
              totals: { amount: (total - tax).toString(), tax: tax.toString(), total: total.toString() },
            };
            stored = sealDocument({ id: creditNoteId, seller: merchant.account, requestId, requestFingerprint, document });
            await documents.putAll([stored]);
          }
          const request = { requestId, seal: stored.seal, total, tax, reason: REVERSAL_REASONS.indexOf(input.reason) };
          await sendAsParty(merchant, "invoice", async () => invoice, () => client.ledger.reverse.populateTransaction(id, request));
        }
        return { creditNote: await creditNoteView(merchant, creditNoteId), invoice: await view(merchant, id) };
      });
    },

    async confirmReversal(enterprise: Party, creditNoteId: string) {
      requireRole(enterprise, ["enterprise"], "confirm credit notes");
      return actOnCreditNote(enterprise, creditNoteId, () => client.ledger.confirmReversal.populateTransaction(creditNoteId));
    },

    async cancelReversal(actor: Party, creditNoteId: string) {
      requireRole(actor, ["merchant", "enterprise"], "cancel credit notes");
      return actOnCreditNote(actor, creditNoteId, () => client.ledger.cancelReversal.populateTransaction(creditNoteId));
    },

    creditNoteView: (viewer: Party, creditNoteId: string) => creditNoteView(viewer, creditNoteId),
  };

  /** Like `act`, for a credit note: only a party to its invoice gets further than "not found". */
  async function actOnCreditNote(actor: Party, creditNoteId: string, populate: () => Promise<ContractTransaction>) {
    const invoiceOfNote = async () => {
      const note = await client.ledger.creditNote(creditNoteId).catch(unknownOnRevert);
      return note === undefined || Number(note.status) === 0 ? undefined : chainInvoice(note.invoice);
    };
    await sendAsParty(actor, "credit note", invoiceOfNote, populate);
    return creditNoteView(actor, creditNoteId);
  }

  async function creditNoteView(viewer: Party, creditNoteId: string) {
    const note = await client.ledger.creditNote(creditNoteId).catch(unknownOnRevert);
    if (note === undefined || Number(note.status) === 0) throw notFound("credit note");
    // Not party to the invoice: the credit note reads as unknown, exactly like an id that does not exist.
    const invoice = await view(viewer, note.invoice).catch((error: unknown) => Promise.reject(hidden("credit note", error)));
    const stored = await documents.get(creditNoteId);
    return {
      id: creditNoteId.toLowerCase(),
      invoiceId: invoice.id,
      number: note.number.toString(),
      printedNumber: stored === undefined ? null : numbers.printed(note.number, stored.document.issuedAt),
      total: note.total.toString(),
      tax: note.tax.toString(),
      reason: REVERSAL_REASONS[Number(note.reason)] ?? "issue-error",
      status: CREDIT_NOTE_STATUSES[Number(note.status)] ?? "None", // a note that exists is never None
      checkCode: checkCodeOf(note.seal),
      ...(stored === undefined ? {} : { document: documentFile(stored, note.number) }),
    };
  }
}

export type Invoices = ReturnType<typeof createInvoices>;
