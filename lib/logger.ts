import pino, { type Logger } from "pino";

/** Structured JSON logs on stdout; secrets never logged (keys and tokens are redacted by path). */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name,
    level,
    redact: { paths: ["authorityKey", "config.authorityKey", "rpcToken", "config.rpcToken", "*.privateKey"], censor: "[redacted]" },
  });
}
