import { request as httpRequest } from "node:http";

import { expect } from "chai";
import { Interface, makeError, ParamType, hexlify, toUtf8Bytes } from "ethers";
import express from "express";
import pino from "pino";

import { REVERT_TABLE, toApiError, unmappedRevert } from "../../api/chain/contract-errors";
import { resolveApiConfig } from "../../api/config";
import { ApiError } from "../../api/errors";
import { errorHandler } from "../../api/http/error-handler";
import { issueInvoiceBody } from "../../api/http/schemas/invoice-document";
import { reversalBody } from "../../api/http/schemas/credit-note";
import { parse } from "../../api/http/validate";
import type { ErrorCode } from "../../api/i18n/error-params";
import type { FieldIssue } from "../../api/i18n/field-issue";
import { LANGUAGES, type Language } from "../../api/i18n/language";
import { CATALOGUES, errorMessage } from "../../api/i18n/localize";
import { languageFor } from "../../api/i18n/negotiate";
import { FRAGMENTS, SCHEMA_TEXTS } from "../../api/i18n/schema-texts.zh-CN";
import { CREDIT_NOTE_STATUSES as VIEW_CREDIT_NOTE_STATUSES } from "../../api/indexer/events";
import { STATES } from "../../api/indexer/events";
import { CREDIT_NOTE_STATUSES, INVOICE_STATES } from "../../api/i18n/values";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { InvoiceLedger__factory, LedgerForwarder__factory, ParticipantRegistry__factory } from "../../typechain-types";
import { errorSites, normalized, schemaTexts } from "./helpers/message-sources";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Error messages in Chinese and English. The catalogues against the source (every code the API can answer
 * with has a message in each language, none is left over, every message reads well with the details its
 * throw sites pass, every English text of the schemas has its Chinese) and real refusals of the in-process
 * API asked for in each language: the same status, code and details, the message in the language asked for.
 * No message text is asserted, only its language and that it says something.
 */
const CJK = /[\u4e00-\u9fff]/;
const en = CATALOGUES.en;
const zh = CATALOGUES["zh-CN"];

/**
 * A message fit to show: text, no trace of a missing value, in its language's script. `verbatim`: texts the
 * message quotes as they are (zod's English for a refused field says "received undefined" itself).
 */
