import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";

import { ApiError } from "../errors";
import { toApiError } from "../chain/contract-errors";

/**
 * The one place where errors become answers: `{ error: { code, message, details } }`. Body-parser failures
 * are 400 MALFORMED_JSON / 413 BODY_TOO_LARGE; our errors keep their status; decoded contract reverts go
 * through the revert table; anything else is logged and answered as 500 INTERNAL without internals.
 */
/** Errors ethers raises (a stable string code and a shortMessage): what the chain said or did not say. */
function isEthersError(error: unknown): boolean {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string" && "shortMessage" in error;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    void _next;
    const parserError = error as { type?: string; status?: number };
    let answer: ApiError;
    if (parserError.type === "entity.parse.failed") answer = new ApiError(400, "MALFORMED_JSON", "the body is not valid JSON");
    else if (parserError.type === "entity.too.large") answer = new ApiError(413, "BODY_TOO_LARGE", "the body is larger than this API accepts");
    else if (parserError.type === "encoding.unsupported" || parserError.type === "charset.unsupported") answer = new ApiError(415, "UNSUPPORTED_ENCODING", "send UTF-8 JSON");
    else if (parserError.type !== undefined && typeof parserError.status === "number" && parserError.status < 500) answer = new ApiError(parserError.status, "BAD_REQUEST", "the request could not be read");
    else if (error instanceof ApiError || isEthersError(error)) answer = toApiError(error);
    else answer = new ApiError(500, "INTERNAL", "something went wrong on our side; it has been logged");
    if (answer.status >= 500) logger.error({ err: error, code: answer.code, method: req.method, url: req.originalUrl }, "request failed");
    if (res.headersSent) return;
    if (answer.retryable) res.set("retry-after", "1");
    res.status(answer.status).json({ error: { code: answer.code, message: answer.message, ...(Object.keys(answer.details).length > 0 ? { details: answer.details } : {}) } });
  };
}
