import type { Db } from "../db/database";
import { allErasures, eraseDocumentRows, erasuresNotApplied, findErasure, listErasures, type Erasure, type ErasureEntry, type ErasureFilter } from "../db/erasures";
import { isToIndividual } from "../domain/personal-fields";
import { conflict, forbidden, notFound } from "../errors";
import { erasedRecord, type DocumentStore } from "./documents";
import type { ErasureRegister } from "./erasure-register";
import type { InvoiceView, Invoices } from "./invoices";
import type { Party } from "./parties";
import type { Outbox } from "../webhooks/outbox";

/**
 * Erasure of an individual buyer's personal data on a lawful request (PIPL 个人信息保护法 Art. 47, the right
 * to deletion), without losing the invoice: tax rules (发票管理办法) require the invoice record itself to be
 * kept, so its number, amounts, organisations, states and history stay, on chain and in the index; only the
 * individual's personal data goes (api/domain/personal-fields.ts: the buyer's name and the remarks).
 *
 * The bureau erases; the erasure is written to the register first (erasure-register.ts, what backups are
 * reconciled with), then done in the database in one transaction (api/db/erasures.ts): the document's data key
 * and salt deleted, the ciphertext and the request fingerprint taken out of its record, the stored answers that
 * held it deleted, the bureau's record written. Afterwards the invoice still verifies by number + check code +
 * total, its trace is unchanged, its lifecycle goes on (a claim uses the commitment the record keeps), and the
 * seal on chain links to nothing anyone can recompute.
 */
export interface ErasureRequest {
  /** The legal basis, a short code, e.g. PIPL-47. */
  basis: string;
  /** The bureau's reference of the person's request, a short code. */
  requestReference: string;
}

export interface ErasureDeps {
  db: Db;
  register: ErasureRegister;
  invoices: Pick<Invoices, "view">;
  documents: Pick<DocumentStore, "get">;
  /** The webhook outbox: invoice.erased is written with the bureau's record of the erasure, in its transaction. */
  outbox?: Pick<Outbox, "writeErasure">;
  /** Told after an erasure was recorded (the webhook worker delivers at once). */
  onErased?: () => void;
}

export function createErasure({ db, register, invoices, documents, outbox, onErased }: ErasureDeps) {
  const requireBureau = (party: Party) => {
    if (party.role !== "bureau") throw forbidden("only the tax bureau erases personal data", { role: party.role, allowedRoles: ["bureau"] });
  };

  return {
    /** Erases the invoice's personal fields; the invoice as the bureau now reads it. Erasing again answers the same. */
    async erase(bureau: Party, id: string, request: ErasureRequest): Promise<InvoiceView> {
      requireBureau(bureau);
      // An id the ledger does not know (or a credit note's) is 404, like every unknown object.
      await invoices.view(bureau, id);
      const stored = await documents.get(id);
      if (stored === undefined || stored.kind !== "invoice") throw notFound("invoice");
      if (!isToIndividual(stored.document)) throw conflict("NOTHING_TO_ERASE", "an invoice to an organisation holds no personal data", { id: id.toLowerCase(), buyer: "organisation" });
      if ((await erasuresNotApplied(db, [id])).length > 0) {
        // The bureau's first record of this erasure stands (an erasure applied again after a restore keeps it).
        const erasure: Erasure = register.get(id) ??
          (await findErasure(db, id)) ?? { id: id.toLowerCase(), erasedAt: new Date().toISOString(), erasedBy: bureau.account, basis: request.basis, requestReference: request.requestReference };
        await register.append([erasure]);
        await eraseDocumentRows(db, erasure, erasedRecord, outbox === undefined ? undefined : (trx) => outbox.writeErasure(trx, id, erasure));
        onErased?.();
      }
      return invoices.view(bureau, id);
    },

    /** The bureau's record of erasures, oldest first. */
    async list(bureau: Party, filter: ErasureFilter): Promise<ErasureEntry[]> {
      requireBureau(bureau);
      return listErasures(db, filter);
    },
  };
}

export type ErasureService = ReturnType<typeof createErasure>;

/**
 * Brings the database and the register to the same erasures, before the API serves (and in `npm run restore`):
 * every erasure the register lists and the database does not fully hold (a restored backup taken before it) is
 * done again; every erasure the database holds and the register lacks (made by an instance with another data
 * directory) is appended to it.
 */
export async function applyErasureRegister(db: Db, register: ErasureRegister): Promise<{ applied: number; registered: number }> {
  const pending = await erasuresNotApplied(db, register.entries().map((erasure) => erasure.id));
  for (const id of pending) await eraseDocumentRows(db, register.get(id)!, erasedRecord);
  const unregistered = (await allErasures(db)).filter((erasure) => !register.has(erasure.id));
  await register.append(unregistered);
  return { applied: pending.length, registered: unregistered.length };
}
