import { expect } from "chai";

import { GroupCommit, type GroupItem } from "../../lib/group-commit";

/** lib/group-commit.ts: groups grow with the load, never beyond their bounds, and every item is settled. */
describe("group commit sized by load", () => {
  /** A committer whose groups finish only when the test releases them, recording each group it was given. */
  function gatedCommitter() {
    const groups: number[][] = [];
    const gates: (() => void)[] = [];
    const commit = async (group: GroupItem<number, number>[]) => {
      groups.push(group.map((item) => item.value));
      await new Promise<void>((release) => gates.push(release));
      for (const item of group) item.resolve(item.value * 10);
    };
    const releaseAll = () => gates.splice(0).forEach((release) => release());
    return { groups, commit, releaseAll };
  }
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it("sends what arrives together as one group, and collects later arrivals while that group is in flight", async () => {
    const { groups, commit, releaseAll } = gatedCommitter();
    const committer = new GroupCommit(commit, { maxGroup: 100, inFlight: 1 });
    const first = [1, 2, 3].map((n) => committer.submit(n));
    await turn();
    const later = [4, 5].map((n) => committer.submit(n));
    await turn();
    await turn();
    expect(groups).to.deep.equal([[1, 2, 3]]);
    releaseAll();
    expect(await Promise.all(first)).to.deep.equal([10, 20, 30]);
    await turn();
    expect(groups).to.deep.equal([[1, 2, 3], [4, 5]]);
    releaseAll();
    expect(await Promise.all(later)).to.deep.equal([40, 50]);
  });

  it("keeps at most `inFlight` groups committing and at most `maxGroup` items in a group", async () => {
    const { groups, commit, releaseAll } = gatedCommitter();
    const committer = new GroupCommit(commit, { maxGroup: 3, inFlight: 2 });
    const all = Array.from({ length: 10 }, (_, n) => committer.submit(n));
    await turn();
    expect(groups).to.deep.equal([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    while (groups.flat().length < 10) {
      releaseAll();
      await turn();
      await turn();
    }
    releaseAll();
    expect(await Promise.all(all)).to.deep.equal(Array.from({ length: 10 }, (_, n) => n * 10));
    expect(groups.every((group) => group.length <= 3)).to.equal(true);
  });

  it("fails a group's items when its commit throws without settling them, and goes on with the next", async () => {
    let calls = 0;
    const committer = new GroupCommit<number, number>(
      async (group) => {
        calls += 1;
        if (calls === 1) throw new Error("the database is gone");
        for (const item of group) item.resolve(item.value);
      },
      { maxGroup: 10, inFlight: 1 },
    );
    const failed = committer.submit(1).then(
      () => expect.fail("should have failed"),
      (error: Error) => expect(error.message).to.equal("the database is gone"),
    );
    await turn();
    const next = committer.submit(2);
    await failed;
    expect(await next).to.equal(2);
  });

  it("refuses bounds below one", () => {
    expect(() => new GroupCommit(async () => undefined, { maxGroup: 0, inFlight: 1 })).to.throw(RangeError);
    expect(() => new GroupCommit(async () => undefined, { maxGroup: 1, inFlight: 0 })).to.throw(RangeError);
  });
});
