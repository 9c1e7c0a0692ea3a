import type { ErrorCode } from "./i18n/error-params";

/**
 * Errors the API answers with. Each has a stable machine-readable `code` (what clients and tests match on),
 * the HTTP status it maps to, a message for logs, optional details, and whether retrying can help.
 * The error handler turns them, and decoded contract reverts, into `{ error: { code, message, details } }`,
 * the message taken from the catalogue of the language the request asks for (api/i18n), built from the
 * details: whatever a message says about the case must be in `details`. A code is one of ErrorCode, so that
 * each has its messages (api/i18n/error-params.ts says which details each carries).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown; retryable?: boolean; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ApiError";
    this.retryable = options?.retryable ?? false;
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 1;
  }
  readonly retryable: boolean;
  /** The Retry-After a retryable answer carries. */
  readonly retryAfterSeconds: number;
}

export const unauthenticated = (message: string) => new ApiError(401, "UNAUTHENTICATED", message);
export const forbidden = (message: string, details?: Record<string, unknown>) => new ApiError(403, "FORBIDDEN", message, details);
/** Unknown objects and other parties' objects read alike, so ids cannot be probed: every 404 has the same message in a language and no details. */
export const notFound = (what: string, details?: Record<string, unknown>) => new ApiError(404, "NOT_FOUND", `${what} not found`, details);
export const conflict = (code: ErrorCode, message: string, details?: Record<string, unknown>) => new ApiError(409, code, message, details);
export const unprocessable = (code: ErrorCode, message: string, details?: Record<string, unknown>) => new ApiError(422, code, message, details);
export const chainUnavailable = (message: string, cause?: unknown) =>
  new ApiError(503, "LEDGER_UNAVAILABLE", message, {}, { cause, retryable: true });
