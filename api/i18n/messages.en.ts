import type { MessageCatalogue, Terms } from "./catalogue";
import { isFieldIssue, type FieldIssue } from "./field-issue";
import { CREDIT_NOTE_STATUSES, enumMember, INVOICE_STATES, listOf, PARTICIPANT_STATUSES, periodOf, present, REGISTRY_ROLES, ROLES, taxpayerIdOf, textOf, yuanOf } from "./values";

/**
 * The English catalogue: for machine clients (the default without Accept-Language) and English speakers.
 * Messages say what went wrong and, where the client can act, what to do; the values come from the answer's
 * details only.
 */
const terms: Terms = {
  invoiceState: { None: "unknown", Issued: "Issued", Locked: "Locked (submitted for reimbursement)", Reimbursed: "Reimbursed", Filed: "Filed", Reversed: "Reversed", Frozen: "Frozen" },
  creditNoteStatus: { None: "unknown", Pending: "pending the buyer's confirmation", Effective: "effective", Cancelled: "cancelled" },
  participantStatus: { None: "not registered", Active: "active", Suspended: "suspended", Revoked: "revoked" },
  role: { bureau: "tax bureau", merchant: "merchant", enterprise: "enterprise", individual: "individual", none: "unregistered" },
  money: (fen) => {
    const yuan = yuanOf(fen);
    return yuan === undefined ? `${textOf(fen) ?? "?"} fen` : `CNY ${yuan}`;
  },
  period: (yyyymm) => {
    const period = periodOf(yyyymm);
    return period === undefined ? (textOf(yyyymm) ?? "?") : `${period.year}-${String(period.month).padStart(2, "0")}`;
  },
  location: (where, path) => `${where}${path === "" ? "" : `.${path}`}`,
};

