/**
 * The e-invoice ledger SDK: every operation of the API as a typed action over a transport (generated from the
 * API's OpenAPI document), and what generation cannot do: page iterators, webhook signature checks, signing of
 * self-custody forward requests, offline proof checks. Runs in Node 20 and browsers (fetch, no Node modules).
 */
export { createEInvoiceClient, type BoundActions, type EInvoiceClient } from "./client";
export { EInvoiceApiError, isEInvoiceApiError } from "./errors";
export { createTransport, type TransportOptions } from "./transport";
export type { ActionInput, CallOptions, IdempotentOptions, OperationInfo, Transport } from "./transport-types";
export * from "./generated/operations";
export type { components, operations, paths } from "./generated/openapi";
export { iterateInvoices, iterateParticipants, type InvoiceListItem, type ParticipantListItem } from "./pagination";
export { EInvoiceWebhookError, verifyWebhook, type VerifiedWebhook, type WebhookHeaders } from "./webhooks";
export { FORWARD_REQUEST_TYPES, FORWARDER_NAME, FORWARDER_VERSION, forwardBody, forwarderDomain, signForwardRequest, type ForwarderDomain, type ForwardRequestFields, type SignedForwardRequest } from "./forward-request";
export { actWithOwnKey, claimWithOwnKey, forwardWithOwnKey, registerWithOwnKey } from "./self-custody";
export { PROOF_REFUSALS, ProofOptionsError, verifyProofBundle, type ProofRefusalCode, type ProofVerdict, type ProvenFacts, type ProofVerifyOptions } from "./proof";
