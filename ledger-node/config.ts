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
  /** Most logs one eth_getLogs answer may hold; a larger query is refused with a clear error, as geth and Besu do. */
  maxLogsPerAnswer: number;
}

export const DEFAULTS: LedgerNodeConfig = {
  dataDir: "./data",
  host: "127.0.0.1",
  port: 8545,
  chainId: 20_180_810,
  blockWindowMs: 10,
  blockGasLimit: 1_000_000_000,
  genesisTime: Date.UTC(2026, 0, 1) / 1000,
  rpcToken: undefined,
  authorityKey: undefined,
  adminDelay: 24 * 3600,
  maxLogsPerAnswer: 100_000,
};

export function resolveConfig(partial: Partial<LedgerNodeConfig>, env: NodeJS.ProcessEnv = process.env): LedgerNodeConfig {
  const config: LedgerNodeConfig = {
    ...DEFAULTS,
    ...(env.LEDGER_DATA_DIR ? { dataDir: env.LEDGER_DATA_DIR } : {}),
    ...(env.LEDGER_RPC_HOST ? { host: env.LEDGER_RPC_HOST } : {}),
    ...(env.LEDGER_RPC_PORT ? { port: Number(env.LEDGER_RPC_PORT) } : {}),
    ...(env.LEDGER_RPC_TOKEN ? { rpcToken: env.LEDGER_RPC_TOKEN } : {}),
    ...(env.LEDGER_AUTHORITY_KEY ? { authorityKey: env.LEDGER_AUTHORITY_KEY } : {}),
    ...(env.LEDGER_BLOCK_WINDOW_MS ? { blockWindowMs: Number(env.LEDGER_BLOCK_WINDOW_MS) } : {}),
    ...(env.LEDGER_MAX_LOGS ? { maxLogsPerAnswer: Number(env.LEDGER_MAX_LOGS) } : {}),
    ...stripUndefined(partial),
  };
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(config.dataDir);
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65_535) {
    throw new ConfigurationError(`port must be an integer from 0 to 65535, not ${config.port}`);
  }
  if (!Number.isInteger(config.blockWindowMs) || config.blockWindowMs < 0) {
    throw new ConfigurationError(`block window must be a non-negative number of milliseconds, not ${config.blockWindowMs}`);
  }
  if (!Number.isInteger(config.maxLogsPerAnswer) || config.maxLogsPerAnswer < 1) {
    throw new ConfigurationError(`LEDGER_MAX_LOGS must be a positive integer, not ${config.maxLogsPerAnswer}`);
  }
  if (!isLoopback(config.host) && config.rpcToken === undefined) {
    throw new ConfigurationError(`listening on ${config.host} (beyond loopback) needs a read token: set LEDGER_RPC_TOKEN`);
  }
  return config;
}

export function chainDir(config: LedgerNodeConfig): string {
  return join(config.dataDir, "chain");
}

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
