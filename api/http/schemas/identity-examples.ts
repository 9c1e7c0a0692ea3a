import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_KEY, exampleError } from "./example-cast";

/**
 * The examples of the identity routes (routes/identity.ts) and the identity parts of the participant and key
 * routes, in the story of example-cast.ts: the restaurant asks who it is, 张三 lost his phone and the bureau
 * gives him a new key, a colleague who left cannot get one.
 */
const { bureau, merchant, enterprise, employee, colleague } = EXAMPLE_CAST;

/** A private person the bureau registers: nobody's employee. */
export const EXAMPLE_INDIVIDUAL = { account: "0xB9b487e31cbA05c74D660B8053684bAdC012dDF9", name: "王小明" } as const;

/** The expiry of the story's read-only key; test/api/api.openapi-examples.test.ts sends a time as far ahead of its own clock. */
export const EXAMPLE_EXPIRY = "2027-05-25T00:00:00.000Z";

const createdAt = "2026-11-25T02:00:00.000Z";
export const exampleKeyInfo = (changes: Record<string, unknown> = {}) => ({ keyId: "14f50b1c039f", label: "first key", scope: "full", createdAt, expiresAt: null, revokedAt: null, ...changes });
const tillKey = exampleKeyInfo({ keyId: EXAMPLE_KEY.keyId, label: EXAMPLE_KEY.label, createdAt: "2026-11-25T02:05:00.000Z" });

const replacement = { keyId: "9b51e07d2c44", label: "replacement", scope: "full", createdAt: "2026-11-25T11:20:00.000Z", expiresAt: null, revokedAt: null };
const lostPhone = "lost his phone with the key; identity checked at the Nanshan tax service hall, ticket 20261125-017";
const replacementAction = {
  id: "7",
  at: replacement.createdAt,
  actor: bureau.account,
  actorRole: "bureau",
  action: "issue-replacement-key",
  subject: employee.account,
  keyId: replacement.keyId,
  reason: lostPhone,
  details: { label: replacement.label, scope: replacement.scope, expiresAt: null },
};

export const identityExamples = {
  me: {
    merchant: {
      summary: "The restaurant asks who it is: its account, taxpayer ID, status and keys",
      as: "merchant",
      status: 200,
      response: {
        account: merchant.account,
        role: "merchant",
        name: merchant.name,
        taxpayerId: merchant.taxpayerId,
        registeredBy: bureau.account,
        createdAt,
        status: "Active",
        key: exampleKeyInfo(),
        keys: [exampleKeyInfo(), tillKey],
      },
    },
    employee: {
      summary: "张三 asks who he is: his account, his employer, his status and keys",
      as: "individual",
      status: 200,
      response: {
        account: employee.account,
        role: "individual",
        name: employee.name,
        employeeNumber: employee.employeeNumber,
        employer: { account: enterprise.account, name: enterprise.name },
        registeredBy: enterprise.account,
        createdAt,
        status: "Active",
        key: exampleKeyInfo({ keyId: "eeaa6c5ec1d2" }),
        keys: [exampleKeyInfo({ keyId: "eeaa6c5ec1d2" })],
      },
    },
    bureau: {
      summary: "The bureau's officer asks who it is",
      as: "bureau",
      status: 200,
      response: { account: bureau.account, role: "bureau", name: bureau.name, registeredBy: null, createdAt, status: "Active", key: exampleKeyInfo({ keyId: "0c2f4d7e9a11", label: "bootstrap" }), keys: [exampleKeyInfo({ keyId: "0c2f4d7e9a11", label: "bootstrap" })] },
    },
  },
  replacementKey: {
    "lost-phone": {
      summary: "张三 lost his phone and with it his only key: the bureau gives him a new one",
      as: "bureau",
      params: { account: employee.account },
      body: { reason: lostPhone },
      status: 201,
      response: { apiKey: "eil_9b51e07d2c44_q0WnF8uVh2yS6bT1cXa4Jz7kM3pRdL5e", info: replacement, action: replacementAction },
    },
    revoked: {
      summary: "李四 left the company, which revoked his account: revocation is final, so no key",
      as: "bureau",
      params: { account: colleague.account },
      body: { reason: "asks for access to his old invoices" },
      status: 409,
      response: exampleError("PARTICIPANT_REVOKED_FINAL", { account: colleague.account }),
    },
  },
  adminActions: {
    party: {
      summary: "The bureau reads what was done to 张三's access",
      as: "bureau",
      query: { account: employee.account },
      status: 200,
      response: { actions: [replacementAction] },
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
