import { sql } from "kysely";

import { checksummedAccount } from "../indexer/events";
import type { Db } from "./database";

/**
 * The audit of refused lifecycle attempts (`refused_attempts`): the only module that reads or writes it. A row
 * says who (account, role) tried which action on which invoice or credit note, when, and the status and code
 * it was refused with; never anything of the request's body.
 */
export interface NewRefusedAttempt {
  account: string;
  role: string;
  action: string;
  invoiceId: string | undefined;
  creditNoteId: string | undefined;
  status: number;
  code: string;
}

export interface RefusedAttempt {
  id: string;
  at: string;
  account: string;
  role: string;
  action: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  creditNoteId: string | null;
  status: number;
  code: string;
}

/** Records one refusal; the invoice's number comes from the event index, when it knows the invoice. */
export async function insertRefusedAttempt(db: Db, attempt: NewRefusedAttempt): Promise<void> {
  const invoiceId = attempt.invoiceId?.toLowerCase() ?? null;
  await db
    .insertInto("refused_attempts")
    .values({
      account: attempt.account.toLowerCase(),
      role: attempt.role,
      action: attempt.action,
      invoice_id: invoiceId,
      invoice_number: invoiceId === null ? null : (eb) => eb.selectFrom("invoices").select("number").where("id", "=", invoiceId),
      credit_note_id: attempt.creditNoteId?.toLowerCase() ?? null,
      status: attempt.status,
      code: attempt.code,
    })
    .execute();
}

export interface RefusedAttemptFilter {
  invoiceId?: string | undefined;
  account?: string | undefined;
  action?: string | undefined;
  code?: string | undefined;
  /** Only rows after this id (the last id of the previous page). */
  after?: string | undefined;
  limit: number;
}

/** Refused attempts in the order they were recorded, filtered. */
export async function listRefusedAttempts(db: Db, filter: RefusedAttemptFilter): Promise<RefusedAttempt[]> {
  const { invoiceId, account, action, code, after } = filter;
  const rows = await db
    .selectFrom("refused_attempts")
    .selectAll()
    .$if(invoiceId !== undefined, (q) => q.where("invoice_id", "=", invoiceId!.toLowerCase()))
    .$if(account !== undefined, (q) => q.where("account", "=", account!.toLowerCase()))
    .$if(action !== undefined, (q) => q.where("action", "=", action!))
    .$if(code !== undefined, (q) => q.where("code", "=", code!))
    .$if(after !== undefined, (q) => q.where("id", ">", after!))
    .orderBy("id")
    .limit(filter.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    account: checksummedAccount(row.account),
    role: row.role,
    action: row.action,
    invoiceId: row.invoice_id,
    invoiceNumber: row.invoice_number,
    creditNoteId: row.credit_note_id,
    status: row.status,
    code: row.code,
  }));
}

/** One invoice's refused reimbursement attempts, with what the event index says of the invoice now. */
export interface RepeatedAttempts {
  invoiceId: string;
  number: string | null;
  state: string | null;
  seller: string | null;
  holder: string | null;
  /** The enterprise the invoice is locked at, or was reimbursed or filed by. */
  enterprise: string | null;
  attempts: number;
  firstAt: string;
  lastAt: string;
  /** Who tried, accounts lowercase. */
  accounts: string[];
  codes: string[];
  /** The enterprises involved: enterprises that tried, the employers of employees that tried, and the invoice's enterprise. */
  enterprises: string[];
}

/**
 * Invoices whose submission or reimbursement was refused at least `minAttempts` times, or at all once the
 * invoice was reimbursed (or filed), or by parties of more than one enterprise: an invoice someone tried to
 * reimburse twice. Those involving several enterprises first, then by number of attempts.
 */
export async function repeatedReimbursementAttempts(db: Db, options: { actions: readonly string[]; minAttempts: number; limit: number }): Promise<RepeatedAttempts[]> {
  const { rows } = await sql<{
    invoice_id: string;
    number: string | null;
    state: string | null;
    seller: string | null;
    holder: string | null;
    enterprise: string | null;
    attempts: string;
    first_at: Date;
    last_at: Date;
    accounts: string[];
    codes: string[];
    enterprises: string[];
  }>`
    WITH attempts AS (
      SELECT r.invoice_id, r.account, r.code, r.at, CASE WHEN r.role = 'enterprise' THEN r.account ELSE p.employer END AS enterprise
      FROM refused_attempts r LEFT JOIN participants p ON p.account = r.account
      WHERE r.invoice_id IS NOT NULL AND r.action = any(${options.actions}::text[])
    ), grouped AS (
      SELECT invoice_id, count(*) AS attempts, min(at) AS first_at, max(at) AS last_at,
        array_agg(DISTINCT account ORDER BY account) AS accounts,
        array_agg(DISTINCT code ORDER BY code) AS codes,
        array_remove(array_agg(DISTINCT enterprise), NULL) AS enterprises
      FROM attempts GROUP BY invoice_id
    ), found AS (
      SELECT g.invoice_id, i.number, i.state, i.seller, i.holder, i.enterprise, g.attempts, g.first_at, g.last_at, g.accounts, g.codes,
        ARRAY(SELECT DISTINCT e FROM unnest(g.enterprises || i.enterprise) AS e WHERE e IS NOT NULL ORDER BY e) AS enterprises
      FROM grouped g LEFT JOIN invoices i ON i.id = g.invoice_id
    )
    SELECT * FROM found
    WHERE attempts >= ${options.minAttempts} OR state IN ('Reimbursed', 'Filed') OR cardinality(enterprises) > 1
    ORDER BY cardinality(enterprises) > 1 DESC, attempts DESC, last_at DESC, invoice_id
    LIMIT ${options.limit}
  `.execute(db);
  return rows.map((row) => ({
    invoiceId: row.invoice_id,
    number: row.number,
    state: row.state,
    seller: row.seller,
    holder: row.holder,
    enterprise: row.enterprise,
    attempts: Number(row.attempts),
    firstAt: row.first_at.toISOString(),
    lastAt: row.last_at.toISOString(),
    accounts: row.accounts,
    codes: row.codes,
    enterprises: row.enterprises,
  }));
}

/** How many times each merchant was refused for its quota between `from` and `to`, by merchant (lowercase). */
export async function quotaRefusals(db: Db, range: { from: Date; to: Date; code: string }): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("refused_attempts")
    .select(["account", (eb) => eb.fn.countAll<string>().as("refusals")])
    .where("code", "=", range.code)
    .where("at", ">=", range.from)
    .where("at", "<", range.to)
    .groupBy("account")
    .execute();
  return new Map(rows.map((row) => [row.account, Number(row.refusals)]));
}
