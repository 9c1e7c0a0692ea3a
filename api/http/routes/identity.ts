import { z } from "zod";

import { describeMe } from "../../services/identity";
import { address } from "../schemas/common";
import { adminActionsQuery, adminActionView, meView, replacementKeyBody } from "../schemas/identity";
import { identityExamples } from "../schemas/identity-examples";
import { apiKeyInfo } from "../schemas/views";
import { defineRoute, errorBody, type RouteKit } from "../route";

/**
 * Identity: "who am I" for every role, and the bureau's way out for a party locked out of the API (a
 * replacement key, recorded in its log of administrative actions, which it reads here).
 */
export function identityRoutes(kit: RouteKit): void {
  const { parties, apiKeys } = kit.ctx.services;
  const { client } = kit.ctx;

  defineRoute(kit, {
    method: "get",
    path: "/v1/me",
    operationId: "getMe",
    summary: "Who am I: account, role, names, taxpayer ID, employer, status on the registry, and keys (never secrets)",
    tag: "identity",
    access: ["bureau", "merchant", "enterprise", "individual"],
    responses: { 200: { description: "The party this key belongs to", schema: meView } },
    examples: identityExamples.me,
    async handle({ party, credential }) {
      return { status: 200, body: await describeMe({ parties, apiKeys, client }, party!, credential?.keyHash) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/participants/{account}/api-keys",
    operationId: "issueReplacementApiKey",
    summary: "Issue a replacement API key to a party that lost or revoked its own (bureau; recorded in the log of administrative actions)",
    tag: "identity",
    access: ["bureau"],
    // A retry after a lost answer gets the same key (sealed in the stored answer), not a second key and record.
    idempotent: true,
    params: z.strictObject({ account: address }),
    body: replacementKeyBody,
    responses: {
      201: { description: "The key, shown once, and the record of the action (which never holds the key)", schema: z.object({ apiKey: z.string(), info: apiKeyInfo, action: adminActionView }) },
      409: { description: "PARTICIPANT_REVOKED_FINAL: revocation on the registry is final; a key would open nothing", schema: errorBody },
    },
    examples: identityExamples.replacementKey,
    async handle({ party, params, body }) {
      const issued = await apiKeys.issueReplacement(party!, params.account, { label: body.label ?? "replacement", reason: body.reason, scope: body.scope, expiresAt: body.expiresAt });
      return { status: 201, body: issued };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/admin-actions",
    operationId: "listAdminActions",
    summary: "The log of administrative actions on parties (replacement keys): who, to whom, when, why (bureau)",
    tag: "identity",
    access: ["bureau"],
    query: adminActionsQuery,
    responses: { 200: { description: "Actions, oldest first", schema: z.object({ actions: z.array(adminActionView) }) } },
    examples: identityExamples.adminActions,
    async handle({ query }) {
      return { status: 200, body: { actions: await apiKeys.adminActions({ subject: query.account, action: query.action, after: query.after, limit: query.limit }) } };
    },
  });
}
