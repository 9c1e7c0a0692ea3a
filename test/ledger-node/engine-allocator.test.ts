import { setTimeout as delay } from "node:timers/promises";

import { expect } from "chai";

import { giveBackFreedLater } from "../../ledger-node/chain/engine-allocator";

/**
 * Giving EDR's allocator the chance to return freed memory: after a dropped engine, not once but a few times, a
 * purge delay apart (a 1 M-invoice engine's memory was not all due by the first give-back).
 */
describe("engine allocator: giving freed memory back", function () {
  it("gives back the number of times asked, each a wait apart, and then stops", async () => {
    const asked: { at: number; method: string; size: number }[] = [];
    const started = Date.now();
    const engine = {
      // Refused, as EDR refuses it: giveBackFreed ignores the refusal, the free of its parameter is what counts.
      request: <T>(method: string, params: unknown[] = []): Promise<T> => {
        asked.push({ at: Date.now() - started, method, size: String(params[0]).length });
        return Promise.reject(new Error("refused"));
      },
    };
    giveBackFreedLater(engine, { rounds: 3, waitMs: 40 });
    await delay(400);
    expect(asked.map(({ method }) => method)).to.deep.equal(["eth_chainId", "eth_chainId", "eth_chainId"]);
    // A parameter EDR copies and frees as whole pages of its own (8 MB).
    expect(asked.every(({ size }) => size === 8 * 2 ** 20)).to.equal(true);
    // Each after the wait, the next a wait after the one before.
    expect(asked[0]!.at).to.be.at.least(35);
    for (let i = 1; i < asked.length; i++) expect(asked[i]!.at - asked[i - 1]!.at).to.be.at.least(35);
  });
});
