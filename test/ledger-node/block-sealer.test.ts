import { expect } from "chai";
import pino from "pino";

import { BlockSealer } from "../../ledger-node/chain/block-sealer";
import { EnginePriority } from "../../ledger-node/chain/engine-priority";
import type { EvmEngine } from "../../ledger-node/chain/evm-engine";

const RAW = "0x02f8";
const HASH = `0x${"ab".repeat(32)}`;

/**
 * A sealer around an engine that refuses every send as already known, and answers whether it holds the transaction
 * as `holds` says. Nothing is ever sealed: the lock refuses, which stops the sealer (onFatal does nothing here).
 */
function sealerWith(holds: boolean) {
  const asked: string[] = [];
  const engine: EvmEngine = {
    request: async <T>(method: string) => {
      asked.push(method);
      if (method === "eth_sendRawTransaction") throw new Error(`Known transaction: ${HASH}`);
      if (method === "eth_getTransactionByHash") return (holds ? { hash: HASH } : null) as T;
      throw new Error(`unexpected ${method}`);
    },
    batch: async () => {
      throw new Error("unexpected batch");
    },
  };
  const refuse = async () => {
    throw new Error("no sealing in this test");
  };
  const sealer = new BlockSealer(
    engine,
    { transactionPosition: async () => undefined } as never,
    { write: refuse } as never,
    {} as never,
    {} as never,
    1,
    5,
    { number: 0, hash: HASH, parentHash: HASH, timestamp: 0, transactions: [], seal: "0x" } as never,
    pino({ level: "silent" }),
    { blockSealed: () => undefined, pending: () => undefined },
    () => undefined,
    { max: 10, maxPerSender: 10, perBlock: 10, roomGas: 60_000_000n, blocksPerSeal: 1 },
    {} as never,
    { journaled: async () => undefined },
    async () => undefined,
    new EnginePriority(),
  );
  return { sealer, asked };
}

describe("BlockSealer: a send that meets a renewed engine", () => {
  it("accepts a transaction the engine already holds (handed over with the pool while the send waited), and keeps it in the pool", async () => {
    const { sealer, asked } = sealerWith(true);
    expect(await sealer.submit(RAW, { hash: HASH, from: `0x${"11".repeat(20)}`, executable: true, nonce: 0n, gasLimit: 21_000n })).to.equal(HASH);
    expect(asked).to.deep.equal(["eth_sendRawTransaction", "eth_getTransactionByHash"]);
    expect(sealer.pendingCount).to.equal(1);
    expect(sealer.pooledTransactions()).to.deep.equal([RAW]);
  });

  it("removes a refused transaction the engine does not hold, and passes the refusal on", async () => {
    const { sealer } = sealerWith(false);
    let refusal: unknown;
    await sealer.submit(RAW, { hash: HASH, from: `0x${"11".repeat(20)}`, executable: true, nonce: 0n, gasLimit: 21_000n }).catch((error: unknown) => (refusal = error));
    expect((refusal as Error).message).to.equal(`Known transaction: ${HASH}`);
    expect(sealer.pendingCount).to.equal(0);
    expect(sealer.pooledTransactions()).to.deep.equal([]);
  });
});
