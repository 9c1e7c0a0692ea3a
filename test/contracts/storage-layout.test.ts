import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { artifacts } from "hardhat";

import { layoutProblems, resolveLayout, type LayoutVariable, type SolcStorageLayout, type StorageLayoutSnapshot } from "./helpers/storage-layout";

/**
 * Storage of the upgradeable contracts is append-only (docs/upgrades.md): this build's layout of each contract is
 * checked against the layout of the last release, committed in `storage-layouts/`. The schedule of
 * {DelayedUpgrades} lives in an ERC-7201 namespace; the probe contract declares it as a variable so that its members
 * are checked the same way.
 *
 * At a release, record the new layouts (written only when they keep the rule):
 *   STORAGE_LAYOUT_UPDATE=1 npx hardhat test test/contracts/storage-layout.test.ts
 */
const SNAPSHOTS = join(__dirname, "storage-layouts");
const CHECKED = {
  InvoiceLedger: "contracts/InvoiceLedger.sol:InvoiceLedger",
  ParticipantRegistry: "contracts/ParticipantRegistry.sol:ParticipantRegistry",
  DelayedUpgradesStorage: "contracts/test/StorageLayoutProbe.sol:StorageLayoutProbe",
} as const;

async function buildLayout(qualifiedName: string): Promise<LayoutVariable[]> {
  const [source, name] = qualifiedName.split(":") as [string, string];
  const buildInfo = await artifacts.getBuildInfo(qualifiedName);
  const layout = (buildInfo?.output.contracts[source]?.[name] as { storageLayout?: SolcStorageLayout } | undefined)?.storageLayout;
  if (layout === undefined) throw new Error(`no storage layout for ${qualifiedName} in the build (hardhat.config.ts selects storageLayout)`);
  return resolveLayout(layout);
}

function released(name: string): StorageLayoutSnapshot {
  return JSON.parse(readFileSync(join(SNAPSHOTS, `${name}.json`), "utf8")) as StorageLayoutSnapshot;
}

describe("storage layout of the upgradeable contracts", () => {
  for (const [name, qualifiedName] of Object.entries(CHECKED)) {
    it(`${name}: this build keeps every variable of the released layout where it was`, async () => {
      const current = await buildLayout(qualifiedName);
      const file = join(SNAPSHOTS, `${name}.json`);
      if (process.env.STORAGE_LAYOUT_UPDATE === "1" && !existsSync(file)) {
        writeFileSync(file, `${JSON.stringify({ contract: qualifiedName, storage: current }, null, 2)}\n`);
      }
      expect(existsSync(file), `${file} is missing: record it with STORAGE_LAYOUT_UPDATE=1`).to.equal(true);
      expect(layoutProblems(released(name).storage, current)).to.deep.equal([]);
      if (process.env.STORAGE_LAYOUT_UPDATE === "1") writeFileSync(file, `${JSON.stringify({ contract: qualifiedName, storage: current }, null, 2)}\n`);
    });
  }

  it("accepts the test successor InvoiceLedgerV2, which appends one variable", async () => {
    const v2 = await buildLayout("contracts/test/InvoiceLedgerV2.sol:InvoiceLedgerV2");
    const ledger = released("InvoiceLedger").storage;
    expect(layoutProblems(ledger, v2)).to.deep.equal([]);
    expect(v2.map((v) => v.label)).to.deep.equal([...ledger.map((v) => v.label), "_upgradeNote"]);
  });

  describe("the rule itself, on changes of the released ledger layout", () => {
    const ledger = () => structuredClone(released("InvoiceLedger").storage);
    const at = (layout: LayoutVariable[], label: string) => layout.find((v) => v.label === label)!;

    it("refuses a variable inserted before released ones, which moves them", () => {
      const changed = ledger();
      const index = changed.findIndex((v) => v.label === "_nextNumber");
      const moved = changed.slice(index).map((v) => ({ ...v, slot: String(Number(v.slot) + 1) }));
      const inserted: LayoutVariable = { label: "_inserted", slot: changed[index]!.slot, offset: 0, type: { label: "uint256", encoding: "inplace", numberOfBytes: "32" } };
      const problems = layoutProblems(ledger(), [...changed.slice(0, index), inserted, ...moved]);
      expect(problems).to.have.length(2);
      expect(problems[0]).to.match(/^_nextNumber was at slot 9/);
    });

    it("refuses a removed variable, a retyped one and two swapped ones", () => {
      expect(layoutProblems(ledger(), ledger().slice(0, -1))).to.deep.equal(["_issuancePeriod (slot 9, offset 5) was removed"]);
      const retyped = ledger();
      at(retyped, "_nextNumber").type = { label: "uint48", encoding: "inplace", numberOfBytes: "6" };
      expect(layoutProblems(ledger(), retyped)).to.deep.equal(["_nextNumber changed type from uint40 to uint48"]);
      const swapped = ledger();
      [swapped[2], swapped[3]] = [{ ...swapped[3]!, slot: "2" }, { ...swapped[2]!, slot: "3" }];
      expect(layoutProblems(ledger(), swapped)).to.have.length(2);
    });

    it("refuses a renamed variable and a member inserted into a struct", () => {
      const renamed = ledger();
      at(renamed, "_records").label = "_recordsByNumber";
      expect(layoutProblems(ledger(), renamed)).to.have.length(1);
      const inserted = ledger();
      const record = at(inserted, "_records").type.value!;
      record.members!.splice(1, 0, { label: "issuedAt", slot: "0", offset: 24, type: { label: "uint48", encoding: "inplace", numberOfBytes: "6" } });
      expect(layoutProblems(ledger(), inserted)).to.deep.include("_records[value].total was at slot 0, offset 24; that place now holds issuedAt at slot 0, offset 24");
    });

    it("accepts appended variables and a member appended to a struct kept in a mapping", () => {
      const appended = ledger();
      appended.push({ label: "_later", slot: "10", offset: 0, type: { label: "uint256", encoding: "inplace", numberOfBytes: "32" } });
      const record = at(appended, "_records").type.value!;
      record.members!.push({ label: "issuedAt", slot: "1", offset: 0, type: { label: "uint48", encoding: "inplace", numberOfBytes: "6" } });
      record.numberOfBytes = "64";
      expect(layoutProblems(ledger(), appended)).to.deep.equal([]);
    });

    it("refuses a grown struct where it is stored inline before other variables", () => {
      const base = released("DelayedUpgradesStorage").storage;
      const schedule = structuredClone(base[0]!);
      const grown = structuredClone(schedule);
      grown.type.members!.push({ label: "extra", slot: "1", offset: 0, type: { label: "uint256", encoding: "inplace", numberOfBytes: "32" } });
      grown.type.numberOfBytes = "64";
      const after: LayoutVariable = { label: "_after", slot: "1", offset: 0, type: { label: "uint256", encoding: "inplace", numberOfBytes: "32" } };
      // Last of its list (as in its namespace): it may grow. Followed by another variable: it may not.
      expect(layoutProblems([schedule], [grown])).to.deep.equal([]);
      expect(layoutProblems([schedule, after], [grown, { ...after, slot: "2" }])).to.have.length(2);
    });
  });
});
