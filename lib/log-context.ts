import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line written while serving one request carries, wherever in the process it is written
 * (route, service, database, chain client): the request id a user can quote, and once known the acting
 * party, its role, the route and the error code of a refusal. The HTTP layer opens the context and fills it
 * in as it learns; the logger (lib/logger.ts) mixes it into each line. Never secrets: no keys, no bodies.
 */
export interface LogContext {
  reqId: string;
  party?: string;
  role?: string;
  route?: string;
  code?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, run: () => T): T {
  return storage.run(context, run);
}

/** The context of the request being served, if any (mutable: the HTTP layer adds to it). */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}
