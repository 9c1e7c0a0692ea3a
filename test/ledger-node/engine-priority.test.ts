import { expect } from "chai";

import { EnginePriority, urgentEngine } from "../../ledger-node/chain/engine-priority";
import type { EngineCall, EvmEngine } from "../../ledger-node/chain/evm-engine";

/** Urgent work on the engine (mining, admission, the start's replay) and the background (the snapshot's tracing). */
describe("EnginePriority: urgent work before the background", () => {
  it("keeps the background waiting while any urgent work runs, and lets it go when the last ends", async () => {
    const priority = new EnginePriority();
    const releases: (() => void)[] = [];
    const first = priority.urgently(() => new Promise<void>((resolve) => releases.push(resolve)));
    const second = priority.urgently(() => new Promise<void>((resolve) => releases.push(resolve)));
    let idle = false;
    const waiting = priority.whenIdle().then(() => (idle = true));
    releases[0]!();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(priority.busy, "one urgent task still runs").to.equal(true);
    expect(idle).to.equal(false);
    releases[1]!();
    await second;
    await waiting;
    expect(priority.busy).to.equal(false);
  });

  it("ends urgent work that fails as well, and passes its failure on", async () => {
    const priority = new EnginePriority();
    let failure: unknown;
    await priority.urgently(() => Promise.reject(new Error("refused"))).catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal("refused");
    expect(priority.busy).to.equal(false);
  });

  it("makes every request and batch through an urgent engine urgent while the engine runs it", async () => {
    const priority = new EnginePriority();
    const seen: [string, boolean][] = [];
    const engine: EvmEngine = {
      request: async <T>(method: string) => {
        seen.push([method, priority.busy]);
        return method as T;
      },
      batch: async <T extends unknown[]>(calls: readonly EngineCall[]) => {
        seen.push([calls.map(([method]) => method).join("+"), priority.busy]);
        return calls.map(([method]) => method) as T;
      },
    };
    const urgent = urgentEngine(engine, priority);
    expect(await urgent.request("evm_mine")).to.equal("evm_mine");
    expect(await urgent.batch([["eth_blockNumber", []], ["eth_chainId", []]])).to.deep.equal(["eth_blockNumber", "eth_chainId"]);
    await engine.request("debug_traceTransaction");
    expect(seen).to.deep.equal([
      ["evm_mine", true],
      ["eth_blockNumber+eth_chainId", true],
      ["debug_traceTransaction", false],
    ]);
  });
});
