import { expect } from "chai";

import type { KeyHolderRow } from "../../api/db/api-keys";
import { KeyHolderCache } from "../../api/db/key-holder-cache";

/** The cache of API key holders on its own: what it serves from memory, and when it must not. */
describe("KeyHolderCache", () => {
  const holder = (scope: string): KeyHolderRow => ({ revokedAt: null, expiresAt: null, scope, party: undefined, status: "Active" });

  /** A database stand-in: counts reads, answers what `rows` holds now, and can hold a read open. */
  function database() {
    const rows = new Map<string, KeyHolderRow>();
    let reads = 0;
    let hold: Promise<void> | undefined;
    return {
      rows,
      get reads() {
        return reads;
      },
      holdNextRead(): () => void {
        let release!: () => void;
        hold = new Promise((resolve) => (release = resolve));
        return release;
      },
      read: async (keyHash: string) => {
        reads += 1;
        const answer = rows.get(keyHash);
        const held = hold;
        hold = undefined;
        if (held !== undefined) await held;
        return answer;
      },
    };
  }

  it("serves a holder from memory only while it hears of every change", async () => {
    const db = database();
    db.rows.set("a", holder("full"));
    const cache = new KeyHolderCache(db.read, 10);
    await cache.find("a");
    await cache.find("a");
    expect(db.reads, "not listening: every request reads").to.equal(2);
    cache.setListening(true);
    await cache.find("a");
    expect(await cache.find("a")).to.deep.equal(holder("full"));
    expect(db.reads).to.equal(3);
    db.rows.set("a", holder("read"));
    cache.setListening(false);
    expect(await cache.find("a"), "the connection lost: read again, not what was held").to.deep.equal(holder("read"));
    cache.setListening(true);
    expect(await cache.find("a")).to.deep.equal(holder("read"));
  });

  it("forgets everything on a change, and does not remember a read that was under way when it came", async () => {
    const db = database();
    db.rows.set("a", holder("full"));
    const cache = new KeyHolderCache(db.read, 10);
    cache.setListening(true);
    await cache.find("a");
    db.rows.set("a", { ...holder("full"), revokedAt: new Date(0) });
    cache.invalidate();
    expect((await cache.find("a"))?.revokedAt).to.deep.equal(new Date(0));

    // A read that started before a change (it may have read the old row) is answered but not remembered.
    db.rows.set("b", holder("full"));
    const release = db.holdNextRead();
    const reading = cache.find("b");
    db.rows.set("b", holder("read"));
    cache.invalidate();
    release();
    expect((await reading)?.scope).to.equal("full");
    expect((await cache.find("b"))?.scope, "read again after the change").to.equal("read");
  });

  it("never remembers an unknown key, holds at most its size (the oldest goes first), and with size 0 nothing", async () => {
    const db = database();
    const cache = new KeyHolderCache(db.read, 2);
    cache.setListening(true);
    expect(await cache.find("guess")).to.equal(undefined);
    expect(cache.size).to.equal(0);
    for (const key of ["a", "b", "c"]) db.rows.set(key, holder(key));
    for (const key of ["a", "b", "c"]) await cache.find(key);
    expect(cache.size).to.equal(2);
    const before = db.reads;
    await cache.find("c");
    await cache.find("b");
    expect(db.reads, "b and c held").to.equal(before);
    await cache.find("a");
    expect(db.reads, "a was pushed out").to.equal(before + 1);

    const off = new KeyHolderCache(db.read, 0);
    off.setListening(true);
    await off.find("a");
    await off.find("a");
    expect(off.size).to.equal(0);
  });
});
