import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_KEY, EXAMPLE_PERIOD, EXAMPLE_TRANSACTION, exampleError, exampleParticipant } from "./example-cast";
import { EXAMPLE_EXPIRY, EXAMPLE_INDIVIDUAL, exampleKeyInfo } from "./identity-examples";

/** The examples of the participant, quota and API-key routes (routes/participants.ts), in the story of example-cast.ts. */
const { bureau, merchant, enterprise, employee, colleague } = EXAMPLE_CAST;
const period = String(EXAMPLE_PERIOD);
const keyInfo = exampleKeyInfo({ keyId: EXAMPLE_KEY.keyId, label: EXAMPLE_KEY.label, createdAt: "2026-11-25T02:05:00.000Z" });
const statusChanged = { transactionHash: EXAMPLE_TRANSACTION.hash };

export const participantExamples = {
  register: {
    merchant: {
      summary: "The bureau registers a restaurant as a merchant",
      as: "bureau",
      body: { role: "merchant", name: merchant.name, taxpayerId: merchant.taxpayerId },
      status: 201,
      response: { participant: exampleParticipant("merchant"), apiKey: "eil_14f50b1c039f_M9CgWoMIm3gHZES6czff0Q0S6TdEw_qr" },
    },
    enterprise: {
      summary: "The bureau registers a company as an enterprise",
      as: "bureau",
      body: { role: "enterprise", name: enterprise.name, taxpayerId: enterprise.taxpayerId },
      status: 201,
      response: { participant: exampleParticipant("enterprise"), apiKey: "eil_52d9b7da6904_JvJC75fggImUfzsmXWnmJApggm1Bmtzf" },
    },
    individual: {
      summary: "The bureau registers a private person who is nobody's employee (only an account goes on chain)",
      as: "bureau",
      body: { role: "individual", name: EXAMPLE_INDIVIDUAL.name },
      status: 201,
      response: {
        participant: { account: EXAMPLE_INDIVIDUAL.account, role: "individual", name: EXAMPLE_INDIVIDUAL.name, registeredBy: bureau.account, createdAt: "2026-11-25T03:00:00.000Z" },
        apiKey: "eil_61c0d9a3b7e2_Hq2VbT9xLm4Nw8Zs1Kc6Pr3Yf7Dj0GaE",
      },
    },
    "taxpayer-id-taken": {
      summary: "A taxpayer ID already registered to an active organisation",
      as: "bureau",
      body: { role: "merchant", name: merchant.name, taxpayerId: merchant.taxpayerId },
      status: 409,
      response: exampleError("TAXPAYER_ID_TAKEN", { taxpayerId: merchant.taxpayerId }),
    },
  },
  registerEmployee: {
    employee: {
      summary: "The company registers its employee 张三 (only an account goes on chain)",
      as: "enterprise",
      body: { name: employee.name, employeeNumber: employee.employeeNumber },
      status: 201,
      response: { participant: exampleParticipant("employee"), apiKey: "eil_eeaa6c5ec1d2_Ggkz0cT1qfGmHfO2mK3x5wYtqZ0cJm8a" },
    },
  },
  list: {
    merchants: {
      summary: "The bureau lists merchants",
      as: "bureau",
      query: { role: "merchant", limit: "20" },
      status: 200,
      response: { participants: [exampleParticipant("merchant", { status: "Active" })] },
    },
    employees: {
      summary: "The company lists its employees",
      as: "enterprise",
      query: { role: "individual" },
      status: 200,
      response: { participants: [exampleParticipant("employee", { status: "Active" }), exampleParticipant("colleague", { status: "Active" })] },
    },
    "by-name": {
      summary: "The bureau finds a merchant by part of its name",
      as: "bureau",
      query: { role: "merchant", q: "餐饮" },
      status: 200,
      response: { participants: [exampleParticipant("merchant", { status: "Active" })] },
    },
    "by-taxpayer-id": {
      summary: "The bureau finds an organisation by its taxpayer ID (or the first characters of it)",
      as: "bureau",
      query: { q: merchant.taxpayerId },
      status: 200,
      response: { participants: [exampleParticipant("merchant", { status: "Active" })] },
    },
    "suspended-employees": {
      summary: "The company lists its suspended employees (none: both are active)",
      as: "enterprise",
      query: { status: "Suspended" },
      status: 200,
      response: { participants: [] },
    },
    "unknown-status": {
      summary: "A status the registry does not have (statuses are written as the API answers them)",
      as: "bureau",
      query: { status: "suspended" },
      status: 400,
      response: exampleError("VALIDATION_FAILED", { issues: [{ in: "query", path: "status", message: "Active, Suspended or Revoked" }] }),
    },
  },
  get: {
    employee: {
      summary: "The company reads its employee",
      as: "enterprise",
      params: { account: employee.account },
      status: 200,
      response: exampleParticipant("employee", { status: "Active" }),
    },
  },
  suspend: {
    merchant: { summary: "The bureau suspends a merchant: it may still read, but not act", as: "bureau", params: { account: merchant.account }, status: 200, response: statusChanged },
    "already-suspended": {
      summary: "Suspending a merchant that is suspended already",
      as: "bureau",
      params: { account: merchant.account },
      status: 409,
      response: exampleError("INVALID_STATE", { reason: "ParticipantRegistryInvalidStatusChange", account: merchant.account, from: "2", to: "2" }),
    },
  },
  reinstate: {
    merchant: { summary: "The bureau reinstates a suspended merchant", as: "bureau", params: { account: merchant.account }, status: 200, response: statusChanged },
    "not-suspended": {
      summary: "Reinstating a merchant that is active",
      as: "bureau",
      params: { account: merchant.account },
      status: 409,
      response: exampleError("INVALID_STATE", { reason: "ParticipantRegistryInvalidStatusChange", account: merchant.account, from: "1", to: "1" }),
    },
  },
  revoke: {
    employee: { summary: "The company revokes an employee who left", as: "enterprise", params: { account: colleague.account }, status: 200, response: statusChanged },
    "already-revoked": {
      summary: "Revoking an employee revoked already",
      as: "enterprise",
      params: { account: colleague.account },
      status: 409,
      response: exampleError("INVALID_STATE", { reason: "ParticipantRegistryInvalidStatusChange", account: colleague.account, from: "3", to: "3" }),
    },
  },
  setQuota: {
    grant: {
      summary: "The bureau grants the restaurant 1,000,000.00 yuan of invoices (incl. tax) for the period",
      as: "bureau",
      params: { account: merchant.account, period },
      body: { granted: "100000000" },
      status: 200,
      response: { granted: "100000000", used: "0" },
    },
  },
  quota: {
    own: {
      summary: "The restaurant reads its quota and what it has used",
      as: "merchant",
      params: { account: merchant.account, period },
      status: 200,
      response: { granted: "100000000", used: "20291" },
    },
  },
  newKey: {
    till: { summary: "The restaurant makes a second key for another till", as: "merchant", body: { label: EXAMPLE_KEY.label }, status: 201, response: { apiKey: EXAMPLE_KEY.apiKey, info: keyInfo } },
    "read-only-expiring": {
      summary: "The restaurant gives its accountant a read-only key that expires in six months",
      as: "merchant",
      body: { label: "accountant", scope: "read", expiresAt: EXAMPLE_EXPIRY },
      status: 201,
      response: { apiKey: "eil_5d8e2a1f0b93_Rk7YwC2nQe9LpV4xTg1Hs6Mb3Ja8Fz0U", info: exampleKeyInfo({ keyId: "5d8e2a1f0b93", label: "accountant", scope: "read", createdAt: "2026-11-25T02:10:00.000Z", expiresAt: EXAMPLE_EXPIRY }) },
    },
    "expiry-in-the-past": {
      summary: "An expiry that has passed already",
      as: "merchant",
      body: { label: "till 3", expiresAt: "2026-11-01T00:00:00Z" },
      status: 400,
      response: exampleError("VALIDATION_FAILED", { issues: [{ in: "body", path: "expiresAt", message: "not in the future: a key's expiry must lie ahead", code: "custom" }] }),
    },
  },
  keys: {
    own: {
      summary: "The restaurant lists its keys (never their secrets)",
      as: "merchant",
      status: 200,
      response: { keys: [exampleKeyInfo(), keyInfo] },
    },
  },
  revokeKey: {
    till: { summary: "The restaurant revokes the till's key", as: "merchant", params: { keyId: EXAMPLE_KEY.keyId }, status: 200, response: { ...keyInfo, revokedAt: "2026-11-25T10:00:00.000Z" } },
    "read-only-key": {
      summary: "The accountant's read-only key tries to revoke the till's key: a read-only key may revoke only itself",
      as: "merchant",
      params: { keyId: EXAMPLE_KEY.keyId },
      status: 403,
      response: exampleError("KEY_READ_ONLY"),
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
