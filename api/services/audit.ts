import type { Logger } from "pino";

import type { LedgerClient } from "../chain/ledger-client";
import { insertRefusedAttempt, listRefusedAttempts, type RefusedAttempt, type RefusedAttemptFilter } from "../db/audit";
import type { Db } from "../db/database";
import { forbidden } from "../errors";
import type { Party } from "./parties";

/**
 * The tax bureau's audit of refused lifecycle attempts. The error handler hands it every refusal (4xx) of a
 * lifecycle route by an authenticated party (api/http/audited-actions.ts says which routes); it records who,
 * which action, which invoice (or credit note and its invoice), the status and the code. Nothing of the
 * request's body is ever given to it. Recording never changes the answer: a write that fails or takes too
 * long is logged, and the refusal is answered as it would have been.
 */
export interface Refusal {
  party: { account: string; role: string };
  action: string;
  subject: { kind: "invoice" | "credit-note"; id: string } | undefined;
  status: number;
  code: string;
}

export interface AuditDeps {
  db: Db;
  client: Pick<LedgerClient, "ledger">;
  logger: Logger;
  /** How long an answer waits for its refusal to be recorded before it goes out anyway. */
  writeTimeoutMs?: number;
}

export function createAudit({ db, client, logger, writeTimeoutMs = 2_000 }: AuditDeps) {
  /** A credit note's invoice, as the ledger has it; undefined for an unknown note or when the ledger does not answer. */
  async function invoiceOfNote(creditNoteId: string): Promise<string | undefined> {
    try {
      const note = await client.ledger.creditNote(creditNoteId);
      return Number(note.status) === 0 ? undefined : note.invoice.toLowerCase();
    } catch {
      return undefined;
    }
  }

  async function write(refusal: Refusal): Promise<void> {
    const { subject } = refusal;
    await insertRefusedAttempt(db, {
      account: refusal.party.account,
      role: refusal.party.role,
      action: refusal.action,
      invoiceId: subject === undefined ? undefined : subject.kind === "invoice" ? subject.id : await invoiceOfNote(subject.id),
      creditNoteId: subject?.kind === "credit-note" ? subject.id : undefined,
      status: refusal.status,
      code: refusal.code,
    });
  }

  return {
    /** Records a refusal; resolves (never rejects) once it is written, has failed, or has taken too long. */
    async record(refusal: Refusal): Promise<void> {
      const what = { action: refusal.action, code: refusal.code, account: refusal.party.account };
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), writeTimeoutMs)));
      const written = write(refusal).then(
        () => "written" as const,
        (error: unknown) => {
          logger.error({ err: error, ...what }, "audit: a refused attempt could not be recorded");
          return "failed" as const;
        },
      );
      try {
        if ((await Promise.race([written, late])) === "late") logger.warn({ ...what, timeoutMs: writeTimeoutMs }, "audit: recording a refused attempt is slow; answering without waiting for it");
      } finally {
        clearTimeout(timer);
      }
    },

    /** The bureau's reading of the audit, oldest first. */
    async list(viewer: Party, filter: RefusedAttemptFilter): Promise<RefusedAttempt[]> {
      if (viewer.role !== "bureau") throw forbidden("only the tax bureau reads the audit", { role: viewer.role, allowedRoles: ["bureau"] });
      return listRefusedAttempts(db, filter);
    },
  };
}

export type Audit = ReturnType<typeof createAudit>;
