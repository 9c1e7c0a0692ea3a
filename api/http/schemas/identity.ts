import { z } from "zod";

import { MAX_KEY_LIFETIME_DAYS } from "../../services/api-keys";
import { address, name, pageQuery, taxpayerId } from "./common";
import { apiKeyInfo } from "./views";

/**
 * The identity routes' schemas (routes/identity.ts, and the key and registration routes of routes/participants.ts):
 * key scopes and expiry, registering an organisation or an individual, "who am I", the bureau's log of
 * administrative actions.
 */
const DAY_MS = 24 * 3600 * 1000;

export const keyScope = z.enum(["read", "full"]).meta({ description: "read: reads only, every write is refused (403 KEY_READ_ONLY); full: whatever the role may do. Default full" });

export const keyLabel = z.string().trim().min(1).max(64);

/**
 * When a key stops working: an ISO date-time with its offset, in the future and at most MAX_KEY_LIFETIME_DAYS
 * ahead (a key that must last longer is one without an expiry, revoked when done). Normalised to UTC.
 */
export const keyExpiry = z
  .string()
  .regex(
    /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$/,
    "an ISO date-time with an offset, e.g. 2027-05-25T00:00:00Z",
  )
  .transform((text, context) => {
    const [year, month, date] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
    const at = Date.parse(text);
    if (new Date(Date.UTC(year, month - 1, date)).getUTCDate() !== date || !Number.isFinite(at)) {
      context.addIssue({ code: "custom", message: "no such day" });
      return z.NEVER;
    }
    const now = Date.now();
    if (at <= now) {
      context.addIssue({ code: "custom", message: "not in the future: a key's expiry must lie ahead" });
      return z.NEVER;
    }
    if (at > now + MAX_KEY_LIFETIME_DAYS * DAY_MS) {
      context.addIssue({ code: "custom", message: `at most ${MAX_KEY_LIFETIME_DAYS} days ahead (for longer, leave out the expiry and revoke the key when done)` });
      return z.NEVER;
    }
    return new Date(at).toISOString();
  })
  .meta({ description: `When the key stops working (then 401 API_KEY_EXPIRED): in the future, at most ${MAX_KEY_LIFETIME_DAYS} days ahead. Leave it out for a key that does not expire`, example: "2027-05-25T00:00:00Z" });

export const newApiKeyBody = z.strictObject({ label: keyLabel, scope: keyScope.optional(), expiresAt: keyExpiry.optional() }).meta({ id: "NewApiKey" });

export const replacementKeyBody = z
  .strictObject({
    reason: z.string().trim().min(1).max(500).meta({ description: "Why, and how the party was identified (kept in the log of administrative actions)" }),
    label: keyLabel.optional().meta({ description: "Default: replacement" }),
    scope: keyScope.optional(),
    expiresAt: keyExpiry.optional(),
  })
  .meta({ id: "ReplacementApiKey" });

/** The bureau registers an organisation under its taxpayer ID, or a private person (only an account goes on chain). */
export const registerParticipantBody = z
  .discriminatedUnion("role", [
    z.strictObject({ role: z.enum(["merchant", "enterprise"]), name, taxpayerId }).meta({ id: "RegisterOrganisation" }),
    z.strictObject({ role: z.literal("individual"), name }).meta({ id: "RegisterIndividual", description: "A private person who is nobody's employee: the name stays off chain" }),
  ])
  .meta({ id: "RegisterParticipant" });

export const meView = z
  .object({
    account: z.string(),
    role: z.enum(["bureau", "merchant", "enterprise", "individual"]),
    name: z.string(),
    taxpayerId: z.string().optional(),
    employeeNumber: z.string().optional(),
    employer: z.object({ account: z.string(), name: z.string().nullable() }).optional().meta({ description: "For an employee: the enterprise that registered it" }),
    registeredBy: z.string().nullable(),
    createdAt: z.string(),
    predecessor: z.string().optional(),
    status: z.enum(["Active", "Suspended", "Revoked"]).nullable().meta({ description: "On the registry (for the bureau: whether it holds the bureau role); suspended: reads only" }),
    key: apiKeyInfo.nullable().meta({ description: "The key this request was sent with (through a console session: the key it was opened with)" }),
    keys: z.array(apiKeyInfo).meta({ description: "All your keys, revoked and expired ones included; never their secrets" }),
    custody: z.enum(["hosted", "self"]).optional().meta({ description: "Who holds your chain key: the API (hosted) or you (self-custody)" }),
  })
  .meta({ id: "Me" });

export const adminActionView = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().meta({ description: "The bureau officer's account" }),
    actorRole: z.string(),
    action: z.enum(["issue-replacement-key"]),
    subject: z.string().meta({ description: "The party acted upon" }),
    keyId: z.string().nullable().meta({ description: "The key the action issued (never its secret)" }),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "AdminAction" });

export const adminActionsQuery = z.strictObject({
  account: address.optional().meta({ description: "Only actions on this party" }),
  action: z.enum(["issue-replacement-key"]).optional().meta({ description: "Only this action" }),
  after: z.string().regex(/^[0-9]{1,18}$/, "an audit entry id (digits)").optional().meta({ description: "Continue after this entry id" }),
  limit: pageQuery.limit,
});
