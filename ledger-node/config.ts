import { isAbsolute, join, resolve } from "node:path";

import { ConfigurationError } from "./errors";

/** Everything the node can be told, with the embedded defaults that `npm start` uses. */
export interface LedgerNodeConfig {
  /** Root of the node's files; the chain lives in `<dataDir>/chain`. */
  dataDir: string;
  host: string;
  port: number;
  chainId: number;
  /** How long the sealer waits after the first waiting transaction, so that many share a block. */
  blockWindowMs: number;
  blockGasLimit: number;
  /** Genesis time (seconds): fixed, so that replaying the journal rebuilds identical blocks. */
  genesisTime: number;
  /** Bearer token for every request; required when listening beyond loopback. */
  rpcToken: string | undefined;
  /** The bureau's authority key (hex); when absent it is read from, or generated into, `<dataDir>/authority.key`. */
  authorityKey: string | undefined;
  /** Delay (seconds) of the registry's two-step admin handover. */
  adminDelay: number;
  /**
   * Delay (seconds) between scheduling an upgrade of the registry or the ledger and executing it (docs/upgrades.md),
   * for the deployment of a new chain; an existing chain keeps the delay its contracts were initialised with.
   */
  upgradeDelay: number;
  /** Most logs one eth_getLogs answer may hold; a larger query is refused with a clear error, as geth and Besu do. */
  maxLogsPerAnswer: number;
  /** Most blocks one logs query (eth_getLogs, eth_newFilter) may span. */
  maxLogBlockRange: number;
  /** Admin routes (`/admin/*`) need `Authorization: Bearer <adminToken>`; read from, or generated into, `<dataDir>/admin.token` when absent. */
  adminToken: string | undefined;
  /**
   * Gas given to one eth_call or eth_estimateGas at most, whatever it asks for (geth's RPCGasCap). The engine
   * records every executed step and no step costs less than 1 gas, so this cap is what bounds the memory one
   * anonymous simulation of any code can take (README.md, memory budget).
   */
  rpcGasCap: number;
  /**
   * The same cap for a caller that presents the admin token (the API of this ledger): large enough for the
   * API's largest batch. Such callers run only the ledger's own contracts with inputs they validated.
   */
  trustedRpcGasCap: number;
  /** How long a client waits for one eth_call or eth_estimateGas, queueing included, before it is answered an error. */
  rpcEvmTimeoutMs: number;
  /** Largest signed transaction admitted, in bytes. */
  maxTransactionBytes: number;
  /** Largest gas limit one transaction may ask for (never above the block gas limit). */
  transactionGasCap: number;
  /** A transaction's nonce may be at most this far ahead of its sender's next nonce (geth's per-account queue). */
  maxNonceGap: number;
  /** Transactions the pool holds at most, in all and per sender. */
  maxPoolTransactions: number;
  maxPoolTransactionsPerSender: number;
  /**
   * Transactions handed to the engine for one block at most (the others wait for the next): the snapshot's tracing
   * of a block grows with the square of its transactions (chain/block-sealer.ts).
   */
  maxBlockTransactions: number;
  /** Gas limits a block's room adds up to before it is full (chain/block-sealer.ts). */
  blockRoomGas: number;
  /** Blocks one seal mines one after another while transactions wait, journaled in one synced write (chain/block-sealer.ts). */
  maxSealBlocks: number;
  /** Installed filters at most; a filter not polled for `filterIdleMs` is uninstalled (geth: 5 minutes). */
  maxFilters: number;
  filterIdleMs: number;
  /** When set, this node is a standby that follows the primary at this URL (serves reads; promoted, it seals). */
  follow: string | undefined;
  /** The primary's admin token, which a standby presents to pull its journal. */
  primaryAdminToken: string | undefined;
  /** A block is acknowledged only once a standby has journaled it too (nothing acknowledged is lost at takeover). */
  syncStandby: boolean;
  /** The state snapshot is written at least every this many blocks, or every `snapshotEveryMs` (snapshot/). */
  snapshotEveryBlocks: number;
  snapshotEveryMs: number;
  /**
   * The engine is renewed from the state snapshot once it has applied this many storage changes (and as many as its
   * state has slots) and no block has come for `engineRenewIdleMs` (chain/engine-renewal.ts).
   */
  engineRenewChanges: number;
  engineRenewIdleMs: number;
}

export const DEFAULTS: LedgerNodeConfig = {
  dataDir: "./data",
  host: "127.0.0.1",
  port: 8545,
  chainId: 20_180_810,
  blockWindowMs: 10,
  // For chains created from now on; an existing chain keeps the limit stored in its meta (1e9 before).
  // 60M gas is ~1,100 invoices in batch transactions, two transactions at the per-transaction cap.
  blockGasLimit: 60_000_000,
  genesisTime: Date.UTC(2026, 0, 1) / 1000,
  rpcToken: undefined,
  authorityKey: undefined,
  adminDelay: 24 * 3600,
  upgradeDelay: 48 * 3600,
  maxLogsPerAnswer: 100_000,
  maxLogBlockRange: 10_000,
  adminToken: undefined,
  // Any view of the ledger's contracts takes under 100k gas; see the memory budget in README.md.
  rpcGasCap: 500_000,
  // The API's largest batch (200 invoices, ~10.6M gas) must fit.
  trustedRpcGasCap: 30_000_000,
  rpcEvmTimeoutMs: 5_000,
  // An issueBatch of 200 invoices (the API's largest) is ~64 KB.
  maxTransactionBytes: 128 * 1024,
  transactionGasCap: 30_000_000,
  maxNonceGap: 64,
  maxPoolTransactions: 4_096,
  maxPoolTransactionsPerSender: 128,
  maxBlockTransactions: 8,
  maxSealBlocks: 8,
  blockRoomGas: 4_000_000,
  maxFilters: 1_024,
  filterIdleMs: 5 * 60_000,
  follow: undefined,
  primaryAdminToken: undefined,
  syncStandby: false,
  snapshotEveryBlocks: 1_000,
  snapshotEveryMs: 30_000,
  engineRenewChanges: 250_000,
  engineRenewIdleMs: 30_000,
};

