import type { Db } from "../db/database";
import { searchInvoices, type InvoiceSearchQuery, type InvoiceSortKey } from "../db/invoices";
import { accountsOfTaxpayerId, findParticipants, type ParticipantRow } from "../db/parties";
import { requestIdOf } from "../domain/ids";
import type { NumberInput } from "../domain/printed-number";
import type { InvoiceSearchParams, InvoiceSort } from "../http/schemas/invoice-search";
import type { InvoiceSummary } from "../indexer/invoice-summary";
import type { DocumentFile } from "./documents";
import type { Party } from "./parties";
import { createCursorCodec } from "./search-cursor";

/**
 * Searching invoices (GET /v1/invoices) from the event index. What a party may find is what it could list
 * before: the bureau every invoice; anyone else the invoices it is party to (issued, held, locked, reimbursed,
 * filed by it: its seller, holder or enterprise) and, for an enterprise, every invoice titled to its taxpayer ID (its invoice
 * pool, before anyone submits one to it). Filters only narrow that: a seller's taxpayer ID as well, which names the
 * accounts registered under it (finding nothing when there are none). `expand` never shows more than the
 * single-invoice read does: the document to parties to the invoice and the bureau (as `view`), and a
 * participant's name where the viewer may read that participant.
 */
/**
 * A listed invoice: its summary without the seal. The check code derived from it is printed for the invoice's
 * holder and shown to its parties (GET /v1/invoices/{id}), while a list also reaches an enterprise's pool, invoices
 * titled to it that nobody submitted to it yet.
 */
export interface InvoiceListItem extends Omit<InvoiceSummary, "seal"> {
  /** The 20 digits printed on it (null where the API holds no document for it). */
  printedNumber: string | null;
  parties?: {
    seller: { account: string; name: string | null; taxpayerId: string | null };
    holder: { account: string; name: string | null } | null;
    enterprise: { account: string; name: string | null } | null;
  };
  document?: DocumentFile;
}

export interface InvoiceSearchResult {
  invoices: InvoiceListItem[];
  hasMore: boolean;
  /** Where the next page starts; null at the end. */
  nextCursor: string | null;
}

export interface InvoiceSearchDeps {
  db: Db;
  /** The accounts a party acts for (its own and the revoked ones it succeeds), as the single-invoice read counts them. */
  accountsOf(viewer: Party): Promise<Set<string>>;
  /** The document files of these invoices, by lowercase id. */
  documentFiles(invoices: readonly { id: string; number: string }[]): Promise<Map<string, DocumentFile>>;
  /** The printed numbers of these invoices (by lowercase id), where their documents are held (invoice-numbers.ts). */
  printedNumbers(summaries: readonly { id: string; number: string }[]): Promise<Map<string, string>>;
  /** The key that tags cursors (Keystore.deriveKey). */
  cursorKey: Buffer;
  /** Whether a number as given names the ledger's number it carries (a printed one: with this ledger's prefix; invoice-numbers.ts). */
  acceptsNumber(input: NumberInput): Promise<boolean>;
}

/**
 * Whose invoices a viewer may list, as columns of the index: the bureau every invoice; a party those it is
 * seller, holder or enterprise of, in the columns its role can be in (the ledger lets only merchants issue,
 * individuals and enterprises hold, enterprises lock), under any account it acts for (its own and those of the
 * revoked registrations it succeeds, as the single-invoice read counts them); an enterprise also every invoice
 * titled to its taxpayer ID.
 */
function visibleTo(viewer: Party, accounts: ReadonlySet<string>): InvoiceSearchQuery["visibleTo"] {
  const each = (column: "seller" | "holder" | "enterprise") => [...accounts].map((value) => ({ column, value }));
  switch (viewer.role) {
    case "bureau":
      return undefined;
    case "merchant":
      return each("seller");
    case "individual":
      return each("holder");
    case "enterprise":
      return [...each("holder"), ...each("enterprise"), ...(viewer.taxpayerId === undefined ? [] : [{ column: "buyer_tax_id" as const, value: viewer.taxpayerId }])];
  }
}

/** Who may read a participant's profile (GET /v1/participants/{account}): the bureau, the party itself, its employer. */
export function mayReadParticipant(viewer: Party, row: ParticipantRow | undefined): boolean {
  const me = viewer.account.toLowerCase();
  return row !== undefined && (viewer.role === "bureau" || row.account === me || row.employer === me);
}

const ORDERS: Record<InvoiceSort, { key: InvoiceSortKey; descending: boolean }> = {
  number: { key: "number", descending: false },
  "-number": { key: "number", descending: true },
  issuedAt: { key: "issued_at", descending: false },
  "-issuedAt": { key: "issued_at", descending: true },
  total: { key: "total", descending: false },
  "-total": { key: "total", descending: true },
};

