import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";

import { ApiError } from "../errors";
import { currentLogContext } from "../../lib/log-context";
import { toApiError } from "../chain/contract-errors";
import { databaseFault } from "../db/database-errors";
import { DEFAULT_LANGUAGE, type Language } from "../i18n/language";
import { errorMessage } from "../i18n/localize";
import { languageFor } from "../i18n/negotiate";
import type { Refusal } from "../services/audit";
import type { AuditedAttempt } from "./audited-actions";

/**
 * The one place where errors become answers: `{ error: { code, message, details } }`. Failures to read the
 * request are the client's (see readFailure); our errors keep their status; decoded contract reverts go
 * through the revert table; anything else is logged and answered as 500 INTERNAL without internals. The
 * message is the code's, from the catalogue of the language the request's Accept-Language asks for (Chinese or
 * English; without one, the configured default), worded from the details; the code, the status and the details
 * are the same in every language. The answer says its language (Content-Language) and that it depends on
 * Accept-Language (Vary).
 */
/** Errors ethers raises (a stable string code and a shortMessage): what the chain said or did not say. */
function isEthersError(error: unknown): boolean {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string" && "shortMessage" in error;
}

/**
 * A request that cannot be read is the client's mistake, never a 5xx: body-parser's failures (not JSON, too
 * large, an unsupported or undecodable Content-Encoding, an aborted upload) and the router's failure to
 * %-decode a path parameter. Anything else is not a read failure (undefined).
 */
function readFailure(error: unknown, contentEncoding: string | undefined): ApiError | undefined {
  if (error instanceof ApiError || typeof error !== "object" || error === null) return undefined;
  const failure = error as { type?: unknown; status?: unknown; expose?: unknown };
  if (failure.type === "entity.parse.failed") return new ApiError(400, "MALFORMED_JSON", "the body is not valid JSON");
  if (failure.type === "entity.too.large") return new ApiError(413, "BODY_TOO_LARGE", "the body is larger than this API accepts");
  if (failure.type === "encoding.unsupported" || failure.type === "charset.unsupported") return new ApiError(415, "UNSUPPORTED_ENCODING", "send UTF-8 JSON, uncompressed or as gzip, deflate or br");
  if (error instanceof URIError && failure.status === 400) return new ApiError(400, "MALFORMED_PATH", "the path has a malformed %-escape");
  // http-errors marks what a client may be told (expose: 4xx); body-parser adds a type to its own.
  if (typeof failure.status !== "number" || failure.status < 400 || failure.status >= 500 || (failure.type === undefined && failure.expose !== true)) return undefined;
  // The decompression stream failed (zlib's or brotli's error, without a type): the body is not what its Content-Encoding says.
  if (failure.type === undefined && contentEncoding !== undefined && contentEncoding.toLowerCase() !== "identity") {
    const named = contentEncoding.slice(0, 20);
    return new ApiError(400, "MALFORMED_BODY", `the body could not be decompressed as its Content-Encoding (${named}) says`, { contentEncoding: named });
  }
  return new ApiError(failure.status, "BAD_REQUEST", "the request could not be read");
}

/**
 * Whether an answer refuses the attempt itself, for the audit: a 4xx, except 401 (nobody is known) and 429 (the
 * request was shed unread; recording each one would give a flood a write per request). A 5xx is our failure.
 */
const refuses = (answer: ApiError) => answer.status >= 400 && answer.status < 500 && answer.status !== 401 && answer.status !== 429;

/**
 * `onRefusal` records a refused lifecycle attempt (the route helper notes it in `res.locals.attempt`); it never
 * rejects, and the answer goes out once it resolved, whatever became of the record: the same answer as without it.
 */
export function errorHandler(
  logger: Logger,
  onDatabaseFault: (error: unknown) => void = () => undefined,
  onRefusal?: (refusal: Refusal) => Promise<void>,
  options: { defaultLanguage?: Language } = {},
): ErrorRequestHandler {
  const defaultLanguage = options.defaultLanguage ?? DEFAULT_LANGUAGE;
  return (error: unknown, req, res, _next) => {
    void _next;
    let answer: ApiError;
    const unreadable = readFailure(error, req.get("content-encoding"));
    const fault = databaseFault(error);
    if (fault !== undefined) onDatabaseFault(error);
    if (unreadable !== undefined) answer = unreadable;
    else if (fault !== undefined) answer = fault;
    else if (error instanceof ApiError || isEthersError(error)) answer = toApiError(error);
    else answer = new ApiError(500, "INTERNAL", "something went wrong on our side; it has been logged");
    // For the request's log lines and the refusals metric (app.ts).
    res.locals.errorCode = answer.code;
    const context = currentLogContext();
    if (context !== undefined) context.code = answer.code;
    if (answer.status >= 500) logger.error({ err: error, code: answer.code, method: req.method, url: req.originalUrl }, "request failed");
    const send = () => {
      if (res.headersSent) return;
      if (answer.retryable) res.set("retry-after", String(answer.retryAfterSeconds));
      const language = languageFor(req.get("accept-language"), defaultLanguage);
      res.vary("Accept-Language").set("content-language", language);
      const message = errorMessage(language, answer.code, answer.details);
      res.status(answer.status).json({ error: { code: answer.code, message, ...(Object.keys(answer.details).length > 0 ? { details: answer.details } : {}) } });
    };
    const attempt = res.locals.attempt as AuditedAttempt | undefined;
    if (attempt === undefined || onRefusal === undefined || !refuses(answer)) return send();
    onRefusal({ ...attempt, status: answer.status, code: answer.code })
      .then(send, send)
      .catch((failure: unknown) => logger.error({ err: failure }, "answering a refusal failed"));
  };
}