/** Environment variables that set a positive integer limit, by the config key they set. */
const INTEGER_VARIABLES = {
  LEDGER_MAX_LOGS: "maxLogsPerAnswer",
  LEDGER_MAX_LOG_RANGE: "maxLogBlockRange",
  LEDGER_RPC_GAS_CAP: "rpcGasCap",
  LEDGER_RPC_TRUSTED_GAS_CAP: "trustedRpcGasCap",
  LEDGER_RPC_EVM_TIMEOUT_MS: "rpcEvmTimeoutMs",
  LEDGER_MAX_TX_BYTES: "maxTransactionBytes",
  LEDGER_TX_GAS_CAP: "transactionGasCap",
  LEDGER_MAX_NONCE_GAP: "maxNonceGap",
  LEDGER_MAX_POOL: "maxPoolTransactions",
  LEDGER_MAX_POOL_PER_SENDER: "maxPoolTransactionsPerSender",
  LEDGER_BLOCK_MAX_TRANSACTIONS: "maxBlockTransactions",
  LEDGER_SEAL_MAX_BLOCKS: "maxSealBlocks",
  LEDGER_BLOCK_ROOM_GAS: "blockRoomGas",
  LEDGER_MAX_FILTERS: "maxFilters",
  LEDGER_FILTER_IDLE_MS: "filterIdleMs",
  LEDGER_BLOCK_GAS_LIMIT: "blockGasLimit",
  LEDGER_SNAPSHOT_BLOCKS: "snapshotEveryBlocks",
  LEDGER_SNAPSHOT_MS: "snapshotEveryMs",
  LEDGER_ENGINE_RENEW_CHANGES: "engineRenewChanges",
  LEDGER_ENGINE_RENEW_IDLE_MS: "engineRenewIdleMs",
  LEDGER_UPGRADE_DELAY: "upgradeDelay",
} as const satisfies Record<string, keyof LedgerNodeConfig>;

export function resolveConfig(partial: Partial<LedgerNodeConfig>, env: NodeJS.ProcessEnv = process.env): LedgerNodeConfig {
  const config: LedgerNodeConfig = {
    ...DEFAULTS,
    ...(env.LEDGER_DATA_DIR ? { dataDir: env.LEDGER_DATA_DIR } : {}),
    ...(env.LEDGER_RPC_HOST ? { host: env.LEDGER_RPC_HOST } : {}),
    ...(env.LEDGER_RPC_PORT ? { port: Number(env.LEDGER_RPC_PORT) } : {}),
    ...(env.LEDGER_RPC_TOKEN ? { rpcToken: env.LEDGER_RPC_TOKEN } : {}),
    ...(env.LEDGER_AUTHORITY_KEY ? { authorityKey: env.LEDGER_AUTHORITY_KEY } : {}),
    ...(env.LEDGER_BLOCK_WINDOW_MS ? { blockWindowMs: Number(env.LEDGER_BLOCK_WINDOW_MS) } : {}),
    ...(env.LEDGER_ADMIN_TOKEN ? { adminToken: env.LEDGER_ADMIN_TOKEN } : {}),
    ...(env.LEDGER_FOLLOW ? { follow: env.LEDGER_FOLLOW } : {}),
    ...(env.LEDGER_PRIMARY_ADMIN_TOKEN ? { primaryAdminToken: env.LEDGER_PRIMARY_ADMIN_TOKEN } : {}),
    ...(env.LEDGER_SYNC_STANDBY ? { syncStandby: env.LEDGER_SYNC_STANDBY === "1" || env.LEDGER_SYNC_STANDBY === "true" } : {}),
    ...Object.fromEntries(Object.entries(INTEGER_VARIABLES).filter(([name]) => env[name]).map(([name, key]) => [key, Number(env[name])])),
    ...stripUndefined(partial),
  };
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(config.dataDir);
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65_535) {
    throw new ConfigurationError(`port must be an integer from 0 to 65535, not ${config.port}`);
  }
  if (!Number.isInteger(config.blockWindowMs) || config.blockWindowMs < 0) {
    throw new ConfigurationError(`block window must be a non-negative number of milliseconds, not ${config.blockWindowMs}`);
  }
  for (const [name, key] of Object.entries(INTEGER_VARIABLES)) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigurationError(`${name} must be a positive integer, not ${value}`, { variable: name });
  }
  if (config.follow !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(config.follow);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) throw new ConfigurationError(`--follow must be the primary's http(s) URL, not ${config.follow}`);
    if (config.primaryAdminToken === undefined) throw new ConfigurationError("a standby needs the primary's admin token to pull its journal: set LEDGER_PRIMARY_ADMIN_TOKEN (the primary's <data dir>/admin.token)");
  }
  if (!isLoopback(config.host) && config.rpcToken === undefined) {
    throw new ConfigurationError(`listening on ${config.host} (beyond loopback) needs a read token: set LEDGER_RPC_TOKEN`);
  }
  return config;
}

export function chainDir(config: Pick<LedgerNodeConfig, "dataDir">): string {
  return join(config.dataDir, "chain");
}

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
