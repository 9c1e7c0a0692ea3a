import { describeContractCode, type ContractCodeReport } from "../lib/contract-code";
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
  /** The contracts on chain are not this build's: the bureau upgrades them (`npm run upgrade`), or run the matching build. */
  CONTRACTS_MISMATCH: 8,
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

/**
 * The contracts on chain are not the code this build of the API calls (lib/contract-code.ts): what differs, any
 * scheduled upgrade and when it is ready, and what to do about it.
 */
export const contractsMismatch = (report: ContractCodeReport) => {
  const differing = report.contracts.filter((c) => c.status !== "match");
  const scheduledToBuild = differing.every((c) => c.pendingUpgrade?.matchesBuild === true);
  const readyAt = Math.max(...differing.map((c) => c.pendingUpgrade?.readyAt ?? 0));
  const remedy = differing.some((c) => c.status === "pre-proxy")
    ? "A deployment from before the contracts were upgradeable cannot be upgraded in place: run the release that deployed it, or deploy the contracts anew (npm run deploy, or a new data directory for the embedded node); API_CONTRACT_CHECK=warn starts this API against it anyway, where functions added since then revert"
    : scheduledToBuild
      ? `An upgrade to this build is scheduled: the bureau executes it with \`npm run upgrade -- execute\` from ${new Date(readyAt * 1000).toISOString()}, then start the API again`
      : "The bureau upgrades the chain to this build with `npm run upgrade -- schedule` and, once the upgrade delay has passed, `npm run upgrade -- execute`; or run the build of the API that matches the chain";
  return new ApiError(
    500,
    "CONTRACTS_MISMATCH",
    `the ledger's contracts on chain are not the ones this build of the API was made for (${describeContractCode(report).join("; ")}). ${remedy}.`,
    {
      contracts: report.contracts.map(({ contract, address, status, implementation }) => ({ contract, address, status, implementation })),
      pendingUpgrades: report.pendingUpgrades,
    },
  );
};
