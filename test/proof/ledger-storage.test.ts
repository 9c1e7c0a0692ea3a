import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { REVERSAL_REASONS as DOCUMENT_REASONS } from "../../api/domain/invoice-document";
import { STATES } from "../../api/indexer/events";
import { CREDIT_NOTE_STATUSES as API_NOTE_STATUSES } from "../../api/indexer/events";
import { CREDIT_NOTE_STATUSES, INVOICE_STATES, LEDGER_LAYOUT, REVERSAL_REASONS } from "../../lib/proof/ledger-storage";

interface LayoutEntry {
  label: string;
  slot: string;
  type: { value?: { members?: { label: string; slot: string; offset: number; type: { numberOfBytes: string } }[] } };
}

/**
 * The storage layout lib/proof reads records with is the contract's: held to the layout solc reports for the
 * release (the file test/contracts/storage-layout.test.ts keeps the contract to), member by member, so a change of
 * either fails here rather than in a bundle that proves the wrong bytes.
 */
describe("proof bundles: the ledger's storage layout", () => {
  const layout = JSON.parse(readFileSync(join(__dirname, "..", "contracts", "storage-layouts", "InvoiceLedger.json"), "utf8")) as { storage: LayoutEntry[] };

  it("places every mapping and member where the compiled contract does", () => {
    for (const [label, mapping] of Object.entries(LEDGER_LAYOUT)) {
      const entry = layout.storage.find((e) => e.label === label);
      expect(entry, label).to.not.equal(undefined);
      expect(BigInt(entry!.slot), label).to.equal(mapping.slot);
      const members = Object.fromEntries((entry!.type.value?.members ?? []).map((m) => [m.label, { word: Number(m.slot), offset: m.offset, bytes: Number(m.type.numberOfBytes) }]));
      expect(mapping.members, label).to.deep.equal(members);
    }
  });

  it("names states, credit note statuses and reversal reasons as the API does, in the contract's order", () => {
    expect([...INVOICE_STATES]).to.deep.equal([...STATES]);
    expect(CREDIT_NOTE_STATUSES.slice(1)).to.deep.equal(API_NOTE_STATUSES.slice(1));
    expect([...REVERSAL_REASONS]).to.deep.equal([...DOCUMENT_REASONS]);
  });
});
