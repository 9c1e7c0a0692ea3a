/**
 * Why an upgrade step was refused before it changed anything (scripts/deploy/upgrade-ledger.ts), each with a
 * stable code that `npm run upgrade` turns into its exit code and a message that says what to do.
 */
export const UPGRADE_EXIT_CODES = {
  /** The upgrade was scheduled, but its delay has not passed yet. */
  NOT_READY: 3,
  /** No upgrade is scheduled (nothing to execute or cancel). */
  NOTHING_SCHEDULED: 4,
  /** A contract that cannot be upgraded differs: the forwarder, a pre-proxy deployment, or no contract at all. */
  NOT_UPGRADEABLE: 5,
  /** An upgrade to other code than this build's is scheduled: cancel it first. */
  SCHEDULE_CONFLICT: 6,
  /** The key is not the bureau's default admin, who alone upgrades. */
  NOT_ADMIN: 7,
  /** `status`: the chain does not run this build (the API's CONTRACTS_MISMATCH is exit 8 as well). */
  CONTRACTS_MISMATCH: 8,
  /** The deployment file or the key cannot be read. */
  CONFIGURATION: 9,
} as const;

export type UpgradeErrorCode = keyof typeof UPGRADE_EXIT_CODES;

export class UpgradeError extends Error {
  constructor(
    readonly code: UpgradeErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UpgradeError";
  }

  get exitCode(): number {
    return UPGRADE_EXIT_CODES[this.code];
  }
}
