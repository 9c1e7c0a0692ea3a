import type { RequestHandler } from "express";
import pino, { type Level, type Logger } from "pino";

/**
 * Where a request's log line could carry a credential: the API key, the console's session cookie (and its
 * CSRF token, useless without it, but no business of a log) and the cookie an answer sets. Bodies are never
 * logged (the API key POST /v1/sessions takes is in one).
 */
const CREDENTIALS = ["req.headers.authorization", "req.headers['x-api-key']", "req.headers.cookie", "req.headers['x-csrf-token']", "res.headers['set-cookie']"];

/** Failures at error, refusals at info, everything else at debug (the default level, info, leaves it out). */
function levelOf(status: number): Level {
  return status >= 500 ? "error" : status >= 400 ? "info" : "debug";
}

/**
 * The access log: one line per answered request (its method, URL, query, headers less credentials, status,
 * time in ms; the request id and party come with every line, from the log context), with pino's standard
 * request and response serializers and pino's redaction.
 *
 * The line is built only when its level is written. pino-http, used before, made a child logger with the
 * whole serialised request for every request, written or not: under a verify load that was 29 % of the
 * API's allocations (a sampling heap profile), and the young-generation collections they caused were the
 * verify latency's tail.
 */
export function requestLog(base: Logger): RequestHandler {
  const logger = base.child({}, { redact: { paths: CREDENTIALS, censor: "[redacted]" }, serializers: { req: pino.stdSerializers.req, res: pino.stdSerializers.res } });
  return (req, res, next) => {
    const started = performance.now();
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const level = levelOf(res.statusCode);
      if (!logger.isLevelEnabled(level)) return;
      logger[level]({ req, res, responseTime: Math.round(performance.now() - started) }, res.statusCode >= 500 ? "request errored" : res.writableFinished ? "request completed" : "request aborted");
    };
    res.once("finish", done);
    res.once("close", done);
    next();
  };
}
