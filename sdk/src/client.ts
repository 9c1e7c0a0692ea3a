import { actions } from "./generated/operations";
import { createTransport, type TransportOptions } from "./transport";
import type { Transport } from "./transport-types";

type Actions = typeof actions;

/** Each action with the transport bound: `client.issueInvoice({ body })`. */
export type BoundActions = { [K in keyof Actions]: Actions[K] extends (transport: Transport, ...rest: infer A) => infer R ? (...rest: A) => R : never };

export type EInvoiceClient = BoundActions & { transport: Transport };

/**
 * A client with every operation of the API as a method named by its operationId, each taking one typed options
 * object (`{ params, query, body, idempotencyKey }`). Tree-shaking bundles can call the actions themselves
 * instead (`issueInvoice(transport, { body })` from the generated module); this binds all of them.
 */
export function createEInvoiceClient(options: TransportOptions | { transport: Transport }): EInvoiceClient {
  const transport = "transport" in options ? options.transport : createTransport(options);
  const bound = Object.fromEntries(Object.entries(actions).map(([id, action]) => [id, (input?: unknown) => (action as (t: Transport, o?: unknown) => Promise<unknown>)(transport, input)]));
  return { ...(bound as BoundActions), transport };
}
