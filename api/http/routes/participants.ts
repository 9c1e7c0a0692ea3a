import { z } from "zod";

import { address, name, period, quotaFen } from "../schemas/common";
import { newApiKeyBody, registerParticipantBody } from "../schemas/identity";
import { participantListQuery } from "../schemas/participant-list";
import { participantExamples } from "../schemas/participant-examples";
import { apiKeyInfo, partyView, quotaView, registeredView } from "../schemas/views";
import { defineRoute, errorBody, type RouteKit } from "../route";

/** Participants, their API keys, and merchants' quotas. */
export function participantRoutes(kit: RouteKit): void {
  const { parties, apiKeys } = kit.ctx.services;
  const accountParam = z.strictObject({ account: address });

  defineRoute(kit, {
    method: "post",
    path: "/v1/participants",
    operationId: "registerParticipant",
    summary: "Register a merchant or an enterprise under its taxpayer ID, or an individual who is nobody's employee (bureau)",
    tag: "participants",
    access: ["bureau"],
    idempotent: true,
    body: registerParticipantBody,
    responses: { 201: { description: "Registered on chain (an individual: only its account); the API key is shown once", schema: registeredView }, 409: { description: "TAXPAYER_ID_TAKEN", schema: errorBody } },
    examples: participantExamples.register,
    async handle({ party, body }) {
      const registered = body.role === "individual" ? await parties.registerIndividual(party!, body) : await parties.registerOrganisation(party!, body);
      const { apiKey } = await apiKeys.issue(registered.account, "first key");
      return { status: 201, body: { participant: registered, apiKey } };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/employees",
    operationId: "registerEmployee",
    summary: "Register an employee (enterprise); only an account goes on chain",
    tag: "participants",
    access: ["enterprise"],
    idempotent: true,
    body: z.strictObject({ name, employeeNumber: z.string().trim().min(1).max(64).optional() }).meta({ id: "RegisterEmployee" }),
    responses: { 201: { description: "Registered on chain; the API key is shown once", schema: registeredView } },
    examples: participantExamples.registerEmployee,
    async handle({ party, body }) {
      const registered = await parties.registerEmployee(party!, body);
      const { apiKey } = await apiKeys.issue(registered.account, "first key");
      return { status: 201, body: { participant: registered, apiKey } };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/participants",
    operationId: "listParticipants",
    summary: "List participants (bureau: all; enterprise: its employees), by role, registry status or a search text (name, taxpayer ID, account)",
    tag: "participants",
    access: ["bureau", "enterprise"],
    query: participantListQuery,
    responses: { 200: { description: "Participants", schema: z.object({ participants: z.array(partyView) }) } },
    examples: participantExamples.list,
    async handle({ party, query }) {
      return { status: 200, body: { participants: await parties.list(party!, query) } };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/participants/{account}",
    operationId: "getParticipant",
    summary: "One participant (bureau, the party itself, or its employer)",
    tag: "participants",
    access: ["bureau", "merchant", "enterprise", "individual"],
    params: accountParam,
    responses: { 200: { description: "The participant", schema: partyView } },
    examples: participantExamples.get,
    async handle({ party, params }) {
      return { status: 200, body: await parties.visibleTo(party!, params.account) };
    },
  });

  for (const action of ["suspend", "reinstate", "revoke"] as const) {
    defineRoute(kit, {
      method: "post",
      path: `/v1/participants/{account}/${action}`,
      operationId: `${action}Participant`,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a participant (bureau; an enterprise for its employees)`,
      tag: "participants",
      access: ["bureau", "enterprise"],
      params: accountParam,
      responses: { 200: { description: "Done on chain", schema: z.object({ transactionHash: z.string() }) }, 409: { description: "INVALID_STATE", schema: errorBody } },
      examples: participantExamples[action],
      async handle({ party, params }) {
        return { status: 200, body: await parties.setStatus(party!, params.account, action) };
      },
    });
  }

  defineRoute(kit, {
    method: "put",
    path: "/v1/merchants/{account}/quotas/{period}",
    operationId: "setQuota",
    summary: "Set a merchant's issuance quota for a tax period (bureau)",
    tag: "participants",
    access: ["bureau"],
    params: z.strictObject({ account: address, period }),
    body: z.strictObject({ granted: quotaFen }).meta({ id: "SetQuota" }),
    responses: { 200: { description: "The quota now", schema: quotaView } },
    examples: participantExamples.setQuota,
    async handle({ party, params, body }) {
      return { status: 200, body: await parties.setQuota(party!, params.account, params.period, body.granted) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/merchants/{account}/quotas/{period}",
    operationId: "getQuota",
    summary: "A merchant's quota and use in a tax period (bureau, the merchant)",
    tag: "participants",
    access: ["bureau", "merchant"],
    params: z.strictObject({ account: address, period }),
    responses: { 200: { description: "Granted and used (fen)", schema: quotaView } },
    examples: participantExamples.quota,
    async handle({ party, params }) {
      return { status: 200, body: await parties.quota(party!, params.account, params.period) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/api-keys",
    operationId: "createApiKey",
    summary: "Issue another API key for yourself: full (default) or read-only, with an expiry or without",
    tag: "api keys",
    access: ["bureau", "merchant", "enterprise", "individual"],
    // A client retrying after a lost answer gets the same key, not a second one (the secret is sealed in the stored answer).
    idempotent: true,
    body: newApiKeyBody,
    responses: { 201: { description: "The key, shown once", schema: z.object({ apiKey: z.string(), info: apiKeyInfo }) } },
    examples: participantExamples.newKey,
    async handle({ party, body }) {
      return { status: 201, body: await apiKeys.issue(party!.account, body.label, { scope: body.scope, expiresAt: body.expiresAt }) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/api-keys",
    operationId: "listApiKeys",
    summary: "List your API keys with their scope and expiry (without secrets)",
    tag: "api keys",
    access: ["bureau", "merchant", "enterprise", "individual"],
    responses: { 200: { description: "Keys", schema: z.object({ keys: z.array(apiKeyInfo) }) } },
    examples: participantExamples.keys,
    async handle({ party }) {
      return { status: 200, body: { keys: await apiKeys.list(party!.account) } };
    },
  });

  defineRoute(kit, {
    method: "delete",
    path: "/v1/api-keys/{keyId}",
    operationId: "revokeApiKey",
    summary: "Revoke one of your API keys (a read-only key: only itself)",
    tag: "api keys",
    access: ["bureau", "merchant", "enterprise", "individual"],
    params: z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{12}$/) }),
    responses: { 200: { description: "Revoked", schema: apiKeyInfo } },
    examples: participantExamples.revokeKey,
    async handle({ party, params, credential }) {
      // The key the request came with, or the one its console session was opened with: a read-only key's session may revoke only that key.
      return { status: 200, body: await apiKeys.revoke(party!, params.keyId, credential === undefined ? undefined : await apiKeys.presented(credential.keyHash)) };
    },
  });
}
