import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

import { isNumberForm, type NumberForm } from "./domain/printed-number";
import { DEFAULT_LANGUAGE, LANGUAGES, languageNamed, type Language } from "./i18n/language";
import { networkAllowance } from "./webhooks/url-guard";

/** Everything the API can be told, with the embedded defaults that `npm start` uses. */
export interface ApiConfig {
  /** The keystore's master key and the first bureau API key live here. */
  dataDir: string;
  /** The API's PostgreSQL (DATABASE_URL): any PostgreSQL 15+ server; when absent, the embedded server in `databaseDir`. */
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL server keeps its cluster (API_DATABASE_DIR, default `<data>/postgres`). */
  databaseDir: string;
  host: string;
  port: number;
  /** Any standard Ethereum JSON-RPC endpoint: the embedded ledger node, or a Besu/QBFT consortium node. */
  rpcUrl: string;
  rpcToken: string | undefined;
  /**
   * The embedded ledger node's admin token, sent instead of `rpcToken` when present: that node then gives the
   * API's simulations the gas its largest batch needs (its cap for anonymous callers is far smaller).
   * `LEDGER_ADMIN_TOKEN`, or read from `adminTokenFile` (the node's `<data dir>/admin.token`) when that exists.
   */
  adminToken: string | undefined;
  adminTokenFile: string;
  /** Contract addresses, as `npm run deploy` or the ledger node's first start recorded them. */
  deploymentFile: string;
  /** The first bureau officer's key, imported at the first start (the embedded node's authority key). */
  bureauKeyFile: string;
  bureauKey: string | undefined;
  /** Master secret of the keystore (hex or any string); when absent, read from or generated into `<dataDir>/master.key`. */
  masterKey: string | undefined;
  /** How long concurrent issue requests of one merchant are collected into one batch transaction. */
  /** Issue transactions of one merchant in flight at once: requests collect while they are (api/chain/issue-batcher.ts). */
  groupCommitInFlight: number;
  /** API key holders remembered between requests (api/db/key-holder-cache.ts, API_KEY_CACHE); 0: read at every request. */
  keyCacheSize: number;
  maxBatchSize: number;
  /** How often receipts and new blocks are polled. */
  pollIntervalMs: number;
  /** Requests per minute per client address on the public verify routes, and per API key elsewhere. */
  verifyRatePerMinute: number;
  apiRatePerMinute: number;
  /** Failed authentications (wrong API keys, unknown or ended console sessions) per minute per client address before 429. */
  authFailuresPerMinute: number;
  /**
   * A console session (api/services/sessions.ts) ends after this many minutes without a request
   * (API_SESSION_IDLE_MINUTES, default 30) and, however busy, this many hours after it was opened
   * (API_SESSION_HOURS, default 12). Positive numbers; fractions are allowed (tests use seconds).
   */
  sessionIdleMinutes: number;
  sessionHours: number;
  bodyLimit: string;
  /**
   * The language of error messages for a request without Accept-Language (or with none we write in):
   * `API_DEFAULT_LANGUAGE`, "en" (the default, for machine clients) or "zh-CN".
   */
  defaultLanguage: Language;
  /**
   * What the start does when the contracts on chain are not this build's (lib/contract-code.ts): "refuse" (the
   * default: CONTRACTS_MISMATCH, exit 8) or "warn" (`API_CONTRACT_CHECK=warn`: start anyway and log it), for a
   * chain whose contracts cannot be upgraded (deployed before they were upgradeable) that an operator knows to be
   * compatible enough; functions added since then revert there.
   */
  contractCheck: "refuse" | "warn";
  /** Express's "trust proxy" (API_TRUST_PROXY): false, a hop count, "loopback", or addresses; behind a reverse proxy, so client addresses (rate limits) and the protocol are the proxy's report. */
  trustProxy: boolean | number | string;
  /** Send Strict-Transport-Security and upgrade-insecure-requests (API_HSTS=1): only when clients reach the API over HTTPS. */
  hsts: boolean;
  /**
   * Where people reach the API (API_PUBLIC_URL, e.g. https://fapiao.example.gov.cn): the base of the public
   * verification page's address that QR codes carry. When absent, the address the API listens on, which a phone
   * reaches only on the same machine or network.
   */
  publicUrl: string | undefined;
  /** The built web console served at /console (API_CONSOLE_DIR; default dist/console of this package). */
  consoleDir: string;
  /** The prefix of printed invoice numbers (API_INVOICE_REGION, two digits, default 44; API_INVOICE_CHANNEL, one digit, default 1). */
  numberForm: NumberForm;
  /**
   * Networks webhook deliveries may reach beyond public unicast addresses (API_WEBHOOK_ALLOWED_NETWORKS,
   * comma-separated): "loopback" and/or CIDRs or addresses. Default none: a subscriber URL on a private,
   * loopback, link-local, unique-local, CGNAT or metadata address is refused (api/webhooks/url-guard.ts).
   */
  webhookAllowedNetworks: string[];
  /** Delays between webhook attempts in ms (API_WEBHOOK_RETRY_SCHEDULE, e.g. "5s,5m,30m,2h"); once spent, a delivery fails. */
  webhookRetryScheduleMs: number[];
  /** Time one webhook attempt may take, the answer included (API_WEBHOOK_TIMEOUT_MS, default 10000). */
  webhookTimeoutMs: number;
  /** Webhook attempts in flight at once in this process (API_WEBHOOK_CONCURRENCY, default 8). */
  webhookConcurrency: number;
  /** How often this process looks for due deliveries (API_WEBHOOK_POLL_MS, default 1000); new ones of its own are sent at once. */
  webhookPollMs: number;
}

