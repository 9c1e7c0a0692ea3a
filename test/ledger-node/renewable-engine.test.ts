import { expect } from "chai";

import type { EngineCall, EvmEngine } from "../../ledger-node/chain/evm-engine";
import { RenewableEngine } from "../../ledger-node/chain/renewable-engine";

/** A stand-in engine: answers each request with its own name and the method, once `release` lets it. */
function standIn(name: string, log: string[]) {
  const held: (() => void)[] = [];
  let holding = false;
  const answer = async (method: string) => {
    log.push(`${name} ${method}`);
    if (holding) await new Promise<void>((resolve) => held.push(resolve));
    return `${name}:${method}`;
  };
  const engine: EvmEngine = {
    request: <T>(method: string) => answer(method) as Promise<T>,
    batch: async <T extends unknown[]>(calls: readonly EngineCall[]) => [await answer(calls.map(([method]) => method).join("+"))] as T,
  };
  return {
    engine,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const resume of held.splice(0)) resume();
    },
  };
}

const turns = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("RenewableEngine: one engine exchanged for another, no request spanning both", () => {
  it("hands over only once the requests in flight are answered, and sends those that arrive meanwhile to the new engine", async () => {
    const log: string[] = [];
    const old = standIn("old", log);
    const next = standIn("new", log);
    const engine = new RenewableEngine(old.engine);
    old.hold();
    const inFlight = engine.request("debug_traceTransaction");
    let handedOverWith: EvmEngine | undefined;
    const replaced = engine.replace(async (current) => {
      handedOverWith = current;
      log.push("hand-over");
      return next.engine;
    });
    await turns();
    const arriving = engine.request("eth_sendRawTransaction");
    const arrivingBatch = engine.batch([["evm_mine", []], ["eth_getBlockByNumber", []]]);
    await turns();
    expect(log, "the hand-over waits for the request in flight; the new ones wait for the hand-over").to.deep.equal(["old debug_traceTransaction"]);
    old.release();
    await replaced;
    expect(handedOverWith).to.equal(old.engine);
    expect(await inFlight).to.equal("old:debug_traceTransaction");
    expect(await arriving).to.equal("new:eth_sendRawTransaction");
    expect(await arrivingBatch).to.deep.equal(["new:evm_mine+eth_getBlockByNumber"]);
    expect(log).to.deep.equal(["old debug_traceTransaction", "hand-over", "new eth_sendRawTransaction", "new evm_mine+eth_getBlockByNumber"]);
  });

  it("keeps the engine it had when the hand-over fails, passes the failure on, and opens again", async () => {
    const log: string[] = [];
    const old = standIn("old", log);
    const engine = new RenewableEngine(old.engine);
    let failure: unknown;
    await engine.replace(() => Promise.reject(new Error("the snapshot does not verify"))).catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal("the snapshot does not verify");
    expect(await engine.request("eth_blockNumber")).to.equal("old:eth_blockNumber");
  });

  it("runs two replacements one after the other, each with the engine the previous one left", async () => {
    const log: string[] = [];
    const [a, b, c] = [standIn("a", log), standIn("b", log), standIn("c", log)];
    const engine = new RenewableEngine(a.engine);
    const given: EvmEngine[] = [];
    const first = engine.replace(async (current) => {
      given.push(current);
      await turns();
      return b.engine;
    });
    const second = engine.replace(async (current) => {
      given.push(current);
      return c.engine;
    });
    await Promise.all([first, second]);
    expect(given).to.deep.equal([a.engine, b.engine]);
    expect(await engine.request("eth_chainId")).to.equal("c:eth_chainId");
  });
});
