import { getAddress } from "ethers";

import type { LedgerClient } from "../chain/ledger-client";
import { forbidden } from "../errors";
import type { Invoices } from "./invoices";
import type { Parties, Party } from "./parties";

/**
 * The bureau's ways out for invoices stranded with a suspended or revoked party (IInvoiceLedger, "Stranded
 * invoices"): release a lock held by an enterprise that can no longer act, give an invoice whose holder can no
 * longer act to another holder, and settle a pending credit note for a confirming enterprise or a seller that can
 * no longer act. Each is a transaction from the officer's own account; the ledger checks that the party it steps
 * in for is not active (409 PARTY_ACTIVE otherwise).
 */
export interface SettlementDeps {
  client: LedgerClient;
  parties: Parties;
  invoices: Invoices;
}

export function createSettlement({ client, parties, invoices }: SettlementDeps) {
  function requireBureau(actor: Party): void {
    if (actor.role !== "bureau") throw forbidden("only the tax bureau may settle stranded invoices", { role: actor.role, allowedRoles: ["bureau"] });
  }

  return {
    /** A `Locked` invoice whose locking enterprise is suspended or revoked goes back to `Issued`, with its holder. */
    async release(bureau: Party, id: string) {
      requireBureau(bureau);
      await parties.sendAs(bureau, await client.ledger.release.populateTransaction(id));
      return invoices.view(bureau, id, { justActed: true });
    },

    /** An `Issued` invoice whose holder is suspended or revoked goes to `to`, an active employee or enterprise. */
    async reassign(bureau: Party, id: string, to: string) {
      requireBureau(bureau);
      await parties.sendAs(bureau, await client.ledger.reassign.populateTransaction(id, getAddress(to)));
      return invoices.view(bureau, id, { justActed: true });
    },

    /** Confirms a pending credit note for a confirming enterprise that is no longer active, or cancels one for a
     * seller that is no longer active. */
    async settleCreditNote(bureau: Party, creditNoteId: string, outcome: "confirm" | "cancel") {
      requireBureau(bureau);
      const populate = outcome === "confirm" ? client.ledger.confirmReversal : client.ledger.cancelReversal;
      await parties.sendAs(bureau, await populate.populateTransaction(creditNoteId));
      return invoices.creditNoteView(bureau, creditNoteId);
    },
  };
}

export type Settlement = ReturnType<typeof createSettlement>;