/** About three days: the first retry after 5 s, then 5 min, 30 min, 2 h, 5 h, and every 10 h. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = "5s,5m,30m,2h,5h,10h,10h,10h,10h,10h";

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "5s,5m,30m,2h" as milliseconds; each entry a whole number with its unit. */
export function retryScheduleSetting(value: string): number[] {
  const entries = value.split(",").map((entry) => entry.trim());
  return entries.map((entry) => {
    const match = /^([0-9]{1,9})(ms|s|m|h)$/.exec(entry);
    if (match === null) throw new Error(`API configuration: API_WEBHOOK_RETRY_SCHEDULE must be delays like 5s,5m,30m,2h (ms, s, m or h), not ${value}`);
    return Number(match[1]) * DURATION_UNITS[match[2]!]!;
  });
}

const listSetting = (value: string | undefined) => (value === undefined ? [] : value.split(",").map((entry) => entry.trim()).filter((entry) => entry !== ""));

function contractCheckSetting(value: string | undefined): "refuse" | "warn" {
  if (value === undefined || value === "" || value === "refuse") return "refuse";
  if (value === "warn") return "warn";
  throw new Error(`API configuration: API_CONTRACT_CHECK must be refuse or warn, not ${value}`);
}

function languageSetting(value: string | undefined): Language {
  if (value === undefined || value === "") return DEFAULT_LANGUAGE;
  const language = languageNamed(value);
  if (language === undefined) throw new Error(`API configuration: API_DEFAULT_LANGUAGE must be one of ${LANGUAGES.join(", ")}, not ${value}`);
  return language;
}

