import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Level } from "level";

import type { StateDiff } from "../../ledger-node/snapshot/state-diff";
import { ChainStore, type SnapshotMark } from "../../ledger-node/store/chain-store";

const A = "0x" + "0a".repeat(20);
const B = "0x" + "0b".repeat(20);
const word = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}`;
const mark = (number: number): SnapshotMark => ({ number, hash: word(BigInt(number) + 1000n), stateRoot: word(BigInt(number) + 2000n) });

describe("ChainStore state snapshot: what a start loads", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "chain-store-snapshot-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every account with its slots, as bigints, in the form the engine takes", async () => {
    const store = await ChainStore.open(dir);
    try {
      const diff: StateDiff = new Map([
        [A, { nonce: "0x2", balance: "0x0", code: "0x6000", storage: new Map([[word(1n), word(7n)], [word(2n ** 255n), word(2n ** 256n - 1n)]]) }],
        [B, { nonce: "0x1", balance: "0x5", code: "0x", storage: new Map() }],
      ]);
      await store.writeSnapshot(mark(3), diff);
      // A later block deletes one slot and adds one.
      await store.writeSnapshot(mark(4), new Map([[A, { storage: new Map([[word(1n), null], [word(3n), word(9n)]]) }]]));
      const state = (await store.snapshotState(mark(4)))!;
      const byAddress = new Map(state.map((account) => [`0x${Buffer.from(account.address).toString("hex")}`, account]));
      expect([...byAddress.keys()].sort()).to.deep.equal([A, B]);
      expect(byAddress.get(A)).to.deep.include({ nonce: 2n, balance: 0n });
      expect(Buffer.from(byAddress.get(A)!.code!).toString("hex")).to.equal("6000");
      expect(byAddress.get(A)!.storage).to.deep.equal([{ index: 3n, value: 9n }, { index: 2n ** 255n, value: 2n ** 256n - 1n }]);
      expect(byAddress.get(B)).to.deep.include({ nonce: 1n, balance: 5n, storage: [] });
    } finally {
      await store.close();
    }
  });

  it("answers nothing for a mark the snapshot is no longer at, so a half-moved snapshot is never loaded", async () => {
    const store = await ChainStore.open(dir);
    try {
      await store.writeSnapshot(mark(3), new Map([[A, { nonce: "0x1", storage: new Map([[word(1n), word(1n)]]) }]]));
      await store.writeSnapshot(mark(5), new Map([[A, { storage: new Map([[word(1n), word(2n)]]) }]]));
      expect(await store.snapshotState(mark(3))).to.equal(undefined);
      expect(await store.snapshotState({ ...mark(5), stateRoot: word(1n) })).to.equal(undefined);
      expect((await store.snapshotState(mark(5)))![0]!.storage).to.deep.equal([{ index: 1n, value: 2n }]);
    } finally {
      await store.close();
    }
  });

  it("refuses a slot whose stored value is not a hex word, and storage of an account it does not have", async () => {
    const damages: [string, (db: Level<string, unknown>) => Promise<void>][] = [
      ["a number instead of a word", (db) => db.put(`sts:${A.slice(2)}${word(1n).slice(2)}`, 12)],
      ["a word that is not hex", (db) => db.put(`sts:${A.slice(2)}${word(1n).slice(2)}`, `0x${"zz".repeat(32)}`)],
      ["storage without its account", (db) => db.put(`sts:${B.slice(2)}${word(1n).slice(2)}`, word(1n))],
    ];
    for (const [what, damage] of damages) {
      rmSync(dir, { recursive: true, force: true });
      const store = await ChainStore.open(dir);
      await store.writeSnapshot(mark(3), new Map([[A, { nonce: "0x1", storage: new Map([[word(1n), word(1n)]]) }]]));
      await store.close();
      const db = new Level<string, unknown>(dir, { valueEncoding: "json" });
      await db.open();
      await damage(db);
      await db.close();
      const reopened = await ChainStore.open(dir);
      try {
        let refused: unknown;
        await reopened.snapshotState(mark(3)).catch((error: unknown) => (refused = error));
        expect(refused, what).to.be.instanceOf(Error);
      } finally {
        await reopened.close();
      }
    }
  });
});
