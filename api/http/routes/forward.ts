import { z } from "zod";

import { claimCallBody, forwardAnswer, forwardDomainView, forwardRequestBody } from "../schemas/self-custody";
import { forwardExamples } from "../schemas/self-custody-examples";
import { defineRoute, errorBody, type RouteKit } from "../route";

/**
 * Requests a party signed with its own key, relayed through the ledger's ERC-2771 forwarder (services/forwarding.ts):
 * what to sign, the data of a claim, and the relay itself.
 */
export function forwardRoutes(kit: RouteKit): void {
  const { forwarding } = kit.ctx.services;
  const everyone = ["bureau", "merchant", "enterprise", "individual"] as const;

  defineRoute(kit, {
    method: "get",
    path: "/v1/forward/domain",
    operationId: "getForwardDomain",
    summary: "What to sign for POST /v1/forward: the forwarder's EIP-712 domain and types, your next nonce, the targets and the calls your role may relay",
    tag: "self custody",
    access: [...everyone],
    responses: { 200: { description: "The domain, types and your nonce", schema: forwardDomainView } },
    examples: forwardExamples.domain,
    async handle({ party }) {
      return { status: 200, body: await forwarding.domain(party!) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/forward/claim-data",
    operationId: "prepareClaimForward",
    summary: "The call data of a claim, for you to sign as a forward request: the ledger's claim needs the invoice's commitment and the claim code's signature naming you (employee or enterprise)",
    tag: "self custody",
    access: ["individual", "enterprise"],
    body: claimCallBody,
    responses: {
      200: { description: "The target and the call's data", schema: z.object({ to: z.string(), data: z.string() }).meta({ id: "ForwardCall" }) },
      404: { description: "NOT_FOUND: no invoice has this id and claim code (each wrong part reads alike)", schema: errorBody },
    },
    examples: forwardExamples.claimData,
    async handle({ party, body }) {
      return { status: 200, body: await forwarding.claimCall(party!, body.invoiceId, body.claimCode) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/forward",
    operationId: "forwardRequest",
    summary: "Relay a lifecycle action you signed with your own key (an EIP-712 ForwardRequest); the ledger records you as the actor. Answers as the action's own route would, once in a block and indexed",
    tag: "self custody",
    access: [...everyone],
    idempotent: true,
    body: forwardRequestBody,
    responses: {
      200: { description: "Done; the invoice (or credit note) now, or a registry call's transaction", schema: forwardAnswer },
      403: { description: "FORWARD_SIGNER_MISMATCH: the request's from is not your account; or the role may not use this route", schema: errorBody },
      409: { description: "FORWARD_REPLAYED (the nonce was used), FORWARD_NONCE_AHEAD; the ledger's refusals of the action (INVALID_STATE, ALREADY_CLAIMED, ...)", schema: errorBody },
      422: {
        description: "FORWARD_TARGET_NOT_ALLOWED, FORWARD_CALL_NOT_ALLOWED (not a lifecycle action of your role), FORWARD_VALUE_NOT_ZERO, FORWARD_GAS_TOO_HIGH, FORWARD_EXPIRED, FORWARD_SIGNATURE_INVALID; the ledger's rules (BUYER_MISMATCH, ...)",
        schema: errorBody,
      },
    },
    examples: forwardExamples.forward,
    async handle({ party, body }) {
      return { status: 200, body: await forwarding.forward(party!, body.request, body.signature) };
    },
  });
}
