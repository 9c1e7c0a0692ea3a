import type { ApiConfig } from "./config";
import { ApiError } from "./errors";

/**
 * Why the API refuses to start, each with its own exit code so that a supervisor (and `npm start`) can tell
 * a damaged store from a wrong key from an index that does not belong to the chain, and a person reading
 * the message knows what to do. Anything else that stops a start exits with 1.
 */
export const EXIT_CODES: Readonly<Record<string, number>> = {
  /** The API's database holds a damaged page: restore it from a backup. */
  STORE_CORRUPTED: 3,
  /** The API's database cannot be reached, started or migrated. */
  DATABASE_UNAVAILABLE: 6,
  /** The data directory holds a LevelDB-era store: `npm run api:import-leveldb` moves it into the database. */
  LEGACY_STORE: 7,
  /** The keystore's master key is not the one its party keys were sealed with. */
  KEYSTORE_KEY_MISMATCH: 4,
  /** The event index names blocks the chain does not have: another chain, or a chain that lost blocks. */
  INDEX_AHEAD_OF_CHAIN: 5,
};

export function exitCodeOf(error: unknown): number {
  const code = error instanceof ApiError ? error.code : undefined;
  return (code === undefined ? undefined : EXIT_CODES[code]) ?? 1;
}

export const keystoreKeyMismatch = (details: Record<string, unknown>) =>
  new ApiError(
    500,
    "KEYSTORE_KEY_MISMATCH",
    "the keystore's master key (API_MASTER_KEY or <dataDir>/master.key) is not the key this store's party keys were sealed with; start with the right key",
    details,
  );

export const indexAheadOfChain = (details: Record<string, unknown>) =>
  new ApiError(
    500,
    "INDEX_AHEAD_OF_CHAIN",
    "the API's event index names blocks the ledger does not have (another chain, or a chain that lost blocks). Check LEDGER_RPC_URL and the deployment file; if this chain is the right one, stop the API and run `npm run api:reindex`",
    details,
  );

export const databaseUnavailable = (config: Pick<ApiConfig, "databaseUrl" | "databaseDir">, cause: unknown) =>
  new ApiError(
    500,
    "DATABASE_UNAVAILABLE",
    config.databaseUrl === undefined
      ? `the embedded PostgreSQL server in ${config.databaseDir} could not be started or prepared (${cause instanceof Error ? cause.message : String(cause)}); its log is ${config.databaseDir}/server.log`
      : `the database at DATABASE_URL could not be reached or prepared (${cause instanceof Error ? cause.message : String(cause)}); check that the server runs and the URL names it`,
    {},
    { cause },
  );