export function createInvoiceSearch(deps: InvoiceSearchDeps) {
  const { db, accountsOf, documentFiles, printedNumbers, cursorKey } = deps;
  const cursors = createCursorCodec(cursorKey);

  const mayRead = mayReadParticipant;

  async function withParties(viewer: Party, summaries: readonly InvoiceSummary[]): Promise<NonNullable<InvoiceListItem["parties"]>[]> {
    const accounts = new Set(summaries.flatMap((s) => [s.seller, s.holder, s.enterprise]).filter((a): a is string => a !== null).map((a) => a.toLowerCase()));
    const rows = new Map((await findParticipants(db, [...accounts])).map((row) => [row.account, row]));
    const named = (account: string | null) => {
      if (account === null) return null;
      const row = rows.get(account.toLowerCase());
      return { account, name: mayRead(viewer, row) ? row!.name : null };
    };
    return summaries.map((s) => {
      // The seller's name and taxpayer ID are on every invoice a viewer may see (as the single-invoice read shows them).
      const seller = rows.get(s.seller.toLowerCase());
      return { seller: { account: s.seller, name: seller?.name ?? null, taxpayerId: seller?.taxpayer_id ?? null }, holder: named(s.holder), enterprise: named(s.enterprise) };
    });
  }

  /** `mine`: the accounts the viewer acts for; undefined for the bureau, a party to every invoice. */
  async function withDocuments(mine: ReadonlySet<string> | undefined, summaries: readonly InvoiceSummary[]): Promise<(DocumentFile | undefined)[]> {
    const isParty = (s: InvoiceSummary) => mine === undefined || [s.seller, s.holder, s.enterprise].some((a) => a !== null && mine.has(a.toLowerCase()));
    const files = await documentFiles(summaries.filter(isParty));
    return summaries.map((s) => (isParty(s) ? files.get(s.id.toLowerCase()) : undefined));
  }

  /**
   * The accounts the seller filters leave: `merchant`, the accounts registered under `sellerTaxId` (an organisation
   * revoked and registered again has several), or those of both that agree; undefined: no seller filter.
   */
  async function sellersOf(merchant: string | undefined, sellerTaxId: string | undefined): Promise<string[] | undefined> {
    if (sellerTaxId === undefined) return merchant === undefined ? undefined : [merchant];
    const registered = await accountsOfTaxpayerId(db, sellerTaxId);
    return merchant === undefined ? registered : registered.filter((account) => account === merchant.toLowerCase());
  }

  /** The ledger numbers of the numbers given, ascending, without those whose printed prefix names nothing here. */
  async function acceptedNumbers(inputs: readonly NumberInput[]): Promise<string[]> {
    const accepted = await Promise.all(inputs.map(async (input) => ((await deps.acceptsNumber(input)) ? input.sequence : undefined)));
    const numbers = [...new Set(accepted.filter((n) => n !== undefined))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return numbers.map(String);
  }

  return {
    async search(viewer: Party, params: InvoiceSearchParams): Promise<InvoiceSearchResult> {
      const { limit, cursor, after, expand, sort, ...filters } = params;
      const order = ORDERS[sort];
      // What a cursor is for: this party, this order, these filters (canonical after parsing: digits, checksummed accounts, ISO times).
      const scope = JSON.stringify([viewer.account.toLowerCase(), sort, filters], (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
      const position = cursor !== undefined ? cursors.decode(cursor, order.key, scope) : after !== undefined ? { key: after, number: after } : undefined;
      const mine = viewer.role === "bureau" ? undefined : await accountsOf(viewer);
      const query: InvoiceSearchQuery = {
        visibleTo: mine === undefined ? undefined : visibleTo(viewer, mine),
        numbers: filters.number === undefined ? undefined : await acceptedNumbers(filters.number),
        requestId: filters.reference === undefined ? undefined : requestIdOf(filters.reference),
        sellers: await sellersOf(filters.merchant, filters.sellerTaxId),
        buyerTaxId: filters.buyerTaxId,
        holder: filters.holder,
        enterprise: filters.enterprise,
        states: filters.state,
        issuedFrom: filters.issuedFrom,
        issuedTo: filters.issuedTo,
        periodFrom: filters.periodFrom,
        periodTo: filters.periodTo,
        totalMin: filters.totalMin?.toString(),
        totalMax: filters.totalMax?.toString(),
        reversalPending: filters.reversalPending,
        sort: order,
        after: position,
        // One more than the page: whether there is a next page, without counting.
        limit: limit + 1,
      };
      const rows = await searchInvoices(db, query);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const hasMore = rows.length > limit;
      const summaries = page.map((row) => row.summary);
      const [printed, parties, documents] = await Promise.all([
        printedNumbers(summaries),
        expand?.includes("parties") ? withParties(viewer, summaries) : undefined,
        expand?.includes("document") ? withDocuments(mine, summaries) : undefined,
      ]);
      const invoices = summaries.map((summary, i): InvoiceListItem => {
        const { seal: _unlisted, ...listed } = summary;
        const item: InvoiceListItem = { ...listed, printedNumber: printed.get(summary.id.toLowerCase()) ?? null };
        if (parties !== undefined) item.parties = parties[i]!;
        const document = documents?.[i];
        if (document !== undefined) item.document = document;
        return item;
      });
      return { invoices, hasMore, nextCursor: hasMore && last !== undefined ? cursors.encode(last.position, order.key, scope) : null };
    },
  };
}