function expectWorded(message: unknown, language: Language, what: string, verbatim: string[] = []): void {
  expect(message, what).to.be.a("string").and.not.equal("");
  const own = verbatim.reduce((text, quoted) => text.split(quoted).join(""), message as string);
  expect(own, `${what}: ${String(message)}`).not.to.match(/undefined|NaN|\[object |\?/);
  if (language === "zh-CN") expect(message, `${what}: ${String(message)}`).to.match(CJK);
  else expect(message, `${what}: ${String(message)}`).not.to.match(CJK);
}

/** The issues validate.ts makes of `value` under `schema` (its VALIDATION_FAILED details). */
function issuesOf(schema: Parameters<typeof parse>[0], value: unknown, where: FieldIssue["in"] = "body"): FieldIssue[] {
  try {
    parse(schema, value, where);
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    return (error as ApiError).details.issues as FieldIssue[];
  }
  throw new Error("the value was accepted");
}

const goodInvoice = () => invoiceBody("messages-1", { type: "individual", name: "张三" });
const SAMPLE_ISSUES = (): FieldIssue[] => [
  ...issuesOf(issueInvoiceBody, {}),
  ...issuesOf(issueInvoiceBody, { ...goodInvoice(), items: [{ ...goodInvoice().items[0]!, tax: "1" }] }),
  ...issuesOf(issueInvoiceBody, { ...goodInvoice(), buyer: { type: "other", name: "x" }, items: [], extra: true }),
  ...issuesOf(issueInvoiceBody, { ...goodInvoice(), remarks: "长".repeat(501) }),
  ...issuesOf(reversalBody, { reference: "r", reason: "refund", total: "100" }),
  ...issuesOf(issueInvoiceBody, { note: "a\u0000b" }),
];

/**
 * The details each code is thrown with, one entry per shape a throw site gives (the scan below holds every
 * site against these); contract reverts are made from the contracts' own errors further down.
 */
const EXAMPLES: Partial<Record<ErrorCode, Record<string, unknown>[]>> = {
  UNAUTHENTICATED: [{}],
  FORBIDDEN: [{ role: "individual" }, { role: "enterprise", allowedRoles: ["bureau", "merchant"] }, { account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4", reason: "NO_HOSTED_KEY" }, { reason: "NO_TAXPAYER_ID" }],
  PARTICIPANT_REVOKED: [{}],
  PARTICIPANT_SUSPENDED: [{}],
  API_KEY_EXPIRED: [{ expiredAt: "2027-05-25T00:00:00.000Z" }],
  KEY_READ_ONLY: [{}],
  SESSION_EXPIRED: [{ reason: "idle" }, { reason: "lifetime" }],
  CSRF_TOKEN_INVALID: [{}],
  PARTICIPANT_REVOKED_FINAL: [{ account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" }],
  ACCOUNT_NOT_ADMITTED: [{}],
  RATE_LIMITED: [{}],
  NOT_FOUND: [{}],
  NO_SUCH_ROUTE: [{ method: "GET", path: "/v1/nothing-here" }],
  CONSOLE_NOT_BUILT: [{}],
  VALIDATION_FAILED: [{ issues: SAMPLE_ISSUES() }, ...SAMPLE_ISSUES().map((issue) => ({ issues: [issue] }))],
  INVALID_CURSOR: ["not a cursor of this API", "not base64url", "altered, or from another search (other filters, sort or party)", "from a search in another order"].map((message) => ({
    issues: [{ in: "query", path: "cursor", message }],
  })),
  MALFORMED_JSON: [{}],
  MALFORMED_BODY: [{ contentEncoding: "gzip" }],
  MALFORMED_PATH: [{}],
  BODY_TOO_LARGE: [{}],
  UNSUPPORTED_ENCODING: [{}],
  BAD_REQUEST: [{}],
  IDEMPOTENCY_KEY_REUSED: [{ idempotencyKey: "order-42:issue" }],
  DUPLICATE_REFERENCE: [{ id: `0x${"ab".repeat(32)}` }, { reference: "ORDER-42", id: `0x${"ab".repeat(32)}` }, { reference: "ORDER-42" }],
  REFERENCE_IN_PROGRESS: [{ id: `0x${"ab".repeat(32)}` }, {}],
  NOTHING_TO_ERASE: [{ id: `0x${"ab".repeat(32)}`, buyer: "organisation" }],
  WEBHOOK_URL_NOT_ALLOWED: [{ reason: "scheme" }, { reason: "credentials" }, { reason: "host" }, { reason: "unresolvable" }, { reason: "address", range: "private" }, { reason: "address" }],
  WEBHOOK_LIMIT_REACHED: [{ limit: 20 }],
  TAXPAYER_ID_TAKEN: [{ taxpayerId: "91440300MA5DC8LQ07" }],
  ALREADY_REGISTERED: [{ account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" }],
  SELF_CUSTODY: [{ account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" }],
  FORWARD_SIGNER_MISMATCH: [{ from: "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2", account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" }],
  FORWARD_TARGET_NOT_ALLOWED: [{ to: "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2", allowed: ["0x5B38Da6a701c568545dCfcB03FcB875f56beddC4", "0x4B20993Bc481177ec7E8f571ceCaE8A9e22C02db"] }],
  FORWARD_CALL_NOT_ALLOWED: [{ function: "freeze", role: "individual" }, { selector: "0x12345678", role: "merchant" }],
  FORWARD_VALUE_NOT_ZERO: [{ value: "1" }],
  FORWARD_GAS_TOO_HIGH: [{ gas: "5000000", limit: "1000000" }],
  FORWARD_EXPIRED: [{ deadline: "1795000000" }],
  FORWARD_REPLAYED: [{ nonce: "0", current: "1" }],
  FORWARD_NONCE_AHEAD: [{ nonce: "3", current: "1" }],
  FORWARD_SIGNATURE_INVALID: [{}],
  SIGNATURE_EXPIRED: [{ deadline: "1795000000" }],
  SIGNATURE_REPLAYED: [{}],
  SIGNATURE_INVALID: [{ account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" }],
  CUSTODY_UNCHANGED: [{ custody: "self" }],
  CUSTODY_NOT_AVAILABLE: [{ role: "merchant" }],
  CUSTODY_KEY_MISMATCH: [{ account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" }],
  NOT_CONFIRMED: [{ transactionHash: `0x${"cd".repeat(32)}` }],
  TRANSACTION_FAILED: [{ transactionHash: `0x${"cd".repeat(32)}` }],
  LEDGER_UNAVAILABLE: [{}],
  LEDGER_GAS_CAP: [{}],
  LEDGER_ERROR: [{ message: "execution timeout" }, {}],
  STORAGE_UNAVAILABLE: [{}],
  STORE_CORRUPTED: [{ sqlState: "XX001" }, { file: "data/postgres/wal-mark.json" }, { file: "data/postgres/wal-mark.json", walEnd: "0/1000", walMark: "0/2000" }, { path: "data/api/db" }, { path: "data/api/db", key: "doc:1" }],
  INTERNAL: [{}],
  DATABASE_UNAVAILABLE: [{}],
  KEYSTORE_KEY_MISMATCH: [{ source: "master.key" }, { source: "API_MASTER_KEY", account: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" }],
  INDEX_AHEAD_OF_CHAIN: [{ indexedBlock: 120, chainHead: 80 }, { indexedBlock: 120, indexedHash: `0x${"01".repeat(32)}`, chainHash: null }],
  LEGACY_STORE: [{ path: "data/api/db" }],
  DATABASE_NOT_EMPTY: [{}],
  CONTRACTS_MISMATCH: [
    {
      contracts: [
        { contract: "LedgerForwarder", address: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4", status: "match", implementation: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" },
        { contract: "InvoiceLedger", address: "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2", status: "differs", implementation: "0x4B20993Bc481177ec7E8f571ceCaE8A9e22C02db" },
      ],
      pendingUpgrades: [{ contract: "InvoiceLedger", implementation: "0x78731D3Ca6b7E34aC0F824c42a7cC18A495cabaB", readyAt: 1_790_000_000, ready: false, matchesBuild: true }],
    },
  ],
};

/** Every custom error the contracts can revert with, as the API decodes it (one sample argument per type). */
const revertErrors = new Interface([
  ...InvoiceLedger__factory.abi.filter((item) => item.type === "error"),
  ...ParticipantRegistry__factory.abi.filter((item) => item.type === "error"),
  ...LedgerForwarder__factory.abi.filter((item) => item.type === "error"),
]);

function sampleArgument(param: ParamType): unknown {
  if (param.type === "address") return "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";
  if (param.type === "uint8") return param.name === "to" ? 2n : 3n; // an enum: Reimbursed -> Locked, Revoked -> Suspended, Cancelled, individual
  if (param.type === "uint24") return 202611n;
  if (/^u?int/.test(param.type)) return 11_300n;
  if (param.type === "bytes18") return hexlify(toUtf8Bytes("91440300MA5DC8LQ07"));
  if (/^bytes[0-9]+$/.test(param.type)) return `0x${"ab".repeat(Number(param.type.slice(5)))}`;
  if (param.type === "bool") return true;
  if (param.type === "string") return "x";
  if (param.type === "bytes") return "0x01";
  throw new Error(`no sample for ${param.type}`);
}

/** The ApiError the API answers a revert with: the error encoded as the node returns it, decoded by toApiError. */
function decodedRevert(name: string): ApiError {
  const fragment = revertErrors.getError(name)!;
  const data = revertErrors.encodeErrorResult(fragment, fragment.inputs.map(sampleArgument));
  return toApiError(makeError("execution reverted", "CALL_EXCEPTION", { action: "estimateGas", data, reason: null, transaction: { to: null, data: "0x" }, invocation: null, revert: null }));
}

const contractErrorNames = () => {
  const names: string[] = [];
  revertErrors.forEachError((fragment) => names.push(fragment.name));
  return names;
};

let decodedReverts: ApiError[] | undefined;

function examplesOf(code: ErrorCode): Record<string, unknown>[] {
  decodedReverts ??= contractErrorNames().map(decodedRevert);
  const fromContracts = decodedReverts.filter((error) => error.code === code).map((error) => error.details);
  return [...(EXAMPLES[code] ?? []), ...fromContracts];
}

describe("API messages (zh-CN, en)", function () {
  this.timeout(300_000);

  describe("the catalogues against the source", () => {
    it("has a message in each language for every code the API can answer with, and none for a code it cannot", () => {
      const sites = errorSites();
      expect(sites.length, "the scan of api/ for ApiError constructions found them").to.be.greaterThan(60);
      const fromSource = new Set<string>([
        ...sites.flatMap((site) => (site.code === undefined ? [] : [site.code])),
        ...Object.values(REVERT_TABLE).map((entry) => entry.code),
        unmappedRevert("AnyOtherError").code,
      ]);
      for (const language of LANGUAGES) {
        const catalogue = Object.keys(CATALOGUES[language].errors);
        expect([...fromSource].filter((code) => !catalogue.includes(code)), `codes without a ${language} message`).to.deep.equal([]);
        expect(catalogue.filter((code) => !fromSource.has(code)), `${language} messages of no code`).to.deep.equal([]);
      }
    });

    it("words every code's message from the details each of its throw sites passes, in both languages", () => {
      const unmatched = errorSites().filter(
        (site) => site.code !== undefined && site.detailKeys !== undefined && !examplesOf(site.code as ErrorCode).some((example) => JSON.stringify(Object.keys(example).sort()) === JSON.stringify(site.detailKeys)),
      );
      expect(unmatched.map((site) => `${site.at} ${site.code!} {${site.detailKeys!.join(", ")}}`), "throw sites whose details no example of this test has").to.deep.equal([]);
      for (const code of Object.keys(en.errors) as ErrorCode[]) {
        const examples = examplesOf(code);
        expect(examples, `examples of ${code}`).not.to.be.empty;
        // And with nothing at all: a shorter sentence, never a hole.
        for (const details of [...examples, {}]) {
          const worded = LANGUAGES.map((language) => {
            const message = (CATALOGUES[language].errors[code] as (params: unknown) => string)(details);
            const quoted = language === "en" && Array.isArray(details.issues) ? (details.issues as FieldIssue[]).map((issue) => issue.message) : [];
            expectWorded(message, language, `${language} ${code} ${JSON.stringify(details)}`, quoted);
            expect(errorMessage(language, code, details)).to.equal(message);
            return message;
          });
          expect(new Set(worded).size, `${code}: each language its own words`).to.equal(LANGUAGES.length);
        }
      }
    });

    it("maps every custom error of the revert table to a code with messages, worded from the error's arguments", () => {
      const names = contractErrorNames();
      expect(Object.keys(REVERT_TABLE).filter((name) => !names.includes(name)), "table entries no contract has").to.deep.equal([]);
      for (const name of names) {
        const answer = decodedRevert(name);
        const entry = REVERT_TABLE[name] ?? unmappedRevert(name);
        expect([answer.status, answer.code], name).to.deep.equal([entry.status, entry.code]);
        // A 404 says nothing more (an unknown id and someone else's object read alike); anything else names the error and its values.
        if (answer.status === 404) expect(answer.details, name).to.deep.equal({});
        else expect(Object.keys(answer.details), name).to.have.members(["reason", ...revertErrors.getError(name)!.inputs.map((input) => input.name)]);
        for (const language of LANGUAGES) expectWorded(errorMessage(language, answer.code, answer.details), language, `${language} ${name}`);
      }
      // The words of the contracts' enums are those of the API's views.
      expect([...INVOICE_STATES]).to.deep.equal([...STATES]);
      expect(CREDIT_NOTE_STATUSES.slice(1)).to.deep.equal(VIEW_CREDIT_NOTE_STATUSES.slice(1));
    });

    it("has the Chinese of every English text the request schemas refuse a field with, and of no other", () => {
      const { texts, fragments } = schemaTexts();
      expect(texts.size, "the scan of the schemas found their texts").to.be.greaterThan(40);
      const translated = new Set(SCHEMA_TEXTS.map((translation) => normalized(translation.en)));
      expect(new Set(SCHEMA_TEXTS.map((translation) => normalized(translation.en))).size, "one translation per text").to.equal(SCHEMA_TEXTS.length);
      expect([...texts].filter(([text]) => !translated.has(text)).map(([text, at]) => `${at}: ${text}`), "texts without Chinese").to.deep.equal([]);
      expect([...translated].filter((text) => !texts.has(text)), "translations of no text").to.deep.equal([]);
      // Fragments of English filled into a text: translated, unless a field name (which stays as it is).
      const fragmentTranslations = new Set(FRAGMENTS.map((translation) => normalized(translation.en)));
      expect([...fragments].filter(([fragment]) => !fragmentTranslations.has(fragment) && !/^[A-Za-z]+$/.test(fragment)).map(([fragment, at]) => `${at}: ${fragment}`)).to.deep.equal([]);
      expect([...fragmentTranslations].filter((fragment) => !fragments.has(fragment)), "translations of no fragment").to.deep.equal([]);
    });

    it("words every refused field in Chinese, from the schema's text or zod's issue code, keeping where it is", () => {
      const issues = SAMPLE_ISSUES();
      expect([...new Set(issues.map((issue) => issue.code))]).to.include.members(["invalid_type", "custom", "too_small", "too_big", "unrecognized_keys", "invalid_union", "invalid_value"]);
      for (const issue of issues) {
        expect(issue, JSON.stringify(issue)).to.include.keys("in", "path", "message", "code");
        expect(issue, "nothing of the input itself").not.to.have.property("input");
        expectWorded(zh.issue(issue), "zh-CN", JSON.stringify(issue));
        expect(en.issue(issue)).to.equal(issue.message);
      }
      const [first] = issuesOf(issueInvoiceBody, { ...goodInvoice(), items: [{ ...goodInvoice().items[0]!, tax: "1" }] });
      for (const language of LANGUAGES) expect(errorMessage(language, "VALIDATION_FAILED", { issues: [first] })).to.include(first!.path);
    });
  });

  describe("the language of an answer", () => {
    it("follows Accept-Language with its q-values: Chinese of any region is zh-CN, English en, anything else the default", () => {
      const cases: [string | undefined, Language, Language][] = [
        ["zh-CN", "en", "zh-CN"],
        ["zh", "en", "zh-CN"],
        ["zh-TW;q=0.9, en;q=0.8", "en", "zh-CN"],
        ["en-US,en;q=0.9,zh-CN;q=0.8", "zh-CN", "en"],
        ["fr-FR, en;q=0.5, zh;q=0.7", "en", "zh-CN"],
        ["en;q=0.5, zh-Hans;q=0.6", "en", "zh-CN"],
        ["zh;q=0, en;q=0.1", "zh-CN", "en"],
        ["fr", "en", "en"],
        ["fr", "zh-CN", "zh-CN"],
        ["*", "zh-CN", "zh-CN"],
        ["", "en", "en"],
        [undefined, "en", "en"],
        [undefined, "zh-CN", "zh-CN"],
      ];
      for (const [header, fallback, expected] of cases) expect(languageFor(header, fallback), `${String(header)} (default ${fallback})`).to.equal(expected);
    });

    it("defaults to English, or to zh-CN when API_DEFAULT_LANGUAGE says so", async () => {
      expect(resolveApiConfig({}, {}).defaultLanguage).to.equal("en");
      expect(resolveApiConfig({}, { API_DEFAULT_LANGUAGE: "zh-CN" }).defaultLanguage).to.equal("zh-CN");
      expect(resolveApiConfig({}, { API_DEFAULT_LANGUAGE: "zh-cn" }).defaultLanguage).to.equal("zh-CN");
      expect(() => resolveApiConfig({}, { API_DEFAULT_LANGUAGE: "fr" })).to.throw(/API_DEFAULT_LANGUAGE/);
      // The error handler with zh-CN configured: a request without Accept-Language (or with one we do not write in) gets Chinese.
      const app = express();
      app.get("/refused", () => {
        throw new ApiError(409, "INVALID_STATE", "the invoice is not in a state that allows this", { reason: "InvoiceLedgerInvalidTransition", id: `0x${"ab".repeat(32)}`, from: "3", to: "3" });
      });
      app.use(errorHandler(pino({ level: "silent" }), undefined, undefined, { defaultLanguage: "zh-CN" }));
      const server = app.listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        for (const [language, expected] of [[undefined, "zh-CN"], ["fr", "zh-CN"], ["en", "en"]] as const) {
          const answer = await send(url, "GET", "/refused", { language });
          expect([answer.status, answer.headers["content-language"], answer.body.error.code], String(language)).to.deep.equal([409, expected, "INVALID_STATE"]);
          expectWorded(answer.body.error.message, expected, String(language));
        }
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe("refusals of the API, asked for in each language", () => {
    let system: TestSystem;
    let cast: Cast;
    let run = 0;
    const ref = () => `msg-${Date.now().toString(36)}-${run++}`;
    const buyer = () => ({ type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId });

    before(async () => {
      system = await startSystem({ authFailuresPerMinute: 3 });
      cast = await registerCast(system.bureau);
    });
    after(async () => system?.close());

    /** Accept-Language as sent, and the language the answer must be in (the system's default is English). */
    const VARIANTS: [string | undefined, Language][] = [
      ["zh-CN", "zh-CN"],
      ["en", "en"],
      ["zh-TW;q=0.9, en;q=0.8", "zh-CN"],
      [undefined, "en"],
    ];

    /** Sends one refused request in each language: the same status, code and details; the message in the language asked for. */
    async function refusedInEveryLanguage(what: string, request: { method: string; path: string; key?: string; body?: string }, status: number, code: ErrorCode) {
      const answers: { expected: Language; error: { code: string; message: string; details?: unknown } }[] = [];
      for (const [language, expected] of VARIANTS) {
        const answer = await send(system.api.url, request.method, request.path, { ...request, language });
        const label = `${what}, Accept-Language ${String(language)}: ${JSON.stringify(answer.body)}`;
        expect(answer.status, label).to.equal(status);
        expect(answer.body.error.code, label).to.equal(code);
        expect(answer.headers["content-language"], label).to.equal(expected);
        expect(String(answer.headers.vary).toLowerCase(), label).to.include("accept-language");
        expectWorded(answer.body.error.message, expected, label);
        answers.push({ expected, error: answer.body.error });
      }
      // The same details in every language, but for the failed transaction each attempt left on chain (a refusal
      // the ledger makes in a block, such as the quota's, names its own transaction).
      const stable = (details: unknown) => (typeof details === "object" && details !== null ? { ...details, transactionHash: undefined } : details);
      for (const { error } of answers) expect(stable(error.details), `${what}: details in every language`).to.deep.equal(stable(answers[0]!.error.details));
      const messages = (language: Language) => new Set(answers.filter((answer) => answer.expected === language).map((answer) => answer.error.message));
      expect(messages("zh-CN").size, `${what}: one Chinese message`).to.equal(1);
      expect(messages("en").size, `${what}: one English message`).to.equal(1);
      expect([...messages("zh-CN")][0], what).not.to.equal([...messages("en")][0]);
      return answers[0]!.error;
    }

    const json = (value: unknown) => JSON.stringify(value);

    it("a field the schema refuses (400 VALIDATION_FAILED), naming it in details", async () => {
      const body = invoiceBody(ref(), buyer());
      const error = await refusedInEveryLanguage("wrong tax", { method: "POST", path: "/v1/invoices", key: cast.merchant.client.apiKey!, body: json({ ...body, items: [{ ...body.items[0]!, tax: "1" }] }) }, 400, "VALIDATION_FAILED");
      expect((error.details as { issues: FieldIssue[] }).issues.map((issue) => `${issue.in}:${issue.path}`)).to.include("body:items.0.tax");
      await refusedInEveryLanguage("a body that is not JSON", { method: "POST", path: "/v1/invoices", key: cast.merchant.client.apiKey!, body: "{" }, 400, "MALFORMED_JSON");
    });

    it("no API key (401), the wrong role (403), an unknown invoice and an unknown route (404)", async () => {
      await refusedInEveryLanguage("no key", { method: "GET", path: "/v1/invoices" }, 401, "UNAUTHENTICATED");
      const forbidden = await refusedInEveryLanguage("an employee issuing", { method: "POST", path: "/v1/invoices", key: cast.employee.client.apiKey!, body: json(invoiceBody(ref(), buyer())) }, 403, "FORBIDDEN");
      expect(forbidden.details).to.deep.equal({ role: "individual", allowedRoles: ["merchant"] });
      const unknown = await refusedInEveryLanguage("an unknown invoice", { method: "GET", path: `/v1/invoices/0x${"0".repeat(63)}1`, key: cast.merchant.client.apiKey! }, 404, "NOT_FOUND");
      expect(unknown.details, "a 404 says nothing more").to.equal(undefined);
      const route = await refusedInEveryLanguage("an unknown route", { method: "GET", path: "/v1/no-such-thing", key: cast.merchant.client.apiKey! }, 404, "NO_SUCH_ROUTE");
      expect(route.details).to.deep.equal({ method: "GET", path: "/v1/no-such-thing" });
    });

    it("an invoice reimbursed twice (409 INVALID_STATE) and an issue beyond the quota (422 QUOTA_EXCEEDED), from the contract's revert", async () => {
      const issued = await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()));
      expect(issued.status, json(issued.body)).to.equal(201);
      const invoice = issued.body.invoice as { id: string; claimCode: string };
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
      expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).status).to.equal(200);
      expect((await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`)).status).to.equal(200);
      const twice = await refusedInEveryLanguage("reimbursed twice", { method: "POST", path: `/v1/invoices/${invoice.id}/reimburse`, key: cast.enterprise.client.apiKey! }, 409, "INVALID_STATE");
      expect(twice.details).to.include({ reason: "InvoiceLedgerInvalidTransition", from: "3" });

      expect((await system.bureau.put(`/v1/merchants/${cast.otherMerchant.account}/quotas/${cast.period}`, { granted: "5000" })).status).to.equal(200);
      const over = await refusedInEveryLanguage("beyond the quota", { method: "POST", path: "/v1/invoices", key: cast.otherMerchant.client.apiKey!, body: json(invoiceBody(ref(), buyer())) }, 422, "QUOTA_EXCEEDED");
      expect(over.details).to.include({ reason: "InvoiceLedgerQuotaExceeded", period: String(cast.period), available: "5000" });
    });

    // Last: past the limit, keys that never worked from this address are refused too.
    it("too many failed authentications (429 RATE_LIMITED)", async () => {
      const wrong = { method: "GET", path: "/v1/invoices", key: "eil_000000000000_wrong" };
      for (let i = 0; i < 3; i++) expect((await send(system.api.url, wrong.method, wrong.path, wrong)).status).to.equal(401);
      await refusedInEveryLanguage("wrong keys past the limit", wrong, 429, "RATE_LIMITED");
    });
  });
});

/** One request over node:http (fetch always sends an Accept-Language of its own): the status, headers and parsed body. */
function send(base: string, method: string, path: string, options: { key?: string; body?: string; language?: string | undefined }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method,
        headers: {
          ...(options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }),
          ...(options.body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(options.body) }),
          ...(options.language === undefined ? {} : { "accept-language": options.language }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: kept as text for the assertion's message
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}
