/**
 * The lifecycle routes whose refusals go into the bureau's audit (api/services/audit.ts), by method and
 * OpenAPI path, with the action's name and what the path's `{id}` names. One table, so that the route modules
 * need not know about the audit; test/api/api.audit.test.ts checks that each entry is a route the API has.
 */
export const AUDITED_ACTIONS = {
  "post /v1/invoices": { action: "issue", subject: undefined },
  "post /v1/invoices/batch": { action: "issue-batch", subject: undefined },
  "post /v1/invoices/{id}/claim": { action: "claim", subject: "invoice" },
  "post /v1/claims": { action: "claim-by-number", subject: undefined },
  "post /v1/forward": { action: "forward", subject: undefined },
  "post /v1/invoices/{id}/transfer": { action: "transfer", subject: "invoice" },
  "post /v1/invoices/{id}/submit": { action: "submit", subject: "invoice" },
  "post /v1/invoices/{id}/reject": { action: "reject", subject: "invoice" },
  "post /v1/invoices/{id}/reimburse": { action: "reimburse", subject: "invoice" },
  "post /v1/invoices/{id}/file": { action: "file", subject: "invoice" },
  "post /v1/invoices/{id}/freeze": { action: "freeze", subject: "invoice" },
  "post /v1/invoices/{id}/unfreeze": { action: "unfreeze", subject: "invoice" },
  "post /v1/invoices/{id}/release": { action: "release", subject: "invoice" },
  "post /v1/invoices/{id}/reassign": { action: "reassign", subject: "invoice" },
  "post /v1/invoices/{id}/reversals": { action: "reverse", subject: "invoice" },
  "post /v1/credit-notes/{id}/confirm": { action: "confirm-reversal", subject: "credit-note" },
  "post /v1/credit-notes/{id}/cancel": { action: "cancel-reversal", subject: "credit-note" },
  "post /v1/credit-notes/{id}/settle": { action: "settle-reversal", subject: "credit-note" },
  "post /v1/invoices/{id}/erase": { action: "erase", subject: "invoice" },
} as const satisfies Record<string, { action: string; subject: "invoice" | "credit-note" | undefined }>;

export type AuditedAction = (typeof AUDITED_ACTIONS)[keyof typeof AUDITED_ACTIONS]["action"];
export const AUDITED_ACTION_NAMES = Object.values(AUDITED_ACTIONS).map((entry) => entry.action) as [AuditedAction, ...AuditedAction[]];

/** What the route helper notes for the error handler when a party calls an audited route. */
export interface AuditedAttempt {
  party: { account: string; role: string };
  action: AuditedAction;
  subject: { kind: "invoice" | "credit-note"; id: string } | undefined;
}

/** The audit entry of a route, if it has one. */
export function auditedAction(method: string, path: string): (typeof AUDITED_ACTIONS)[keyof typeof AUDITED_ACTIONS] | undefined {
  return (AUDITED_ACTIONS as Record<string, (typeof AUDITED_ACTIONS)[keyof typeof AUDITED_ACTIONS]>)[`${method} ${path}`];
}

/** The path's id as the audit keeps it: only a well-formed one (lowercase), never whatever a client put there. */
export function auditedId(raw: unknown): string | undefined {
  return typeof raw === "string" && /^0x[0-9a-fA-F]{64}$/.test(raw) ? raw.toLowerCase() : undefined;
}
