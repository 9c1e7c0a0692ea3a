/**
 * Every setting an operator can give, by the one name it has in the environment and in a configuration file
 * (lib/config-file.ts): what it does, which process reads it, and whether it is a secret (never printed).
 * The processes' own resolvers (ledger-node/config.ts, api/config.ts) read these names and check values;
 * this table is what a configuration file is validated against and what `--print-config` lists.
 */
export type SettingOwner = "node" | "api" | "both" | "start";

export interface Setting {
  readonly owner: SettingOwner;
  readonly description: string;
  readonly secret?: true;
}

export const SETTINGS = {
  LOG_LEVEL: { owner: "both", description: "log level: fatal, error, warn, info (default), debug, trace" },
  LEDGER_DATA_DIR: { owner: "both", description: "where everything is kept (default ./data): the chain, keys, the API's database" },
  LEDGER_RPC_HOST: { owner: "node", description: "address the ledger node listens on (default 127.0.0.1; beyond loopback needs LEDGER_RPC_TOKEN)" },
  LEDGER_RPC_PORT: { owner: "node", description: "ledger node JSON-RPC port (default 8545)" },
  LEDGER_RPC_TOKEN: { owner: "both", description: "bearer token for the node's JSON-RPC (required beyond loopback)", secret: true },
  LEDGER_RPC_URL: { owner: "api", description: "the JSON-RPC endpoint the API uses (default http://127.0.0.1:8545; any standard chain)" },
  LEDGER_AUTHORITY_KEY: { owner: "node", description: "the bureau's authority key (default: <data>/authority.key)", secret: true },
  LEDGER_ADMIN_TOKEN: { owner: "both", description: "the node's admin token (default: <data>/admin.token)", secret: true },
  LEDGER_BLOCK_WINDOW_MS: { owner: "node", description: "how long a block collects transactions (default 10)" },
  LEDGER_BLOCK_GAS_LIMIT: { owner: "node", description: "block gas limit of a new chain (default 60,000,000)" },
  LEDGER_BLOCK_MAX_TRANSACTIONS: { owner: "node", description: "transactions one block takes at most; the others wait for the next (default 8)" },
  LEDGER_SEAL_MAX_BLOCKS: { owner: "node", description: "blocks one seal mines one after another while transactions wait, journaled in one synced write (default 8)" },
  LEDGER_BLOCK_ROOM_GAS: { owner: "node", description: "gas limits of the transactions one block takes before it is full (default 4,000,000: one 100-invoice issueBatch fills it)" },
  LEDGER_FOLLOW: { owner: "node", description: "run as a standby of the primary at this URL" },
  LEDGER_PRIMARY_ADMIN_TOKEN: { owner: "node", description: "a standby's copy of the primary's admin token", secret: true },
  LEDGER_SYNC_STANDBY: { owner: "node", description: "1: acknowledge a block only once a standby has it" },
  LEDGER_UPGRADE_DELAY: { owner: "node", description: "seconds between scheduling and executing a contract upgrade, for a new chain (default 172800)" },
  LEDGER_SNAPSHOT_BLOCKS: { owner: "node", description: "write the state snapshot at least every this many blocks (default 1000)" },
  LEDGER_SNAPSHOT_MS: { owner: "node", description: "and at least every this many milliseconds (default 30000)" },
  LEDGER_MAX_LOGS: { owner: "node", description: "most logs one eth_getLogs answer holds (default 100000)" },
  LEDGER_MAX_LOG_RANGE: { owner: "node", description: "most blocks one logs query spans (default 10000)" },
  LEDGER_RPC_GAS_CAP: { owner: "node", description: "gas one anonymous eth_call or eth_estimateGas gets at most (default 500000)" },
  LEDGER_RPC_TRUSTED_GAS_CAP: { owner: "node", description: "the same for callers with the admin token (default 30000000: the largest batch a request may carry)" },
  LEDGER_RPC_EVM_TIMEOUT_MS: { owner: "node", description: "time one eth_call may take, queueing included (default 5000)" },
  LEDGER_MAX_TX_BYTES: { owner: "node", description: "largest signed transaction admitted (default 131072)" },
  LEDGER_TX_GAS_CAP: { owner: "node", description: "largest gas limit of one transaction (default 30000000)" },
  LEDGER_MAX_NONCE_GAP: { owner: "node", description: "how far ahead of its next nonce a sender may queue (default 64)" },
  LEDGER_MAX_POOL: { owner: "node", description: "transactions the pool holds at most (default 4096)" },
  LEDGER_MAX_POOL_PER_SENDER: { owner: "node", description: "and per sender (default 128)" },
  LEDGER_MAX_FILTERS: { owner: "node", description: "installed filters at most (default 1024)" },
  LEDGER_FILTER_IDLE_MS: { owner: "node", description: "a filter not polled this long is removed (default 300000)" },
  API_HOST: { owner: "api", description: "address the API listens on (default 127.0.0.1)" },
  API_PORT: { owner: "api", description: "API port (default 3000)" },
  API_DATA_DIR: { owner: "api", description: "the API's keys and marks (default <data>/api)" },
  API_DATABASE_DIR: { owner: "api", description: "the embedded PostgreSQL cluster (default <data>/postgres)" },
  DATABASE_URL: { owner: "api", description: "a PostgreSQL 15+ server to use instead of the embedded one", secret: true },
  API_DEPLOYMENT_FILE: { owner: "api", description: "the contracts' addresses (default <data>/deployment.json)" },
  API_BUREAU_KEY_FILE: { owner: "api", description: "the first bureau officer's chain key (default <data>/authority.key)" },
  API_BUREAU_KEY: { owner: "api", description: "that key itself", secret: true },
  API_LEDGER_ADMIN_TOKEN_FILE: { owner: "api", description: "the node's admin token file (default <data>/admin.token)" },
  API_MASTER_KEY: { owner: "api", description: "the keystore's master key (default: <data>/api/master.key)", secret: true },
  API_MAX_BATCH: { owner: "api", description: "most invoices in one batch transaction (default 200)" },
  API_GROUP_COMMIT_IN_FLIGHT: { owner: "api", description: "issue transactions each merchant may have in flight at once (default 1)" },
  API_KEY_CACHE: { owner: "api", description: "API key holders remembered between requests, forgotten on every change (default 10000; 0: off, needed behind a pooler in transaction mode)" },
  API_POLL_MS: { owner: "api", description: "how often receipts and new blocks are polled (default 20)" },
  API_VERIFY_RATE: { owner: "api", description: "public verify requests per minute per client address (default 600)" },
  API_RATE: { owner: "api", description: "requests per minute per API key (default 60000)" },
  API_AUTH_FAILURE_RATE: { owner: "api", description: "failed authentications per minute per address before 429 (default 20)" },
  API_SESSION_IDLE_MINUTES: { owner: "api", description: "a console session ends after this many minutes without a request (default 30)" },
  API_SESSION_HOURS: { owner: "api", description: "and at the latest this many hours after it was opened (default 12)" },
  API_BODY_LIMIT: { owner: "api", description: "largest request body (default 2mb)" },
  API_DEFAULT_LANGUAGE: { owner: "api", description: "language of messages when a request names none: en (default) or zh-CN" },
  API_TRUST_PROXY: { owner: "api", description: "Express 'trust proxy' behind a reverse proxy: a hop count, loopback, or addresses (default off)" },
  API_HSTS: { owner: "api", description: "1: send Strict-Transport-Security (only when the API is reached over HTTPS)" },
  API_PUBLIC_URL: { owner: "api", description: "the address people reach the API at, for the verification page's QR codes (default: where the API listens)" },
  API_INVOICE_REGION: { owner: "api", description: "two-digit region code printed in invoice numbers (default 44, Guangdong)" },
  API_INVOICE_CHANNEL: { owner: "api", description: "one-digit issuing channel printed in invoice numbers (default 1)" },
  API_WEBHOOK_ALLOWED_NETWORKS: { owner: "api", description: "networks webhooks may reach beyond public addresses: loopback and/or CIDRs, comma-separated (default none; for development and tests)" },
  API_WEBHOOK_RETRY_SCHEDULE: { owner: "api", description: "delays between webhook attempts, comma-separated with ms, s, m or h (default 5s,5m,30m,2h,5h,10h,10h,10h,10h,10h: about 3 days)" },
  API_WEBHOOK_TIMEOUT_MS: { owner: "api", description: "time one webhook attempt may take, answer included (default 10000)" },
  API_WEBHOOK_CONCURRENCY: { owner: "api", description: "webhook attempts in flight at once per API process (default 8)" },
  API_WEBHOOK_POLL_MS: { owner: "api", description: "how often an API process looks for due webhook deliveries (default 1000)" },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

export function isSettingName(name: string): name is SettingName {
  return Object.prototype.hasOwnProperty.call(SETTINGS, name);
}