function trustProxyOf(value: string | undefined): boolean | number | string {
  if (value === undefined || value === "" || value === "0" || value === "false") return false;
  if (value === "true") return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function resolveApiConfig(partial: Partial<ApiConfig> = {}, env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const root = env.LEDGER_DATA_DIR ?? "./data";
  const config: ApiConfig = {
    dataDir: env.API_DATA_DIR ?? join(root, "api"),
    databaseUrl: env.DATABASE_URL === undefined || env.DATABASE_URL === "" ? undefined : env.DATABASE_URL,
    databaseDir: env.API_DATABASE_DIR ?? join(root, "postgres"),
    host: env.API_HOST ?? "127.0.0.1",
    port: Number(env.API_PORT ?? 3000),
    rpcUrl: env.LEDGER_RPC_URL ?? "http://127.0.0.1:8545",
    rpcToken: env.LEDGER_RPC_TOKEN,
    adminToken: env.LEDGER_ADMIN_TOKEN,
    adminTokenFile: env.API_LEDGER_ADMIN_TOKEN_FILE ?? join(root, "admin.token"),
    deploymentFile: env.API_DEPLOYMENT_FILE ?? join(root, "deployment.json"),
    bureauKeyFile: env.API_BUREAU_KEY_FILE ?? join(root, "authority.key"),
    bureauKey: env.API_BUREAU_KEY,
    masterKey: env.API_MASTER_KEY,
    groupCommitInFlight: Number(env.API_GROUP_COMMIT_IN_FLIGHT ?? 1),
    keyCacheSize: Number(env.API_KEY_CACHE ?? 10_000),
    maxBatchSize: Number(env.API_MAX_BATCH ?? 200),
    pollIntervalMs: Number(env.API_POLL_MS ?? 20),
    verifyRatePerMinute: Number(env.API_VERIFY_RATE ?? 600),
    apiRatePerMinute: Number(env.API_RATE ?? 60_000),
    authFailuresPerMinute: Number(env.API_AUTH_FAILURE_RATE ?? 20),
    sessionIdleMinutes: Number(env.API_SESSION_IDLE_MINUTES ?? 30),
    sessionHours: Number(env.API_SESSION_HOURS ?? 12),
    bodyLimit: env.API_BODY_LIMIT ?? "2mb",
    defaultLanguage: languageSetting(env.API_DEFAULT_LANGUAGE),
    contractCheck: contractCheckSetting(env.API_CONTRACT_CHECK),
    trustProxy: trustProxyOf(env.API_TRUST_PROXY),
    hsts: env.API_HSTS === "1" || env.API_HSTS === "true",
    publicUrl: env.API_PUBLIC_URL === undefined || env.API_PUBLIC_URL === "" ? undefined : env.API_PUBLIC_URL,
    consoleDir: env.API_CONSOLE_DIR ?? defaultConsoleDirectory(),
    numberForm: { region: env.API_INVOICE_REGION ?? "44", channel: env.API_INVOICE_CHANNEL ?? "1" },
    webhookAllowedNetworks: listSetting(env.API_WEBHOOK_ALLOWED_NETWORKS),
    webhookRetryScheduleMs: retryScheduleSetting(env.API_WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE),
    webhookTimeoutMs: Number(env.API_WEBHOOK_TIMEOUT_MS ?? 10_000),
    webhookConcurrency: Number(env.API_WEBHOOK_CONCURRENCY ?? 8),
    webhookPollMs: Number(env.API_WEBHOOK_POLL_MS ?? 1_000),
    ...Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)),
  };
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(path));
  config.dataDir = absolute(config.dataDir);
  config.databaseDir = absolute(config.databaseDir);
  config.deploymentFile = absolute(config.deploymentFile);
  config.bureauKeyFile = absolute(config.bureauKeyFile);
  config.adminTokenFile = absolute(config.adminTokenFile);
  for (const [name, value] of Object.entries({ port: config.port, maxBatchSize: config.maxBatchSize, pollIntervalMs: config.pollIntervalMs, keyCacheSize: config.keyCacheSize })) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`API configuration: ${name} must be a non-negative integer, not ${value}`);
  }
  for (const [name, value] of Object.entries({ groupCommitInFlight: config.groupCommitInFlight, webhookTimeoutMs: config.webhookTimeoutMs, webhookConcurrency: config.webhookConcurrency, webhookPollMs: config.webhookPollMs })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`API configuration: ${name} must be a positive integer, not ${value}`);
  }
  for (const [name, value] of Object.entries({ API_SESSION_IDLE_MINUTES: config.sessionIdleMinutes, API_SESSION_HOURS: config.sessionHours })) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`API configuration: ${name} must be a positive number, not ${value}`);
  }
  // Refused at start rather than at the first delivery.
  networkAllowance(config.webhookAllowedNetworks);
  if (!isNumberForm(config.numberForm)) throw new Error(`API configuration: API_INVOICE_REGION must be two digits and API_INVOICE_CHANNEL one digit, not ${config.numberForm.region} and ${config.numberForm.channel}`);
  if (config.publicUrl !== undefined) config.publicUrl = publicUrlSetting(config.publicUrl);
  return config;
}

/** An http(s) base address without a query or fragment; kept without its trailing slash. */
function publicUrlSetting(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`API configuration: API_PUBLIC_URL must be an http or https address, not ${value}`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new Error(`API configuration: API_PUBLIC_URL must be an http or https address without query, fragment or credentials, not ${value}`);
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * Where the built console is (`npm run build` writes it, bin/build.js): dist/console under the package's root,
 * found from this file whether it runs from the sources (api/http/) or the build (dist/api/http/).
 */
function defaultConsoleDirectory(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "console");
    if (dirname(dir) === dir) return join(from, "console");
  }
}
