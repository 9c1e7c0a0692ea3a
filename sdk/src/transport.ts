import createClient from "openapi-fetch";

import { EInvoiceApiError, errorFromAnswer } from "./errors";
import type { paths } from "./generated/openapi";
import type { ActionInput, OperationInfo, Transport } from "./transport-types";

export interface TransportOptions {
  /** Where the API answers, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** Your API key (omit for the public routes only, or in the browser, where the console's session cookie stands for it). */
  apiKey?: string;
  /**
   * In the browser, signed in to the console (openSession): the session's csrfToken, sent as x-csrf-token with
   * every request. The session itself travels in its HttpOnly cookie, which no script reads or needs to.
   */
  csrfToken?: string;
  /** Whether fetch sends cookies (RequestInit.credentials): the default, same-origin, suits the console served by the API itself. */
  credentials?: RequestInit["credentials"];
  /** The language of error messages: "en" or "zh-CN" (the API's default without it). */
  language?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Another fetch (a test double, a proxy agent); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
}

type RawRequest = (method: string, path: string, init: Record<string, unknown>) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * The SDK's transport over openapi-fetch: one HTTP request per call, the API key as a bearer token (or, in the
 * browser, the console session's cookie with its CSRF token), the Idempotency-Key of a write when given, and every refusal turned into an EInvoiceApiError (a request that got no
 * answer too, as NETWORK_ERROR, retryable). No state besides its options.
 */
export function createTransport(options: TransportOptions): Transport {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: {
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
      ...(options.csrfToken === undefined ? {} : { "x-csrf-token": options.csrfToken }),
      ...(options.language === undefined ? {} : { "accept-language": options.language }),
      ...options.headers,
    },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
  // The actions are typed by the generated options; the raw call is the same for every operation.
  const request = client.request as unknown as RawRequest;
  return {
    async call(operationId: string, operation: OperationInfo, input: ActionInput): Promise<unknown> {
      const header = operation.idempotent && input.idempotencyKey !== undefined ? { "idempotency-key": input.idempotencyKey } : undefined;
      let answer: Awaited<ReturnType<RawRequest>>;
      try {
        answer = await request(operation.method, operation.path, {
          params: { ...(input.params === undefined ? {} : { path: input.params }), ...(input.query === undefined ? {} : { query: input.query }), ...(header === undefined ? {} : { header }) },
          ...(input.body === undefined ? {} : { body: input.body }),
          ...(input.headers === undefined ? {} : { headers: input.headers }),
          ...(input.signal === undefined ? {} : { signal: input.signal }),
          parseAs: operation.answer === "json" ? "json" : operation.answer === "text" ? "text" : "arrayBuffer",
        });
      } catch (cause) {
        if (cause instanceof EInvoiceApiError || (cause instanceof Error && cause.name === "AbortError")) throw cause;
        throw new EInvoiceApiError(0, "NETWORK_ERROR", `no answer from ${options.baseUrl}: ${cause instanceof Error ? cause.message : String(cause)}`, {}, { retryable: true, operationId, cause });
      }
      if (!answer.response.ok) throw errorFromAnswer(answer.response, answer.error, operationId);
      return operation.answer === "bytes" ? new Uint8Array(answer.data as ArrayBuffer) : answer.data;
    },
  };
}
