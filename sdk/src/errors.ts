/**
 * The one error the SDK rejects with: the API's refusal as it answered (`status`, `code`, `message`, `details`,
 * the `requestId` to quote), and whether trying again can help (`retryable`: the API said so with Retry-After,
 * or the request never got an answer). Match on `code` (stable), never on `message` (worded in the language
 * the request asked for).
 */
export class EInvoiceApiError extends Error {
  override readonly name = "EInvoiceApiError";
  constructor(
    /** The HTTP status; 0 when no answer arrived (NETWORK_ERROR). */
    readonly status: number,
    /** The API's stable code (api/i18n/error-params.ts lists them), or NETWORK_ERROR, or UNEXPECTED_ANSWER. */
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options: { requestId?: string | undefined; retryable?: boolean; retryAfterSeconds?: number | undefined; operationId?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.operationId = options.operationId;
  }
  /** The answer's Request-Id: what to quote to the operator. */
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  /** How long the API asked to wait before a retry, in seconds (its Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  /** The operation that was refused. */
  readonly operationId: string | undefined;
}

/** Whether `error` is the API's refusal, with one of `codes` if any are given: narrows `code` to them. */
export function isEInvoiceApiError<C extends string = string>(error: unknown, ...codes: C[]): error is EInvoiceApiError & { code: C } {
  return error instanceof EInvoiceApiError && (codes.length === 0 || (codes as string[]).includes(error.code));
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/** The refusal an answer carries (`{ error: { code, message, details } }`), with what its headers say. */
export function errorFromAnswer(response: Response, body: unknown, operationId: string): EInvoiceApiError {
  const error = (typeof body === "object" && body !== null ? (body as ErrorBody).error : undefined) ?? {};
  const retryAfter = response.headers.get("retry-after");
  const seconds = retryAfter !== null && /^[0-9]+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  const code = typeof error.code === "string" ? error.code : "UNEXPECTED_ANSWER";
  const message = typeof error.message === "string" ? error.message : `HTTP ${response.status} without an error body`;
  const details = typeof error.details === "object" && error.details !== null ? (error.details as Record<string, unknown>) : {};
  return new EInvoiceApiError(response.status, code, message, details, {
    requestId: response.headers.get("request-id") ?? undefined,
    retryable: retryAfter !== null || response.status === 503,
    retryAfterSeconds: seconds,
    operationId,
  });
}