const state = (value: unknown) => {
  const name = enumMember(INVOICE_STATES, value);
  return name === undefined ? "in another state" : terms.invoiceState[name];
};
const roleWord = (value: unknown) => {
  const role = enumMember(ROLES, value) ?? enumMember(REGISTRY_ROLES, value);
  return role === undefined ? undefined : terms.role[role];
};
const article = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);
const or = (items: string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)!}`);
/** " (transaction 0x...)" when the details name the transaction, else nothing. */
const inTransaction = (hash: unknown) => (textOf(hash) === undefined ? "" : ` (transaction ${textOf(hash)!})`);

function firstIssue(issues: unknown, fallback: string): string {
  const list = Array.isArray(issues) ? issues.filter(isFieldIssue) : [];
  const first: FieldIssue | undefined = list[0];
  if (first === undefined) return fallback;
  const more = list.length > 1 ? ` (and ${list.length - 1} more: see details.issues)` : "";
  return `${terms.location(first.in, first.path)}: ${catalogue.issue(first)}${more}`;
}

export const catalogue: MessageCatalogue = {
  language: "en",
  terms,
  issue: (issue) => issue.message,
  fallback: (code) => `The request was refused (${code}).`,
  errors: {
    UNAUTHENTICATED: () =>
      "Send a valid API key as 'Authorization: Bearer <key>', or sign in to the console: the key is missing, unknown or revoked, or the console session is unknown or has been signed out.",
    FORBIDDEN: (p) => {
      if (p.reason === "NO_HOSTED_KEY") return "The API holds no key for this party: sign your requests yourself and relay them.";
      if (p.reason === "NO_TAXPAYER_ID") return "The merchant has no taxpayer ID, so it cannot issue invoices.";
      const role = roleWord(p.role);
      const allowed = listOf(p.allowedRoles)?.map((r) => roleWord(r) ?? r);
      if (allowed !== undefined) return `Only ${or(allowed)} accounts may do this${role === undefined ? "" : `; this is ${article(role)} account`}.`;
      return role === undefined ? "You may not do this." : `${article(role).replace(/^a/, "A")} account may not do this.`;
    },
    PARTICIPANT_REVOKED: () => "This participant has been revoked on the ledger; its API keys no longer give any access.",
    PARTICIPANT_SUSPENDED: () => "This participant is suspended on the ledger: it may read, but not act, until it is reinstated.",
    API_KEY_EXPIRED: (p) => `This API key has expired${textOf(p.expiredAt) === undefined ? "" : ` (at ${textOf(p.expiredAt)!})`}: use another of your keys to make a new one, or ask the tax bureau for a replacement.`,
    KEY_READ_ONLY: () => "This API key is read-only: it may read, and revoke itself, but not act; use a full key.",
    SESSION_EXPIRED: (p) => {
      if (p.reason === "idle") return "Your console session ended after a while without use: sign in again.";
      if (p.reason === "lifetime") return "Your console session has reached its end: sign in again.";
      return "Your console session has ended: sign in again.";
    },
    CSRF_TOKEN_INVALID: () => "This request through a console session needs the session's CSRF token in the x-csrf-token header (every request but GET and HEAD); reload the console and try again.",
    ACCOUNT_NOT_ADMITTED: () => "The party's account may not transact on the ledger (suspended or not registered).",
    RATE_LIMITED: () => "Too many requests: wait as long as Retry-After says, then try again.",

    NOT_FOUND: () => "Not found: it does not exist, or it is not yours to see (for a claim: or the claim code does not match the invoice).",
    NO_SUCH_ROUTE: (p) => (textOf(p.method) !== undefined && textOf(p.path) !== undefined ? `There is no route ${textOf(p.method)!} ${textOf(p.path)!}.` : "There is no such route."),
    CONSOLE_NOT_BUILT: () => "The web console has not been built on this server: run `npm run build` (npm start builds it when it is missing).",
    VALIDATION_FAILED: (p) => firstIssue(p.issues, "The request is not valid."),
    INVALID_CURSOR: (p) => {
      const reason = Array.isArray(p.issues) && isFieldIssue(p.issues[0]) ? `: ${catalogue.issue(p.issues[0])}` : "";
      return `query.cursor is not valid${reason}; start again without a cursor.`;
    },
    MALFORMED_JSON: () => "The body is not valid JSON.",
    MALFORMED_BODY: (p) => `The body could not be decompressed as its Content-Encoding${textOf(p.contentEncoding) === undefined ? "" : ` (${textOf(p.contentEncoding)!})`} says.`,
    MALFORMED_PATH: () => "The path has a malformed %-escape.",
    BODY_TOO_LARGE: () => "The body is larger than this API accepts.",
    UNSUPPORTED_ENCODING: () => "Send UTF-8 JSON, uncompressed or compressed with gzip, deflate or br.",
    BAD_REQUEST: () => "The request could not be read.",
    IDEMPOTENCY_KEY_REUSED: (p) => `The Idempotency-Key${textOf(p.idempotencyKey) === undefined ? "" : ` ${textOf(p.idempotencyKey)!}`} was used for a different request; use a new key for a new request.`,
    DUPLICATE_REFERENCE: (p) => {
      if ("reason" in p && textOf(p.number) !== undefined) return `This reference was already used: invoice No. ${textOf(p.number)!} was issued under it.`;
      const reference = "reference" in p ? textOf(p.reference) : undefined;
      return `The reference${reference === undefined ? "" : ` ${reference}`} was already used for another invoice or credit note with other contents.`;
    },
    REFERENCE_IN_PROGRESS: () => "A request with this reference is being handled right now; retry shortly.",
    PARTICIPANT_REVOKED_FINAL: (p) =>
      `The participant${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!}`} has been revoked on the ledger, which is final: a new key would give no access. An organisation is registered again under its taxpayer ID (a new account succeeds the revoked one); a person is registered again as a new account.`,
    NOTHING_TO_ERASE: () => "This invoice's buyer is an organisation, whose name and taxpayer ID are public: it holds no personal data to erase.",
    WEBHOOK_URL_NOT_ALLOWED: (p) => {
      switch (p.reason) {
        case "scheme":
          return "A webhook URL must be an http or https address.";
        case "credentials":
          return "A webhook URL may not carry a user name or password; authenticate deliveries by their signature.";
        case "unresolvable":
          return "The webhook URL's host name has no address; check the name.";
        case "address":
          return `The webhook URL's host resolves to an address that is not public${textOf(p.range) === undefined ? "" : ` (${textOf(p.range)!})`}: deliveries go only to addresses on the internet.`;
        default:
          return "This webhook URL is not allowed.";
      }
    },
    WEBHOOK_LIMIT_REACHED: (p) => `You have as many webhook subscriptions as a party may${textOf(p.limit) === undefined ? "" : ` (${textOf(p.limit)!})`}; delete one first.`,

    INVALID_STATE: (p) => {
      if (p.reason === "InvoiceLedgerCreditNoteNotPending") {
        const status = enumMember(CREDIT_NOTE_STATUSES, p.status);
        return `The credit note is ${status === undefined ? "no longer pending" : terms.creditNoteStatus[status]}: only a pending credit note can be confirmed or cancelled.`;
      }
      if (p.reason === "ParticipantRegistryInvalidStatusChange") {
        const [from, to] = [enumMember(PARTICIPANT_STATUSES, p.from), enumMember(PARTICIPANT_STATUSES, p.to)];
        if (from === undefined || to === undefined) return "The participant's status does not allow this.";
        return from === to ? `The participant is already ${terms.participantStatus[from]}.` : `The participant is ${terms.participantStatus[from]}: it cannot become ${terms.participantStatus[to]}.`;
      }
      if (p.reason === "InvoiceLedgerInvalidTransition" && textOf(p.from) !== undefined && textOf(p.from) === textOf(p.to)) return `The invoice is already ${state(p.from)}: this cannot be done twice.`;
      if (p.reason === "InvoiceLedgerInvalidTransition" && enumMember(INVOICE_STATES, p.from) !== undefined) return `The invoice is ${state(p.from)}, which does not allow this${enumMember(INVOICE_STATES, p.to) === undefined ? "" : ` (it would become ${state(p.to)})`}.`;
      return "The invoice is not in a state that allows this.";
    },
    ALREADY_CLAIMED: () => "The invoice has already been claimed.",
    REVERSAL_PENDING: () => "A red-letter credit note for this invoice is waiting for the buyer's confirmation: it must be confirmed or cancelled first.",
    QUOTA_EXCEEDED: (p) =>
      present(p.period, p.requested, p.available)
        ? `The merchant's issuance quota for ${terms.period(p.period)} is not enough: this needs ${terms.money(p.requested)}, ${terms.money(p.available)} remains.`
        : "The merchant's issuance quota for this tax period is used up.",
    INVALID_AMOUNT: (p) =>
      `The ledger does not accept these amounts${present(p.total, p.tax) ? ` (total ${terms.money(p.total)}, tax ${terms.money(p.tax)})` : ""}: the total must be more than 0 and at least the tax.`,
    INVALID_DOCUMENT: () => "A required field of the invoice is missing.",
    EMPTY_BATCH: () => "A batch needs at least one invoice.",
    BUYER_MISMATCH: (p) => {
      const [buyer, enterprise] = [taxpayerIdOf(p.buyerTaxId), taxpayerIdOf(p.enterpriseTaxId)];
      return `The invoice is titled to another buyer${buyer === undefined ? "" : ` (taxpayer ID ${buyer})`}${enterprise === undefined ? "" : `, not to this enterprise (${enterprise})`}: only the buyer may accept it for reimbursement.`;
    },
    INVALID_CLAIM_CODE: () => "The claim code does not belong to this invoice.",
    INVALID_RECIPIENT: (p) => `The recipient${textOf(p.to) === undefined ? "" : ` ${textOf(p.to)!}`} may not hold invoices: it must be an active individual or enterprise.`,
    INVALID_PERIOD: (p) => `The tax period${present(p.period) ? ` ${terms.period(p.period)}` : ""} is not valid or lies in the future.`,
    REVERSAL_EXCEEDS_REMAINING: (p) =>
      present(p.total, p.tax, p.remainingTotal, p.remainingTax)
        ? `More than what remains of the invoice would be reversed: ${terms.money(p.total)} (tax ${terms.money(p.tax)}) asked, ${terms.money(p.remainingTotal)} (tax ${terms.money(p.remainingTax)}) remains.`
        : "More than what remains of the invoice would be reversed.",
    FILING_PERIOD_OUT_OF_RANGE: (p) =>
      present(p.period, p.earliest, p.latest)
        ? `The invoice can be filed only into a tax period from ${terms.period(p.earliest)} (when it was issued) to ${terms.period(p.latest)} (the current one), not ${terms.period(p.period)}.`
        : "An invoice is filed into a tax period from the one it was issued in to the current one.",
    PARTY_ACTIVE: (p) => `The party${textOf(p.party) === undefined ? "" : ` ${textOf(p.party)!}`} is still active (or there is none): the tax bureau steps in only for a suspended or revoked party.`,
    INVALID_ACCOUNT: () => "The zero account cannot be registered.",
    SELF_CUSTODY: () => "This party keeps its own chain key, so the API cannot sign for it: sign the request yourself and send it to POST /v1/forward.",
    FORWARD_SIGNER_MISMATCH: (p) => `A forward request is signed by the caller's own account${textOf(p.account) === undefined ? "" : ` (${textOf(p.account)!})`}; its 'from' is ${textOf(p.from) ?? "another account"}.`,
    FORWARD_TARGET_NOT_ALLOWED: (p) => {
      const allowed = listOf(p.allowed);
      return `Requests are relayed only to the ledger or the participant registry${allowed === undefined ? "" : ` (${allowed.join(", ")})`}, not to ${textOf(p.to) ?? "this address"}.`;
    },
    FORWARD_CALL_NOT_ALLOWED: (p) => {
      const call = textOf(p.function) ?? (textOf(p.selector) === undefined ? "This call" : `The call with selector ${textOf(p.selector)!}`);
      return `${textOf(p.function) === undefined ? call : `The call ${call}`} is not a lifecycle action ${roleWord(p.role) === undefined ? "you" : article(roleWord(p.role)!)} may relay.`;
    },
    FORWARD_VALUE_NOT_ZERO: (p) => `Nothing is paid on this ledger: the request's value must be 0${textOf(p.value) === undefined ? "" : `, not ${textOf(p.value)!}`}.`,
    FORWARD_GAS_TOO_HIGH: (p) => `The request asks for ${textOf(p.gas) ?? "more"} gas${textOf(p.limit) === undefined ? ", more than the relay gives" : `; the relay gives at most ${textOf(p.limit)!}`}.`,
    FORWARD_EXPIRED: (p) => `The request's deadline${textOf(p.deadline) === undefined ? "" : ` (${textOf(p.deadline)!})`} has passed: sign it again with a later one.`,
    FORWARD_REPLAYED: (p) => `This request was relayed already: its nonce${textOf(p.nonce) === undefined ? "" : ` ${textOf(p.nonce)!}`} is used${textOf(p.current) === undefined ? "" : `; the next one is ${textOf(p.current)!}`}.`,
    FORWARD_NONCE_AHEAD: (p) => `The request's nonce${textOf(p.nonce) === undefined ? "" : ` ${textOf(p.nonce)!}`} is ahead of the next one${textOf(p.current) === undefined ? "" : ` (${textOf(p.current)!})`}: send the earlier requests first.`,
    FORWARD_SIGNATURE_INVALID: () => "The signature is not the signature of the request's 'from' over this request under the forwarder's domain (GET /v1/forward/domain).",
    SIGNATURE_EXPIRED: (p) => `The signed message's deadline${textOf(p.deadline) === undefined ? "" : ` (${textOf(p.deadline)!})`} has passed: sign it again with a later one.`,
    SIGNATURE_REPLAYED: () => "This signed message was accepted once already; it is not accepted again.",
    SIGNATURE_INVALID: (p) => `The signature is not the signature of the account${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!}`} over this message.`,
    CUSTODY_UNCHANGED: (p) => (textOf(p.custody) === undefined ? "The party's custody is that already." : `The party's custody is '${textOf(p.custody)!}' already.`),
    CUSTODY_NOT_AVAILABLE: (p) => `Only employees and enterprises may keep their own key${roleWord(p.role) === undefined ? "" : `; this is ${article(roleWord(p.role)!)} account`}.`,
    CUSTODY_KEY_MISMATCH: (p) => `The private key given is not the key of the account${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!}`}.`,
    ALREADY_REGISTERED: (p) => `The account${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!}`} is already registered${roleWord(p.role) === undefined ? "" : ` as ${article(roleWord(p.role)!)}`}.`,
    INVALID_TAXPAYER_ID: (p) => `${taxpayerIdOf(p.taxpayerId) ?? "This"} is not a valid taxpayer ID (unified social credit code).`,
    TAXPAYER_ID_TAKEN: (p) => `An organisation with ${taxpayerIdOf(p.taxpayerId) === undefined ? "this taxpayer ID" : `the taxpayer ID ${taxpayerIdOf(p.taxpayerId)!}`} is already registered.`,
    LEDGER_PAUSED: () => "The ledger is paused by the tax bureau; try again once it resumes.",
    REJECTED_BY_LEDGER: (p) => `The ledger refused the request${textOf(p.reason) === undefined ? "" : ` (${textOf(p.reason)!})`}.`,

    NOT_CONFIRMED: (p) => `The ledger did not confirm the transaction in time${inTransaction(p.transactionHash)}; retry with the same Idempotency-Key.`,
    TRANSACTION_FAILED: (p) => `The ledger refused the transaction${inTransaction(p.transactionHash)}.`,
    LEDGER_UNAVAILABLE: () => "The ledger cannot be reached or stopped answering; retry later (a write with the same Idempotency-Key).",
    LEDGER_GAS_CAP: () => "The ledger node gives this API too little gas per call for this request; the operator must give the API the node's admin token (LEDGER_ADMIN_TOKEN).",
    LEDGER_ERROR: () => "The ledger answered with an unexpected error; retry later.",
    STORAGE_UNAVAILABLE: () => "The API's database cannot take requests now (disk full, I/O error or the server restarting); retry later.",
    STORE_CORRUPTED: (p) => `The API's store holds damaged data${textOf(p.file ?? p.path) === undefined ? "" : ` (${textOf(p.file ?? p.path)!})`}; the operator must restore it from a backup.`,
    INTERNAL: () => "Something went wrong on our side; it has been logged.",

    DATABASE_UNAVAILABLE: () => "The API's database could not be reached, started or prepared: check that the server runs and DATABASE_URL names it, or read the embedded server's log.",
    KEYSTORE_KEY_MISMATCH: (p) =>
      `The keystore's master key${textOf(p.source) === undefined ? "" : ` (${textOf(p.source)!})`} is not the key this store's party keys were sealed with; start with the right key.`,
    INDEX_AHEAD_OF_CHAIN: (p) =>
      `The API's event index names ${textOf(p.indexedBlock) === undefined ? "blocks" : `block ${textOf(p.indexedBlock)!},`} which the ledger does not have (another chain, or a chain that lost blocks): check LEDGER_RPC_URL and the deployment file; if this chain is the right one, stop the API and run \`npm run api:reindex\`.`,
    LEGACY_STORE: (p) =>
      `${textOf(p.path) ?? "The data directory"} holds the API's data in the LevelDB layout of an earlier version: stop the API and run \`npm run api:import-leveldb\` to move it into the database.`,
    CONTRACTS_MISMATCH: (p) => {
      const differing = (p.contracts ?? []).filter((c) => c.status !== "match").map((c) => textOf(c.contract)).filter((name) => name !== undefined);
      return `The ledger's contracts on chain${differing.length === 0 ? "" : ` (${differing.join(", ")})`} are not the ones this build of the API was made for: the bureau upgrades them with \`npm run upgrade -- schedule\` and, once the upgrade delay has passed, \`npm run upgrade -- execute\`; or run the build that matches the chain.`;
    },
    DATABASE_NOT_EMPTY: () => "The database already holds participants: import a LevelDB-era store only into an empty database.",
  },
};
