/**
 * What the generated actions (generated/operations.ts) need of a transport, and the options every call takes.
 * Kept apart from the transport itself so that the generated code depends on types only.
 */
export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

/** One operation as the generated table describes it. */
export interface OperationInfo {
  method: HttpMethod;
  /** OpenAPI form: /v1/invoices/{id} */
  path: string;
  /** The roles whose API key may call it, or "public" (no key). */
  roles: readonly string[] | "public";
  /** Whether it honours an Idempotency-Key. */
  idempotent: boolean;
  /** How its success answer is read: JSON, bytes (a PDF) or text (XML). */
  answer: "json" | "bytes" | "text";
  /** The error codes its documented refusals name. */
  errorCodes: readonly string[];
}

/** Options of any call. */
export interface CallOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Extra request headers (a client's own Request-Id, Accept-Language for one call). */
  headers?: Record<string, string>;
}

/** Options of a write the API makes idempotent: the same key sent again gets the first answer. */
export interface IdempotentOptions {
  idempotencyKey?: string;
}

/** What an action sends: its path parameters, query and body, as the generated options type holds them. */
export interface ActionInput extends CallOptions, IdempotentOptions {
  params?: object;
  query?: object;
  body?: unknown;
}

/** Calls one operation; rejects with EInvoiceApiError on any refusal or failure. */
export interface Transport {
  call(operationId: string, operation: OperationInfo, input: ActionInput): Promise<unknown>;
}
