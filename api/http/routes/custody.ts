import { z } from "zod";

import { custodyChangeView, custodyChangesQuery, custodyView, signingView, toHostedCustodyBody, toSelfCustodyBody } from "../schemas/self-custody";
import { custodyExamples } from "../schemas/self-custody-examples";
import { defineRoute, errorBody, type RouteKit } from "../route";

/** Who holds a party's chain key, changing it, and the record of changes (services/custody.ts says why it works so). */
export function custodyRoutes(kit: RouteKit): void {
  const { custody } = kit.ctx.services;
  const everyone = ["bureau", "merchant", "enterprise", "individual"] as const;

  defineRoute(kit, {
    method: "get",
    path: "/v1/custody",
    operationId: "getCustody",
    summary: "Your custody (hosted: the API holds your key; self: you do), and what to sign to change it",
    tag: "self custody",
    access: [...everyone],
    responses: { 200: { description: "Your custody", schema: custodyView.extend({ signing: signingView }) } },
    examples: custodyExamples.get,
    async handle({ party }) {
      const signing = custody.signing();
      return { status: 200, body: { ...(await custody.get(party!)), signing: { ...signing, domain: { ...signing.domain, chainId: Number(signing.domain.chainId) } } } };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/custody/key",
    operationId: "exportCustodyKey",
    summary: "Step one of keeping your own key: a copy of your hosted key (employees and enterprises); nothing changes until you prove you hold it (POST /v1/custody/self)",
    tag: "self custody",
    access: [...everyone],
    responses: {
      200: { description: "Your account's private key", schema: z.object({ account: z.string(), privateKey: z.string() }).meta({ id: "ExportedKey" }) },
      409: { description: "SELF_CUSTODY: the API holds no key of yours", schema: errorBody },
      422: { description: "CUSTODY_NOT_AVAILABLE: merchants and the bureau stay hosted", schema: errorBody },
    },
    examples: custodyExamples.exportKey,
    async handle({ party }) {
      return { status: 200, body: await custody.exportKey(party!) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/custody/self",
    operationId: "switchToSelfCustody",
    summary: "Keep your own key: with your signature of a CustodyChange to self, the API deletes its copy and records the change; from then on you act through POST /v1/forward",
    tag: "self custody",
    access: [...everyone],
    body: toSelfCustodyBody,
    responses: {
      200: { description: "Your custody now", schema: custodyView },
      409: { description: "CUSTODY_UNCHANGED: self already; SIGNATURE_REPLAYED", schema: errorBody },
      422: { description: "SIGNATURE_INVALID, SIGNATURE_EXPIRED, CUSTODY_NOT_AVAILABLE", schema: errorBody },
    },
    examples: custodyExamples.toSelf,
    async handle({ party, body }) {
      return { status: 200, body: await custody.toSelf(party!, body) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/custody/hosted",
    operationId: "switchToHostedCustody",
    summary: "Let the API hold your key again: hand it the key (it cannot sign without it); the change is recorded",
    tag: "self custody",
    access: [...everyone],
    body: toHostedCustodyBody,
    responses: {
      200: { description: "Your custody now", schema: custodyView },
      409: { description: "CUSTODY_UNCHANGED: hosted already", schema: errorBody },
      422: { description: "CUSTODY_KEY_MISMATCH: not your account's key; CUSTODY_NOT_AVAILABLE", schema: errorBody },
    },
    examples: custodyExamples.toHosted,
    async handle({ party, body }) {
      return { status: 200, body: await custody.toHosted(party!, body.privateKey) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/custody/changes",
    operationId: "listCustodyChanges",
    summary: "The record of custody changes: who changed which party's custody, when, from what to what (bureau: every party's; anyone else: its own)",
    tag: "self custody",
    access: [...everyone],
    query: custodyChangesQuery,
    responses: { 200: { description: "Changes in record order", schema: z.object({ changes: z.array(custodyChangeView) }) } },
    examples: custodyExamples.changes,
    async handle({ party, query }) {
      return { status: 200, body: { changes: await custody.changes(party!, { account: query.account, after: query.after === undefined ? undefined : BigInt(query.after), limit: query.limit }) } };
    },
  });
}
