import { checksummedAccount } from "../indexer/events";
import type { Db } from "./database";

/**
 * The bureau's log of administrative actions on parties (`admin_actions`): the only module that reads or
 * writes it. A row says who (account, role) did which action to which party, when and why, the key it made
 * (by its id) and the values it set; never a key's secret.
 */
export type AdminActionName = "issue-replacement-key";

export interface NewAdminAction {
  actor: { account: string; role: string };
  action: AdminActionName;
  subject: string;
  keyId: string | null;
  reason: string;
  details: Record<string, string | null>;
}

export interface AdminAction {
  id: string;
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  subject: string;
  keyId: string | null;
  reason: string;
  details: Record<string, unknown>;
}

type AdminActionRow = { id: string; at: Date; actor: string; actor_role: string; action: string; subject: string; key_id: string | null; reason: string; details: Record<string, unknown> };

const viewOf = (row: AdminActionRow): AdminAction => ({
  id: row.id,
  at: row.at.toISOString(),
  actor: checksummedAccount(row.actor),
  actorRole: row.actor_role,
  action: row.action,
  subject: checksummedAccount(row.subject),
  keyId: row.key_id,
  reason: row.reason,
  details: row.details,
});

/** Records one action; `db` may be the transaction that does it, so that the action and its record go together. */
export async function insertAdminAction(db: Db, action: NewAdminAction): Promise<AdminAction> {
  const row = await db
    .insertInto("admin_actions")
    .values({
      actor: action.actor.account.toLowerCase(),
      actor_role: action.actor.role,
      action: action.action,
      subject: action.subject.toLowerCase(),
      key_id: action.keyId,
      reason: action.reason,
      details: JSON.stringify(action.details),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return viewOf(row);
}

export interface AdminActionFilter {
  subject?: string | undefined;
  action?: AdminActionName | undefined;
  /** Only rows after this id (the last id of the previous page). */
  after?: string | undefined;
  limit: number;
}

/** Administrative actions in the order they were done, filtered. */
export async function listAdminActions(db: Db, filter: AdminActionFilter): Promise<AdminAction[]> {
  const { subject, action, after } = filter;
  const rows = await db
    .selectFrom("admin_actions")
    .selectAll()
    .$if(subject !== undefined, (q) => q.where("subject", "=", subject!.toLowerCase()))
    .$if(action !== undefined, (q) => q.where("action", "=", action!))
    .$if(after !== undefined, (q) => q.where("id", ">", after!))
    .orderBy("id")
    .limit(filter.limit)
    .execute();
  return rows.map(viewOf);
}
