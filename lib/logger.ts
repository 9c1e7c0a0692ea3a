import pino, { type DestinationStream, type Logger } from "pino";

import { currentLogContext } from "./log-context";

/**
 * Structured JSON logs on stdout, at LOG_LEVEL (default info); secrets never logged (keys and tokens are
 * redacted by path). A line written while a request is served carries its context (lib/log-context.ts).
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  const known = level === "silent" || Object.prototype.hasOwnProperty.call(pino.levels.values, level);
  const logger = pino(
    {
      name,
      level: known ? level : "info",
      // A copy: pino merges each line's fields into the object the mixin returns, which must not be the context.
      mixin: () => ({ ...currentLogContext() }),
      redact: { paths: ["authorityKey", "config.authorityKey", "rpcToken", "config.rpcToken", "*.privateKey"], censor: "[redacted]" },
    },
    destination,
  );
  if (!known) logger.warn({ code: "CONFIG_INVALID", variable: "LOG_LEVEL", value: level.slice(0, 20) }, "LOG_LEVEL is not one of fatal, error, warn, info, debug, trace, silent; logging at info");
  return logger;
}
