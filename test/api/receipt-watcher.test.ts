import { expect } from "chai";

import { ApiError } from "../../api/errors";
import { ReceiptWatcher, type RawReceipt } from "../../api/chain/receipt-watcher";

/** Receipts awaited through one watch of the head: what is asked of the node, and when each wait ends. */
describe("ReceiptWatcher", () => {
  /** A node stand-in: a head, receipts by hash, and a count of what was asked. */
  function chain() {
    const state = { head: 10, receipts: new Map<string, RawReceipt>(), asked: { blockNumber: 0, receipt: new Map<string, number>() }, failing: undefined as Error | undefined };
    const rpc = async <T>(method: string, params: unknown[]): Promise<T> => {
      if (state.failing !== undefined) throw state.failing;
      if (method === "eth_blockNumber") {
        state.asked.blockNumber += 1;
        return `0x${state.head.toString(16)}` as T;
      }
      const hash = params[0] as string;
      state.asked.receipt.set(hash, (state.asked.receipt.get(hash) ?? 0) + 1);
      return (state.receipts.get(hash) ?? null) as T;
    };
    return { state, rpc };
  }
  const receiptIn = (block: number): RawReceipt => ({ status: "0x1", blockNumber: `0x${block.toString(16)}`, logs: [] });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("answers a transaction already in a block at once, and asks for a receipt again only when a block has come", async () => {
    const { state, rpc } = chain();
    const watcher = new ReceiptWatcher(rpc, 2);
    state.receipts.set("0xa", receiptIn(10));
    expect(await watcher.receipt("0xa")).to.deep.equal(receiptIn(10));

    const waiting = watcher.receipt("0xb");
    await pause(30);
    expect(state.asked.receipt.get("0xb"), "asked once at head 10, not at every round").to.equal(1);
    expect(state.asked.blockNumber).to.be.greaterThan(3);
    const again = watcher.receipt("0xb"); // a second caller of the same transaction shares the wait
    state.head = 11;
    state.receipts.set("0xb", receiptIn(11));
    expect(await waiting).to.deep.equal(receiptIn(11));
    expect(await again).to.deep.equal(receiptIn(11));
    expect(state.asked.receipt.get("0xb")).to.equal(2);
    // Nothing waits: the node is no longer asked.
    const asked = state.asked.blockNumber;
    await pause(20);
    expect(state.asked.blockNumber).to.equal(asked);
  });

  it("gives up with a retryable NOT_CONFIRMED naming the transaction, and passes the node's failures on as API errors", async () => {
    const { state, rpc } = chain();
    const watcher = new ReceiptWatcher(rpc, 2, 30);
    const late = await watcher.receipt("0xc").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(late).to.be.instanceOf(ApiError);
    expect((late as ApiError).code).to.equal("NOT_CONFIRMED");
    expect((late as ApiError).status).to.equal(503);
    expect((late as ApiError).details).to.deep.equal({ transactionHash: "0xc" });

    state.failing = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
    const refused = await new ReceiptWatcher(rpc, 2).receipt("0xd").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(ApiError);
    expect((refused as ApiError).status).to.equal(503);
  });
});
