/**
 * What `einvoice` exits with, so that a script can tell what happened without reading the output. Listed in
 * `einvoice --help` and docs/cli.md.
 */
export const EXIT = {
  /** Everything asked was done. */
  OK: 0,
  /** An unexpected failure (a bug, an unreadable file): the message says what. */
  FAILURE: 1,
  /** The command line is wrong (unknown option, missing argument, no API URL or key). */
  USAGE: 2,
  /** The API refused the request (a 4xx): the error's code says why. */
  REFUSED: 3,
  /** Bulk work finished, but some items were refused (the summary groups them by code). */
  PARTIAL: 4,
  /** The API could not be reached or asked to retry later (network, 429, 5xx): rerun later; bulk work resumes. */
  UNAVAILABLE: 5,
  /** The API has no such route yet (the command needs routes this API does not document). */
  UNSUPPORTED: 6,
  /** The key is missing, unknown, revoked, or its role may not do this (401, 403). */
  NOT_ALLOWED: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The help text's table of exit codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  unexpected failure (unreadable file, bug)
  2  usage error (unknown option, missing argument, no API URL or key)
  3  the API refused the request (4xx; the code says why)
  4  bulk work finished with some items refused (see the summary)
  5  the API is unreachable or asked to retry later (network, 429, 5xx); rerun to resume
  6  this API does not have the routes the command needs
  7  the API key is missing, unknown or revoked, or its role may not do this (401, 403)`;

/** An error that ends the command with its exit code; `code` is the API's or the CLI's own. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
