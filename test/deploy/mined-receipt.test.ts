import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { minedReceipt, ReceiptError } from "../../lib/mined-receipt";

const HASH = `0x${"ab".repeat(32)}`;
const HEAD = 5;

/** A receipt of `HASH` in block `HEAD` as a node answers it, with `status`. */
function receipt(status: string) {
  return {
    transactionHash: HASH,
    transactionIndex: "0x0",
    blockHash: `0x${"cd".repeat(32)}`,
    blockNumber: `0x${HEAD.toString(16)}`,
    from: `0x${"11".repeat(20)}`,
    to: `0x${"22".repeat(20)}`,
    cumulativeGasUsed: "0x5208",
    gasUsed: "0x5208",
    effectiveGasPrice: "0x0",
    contractAddress: null,
    logs: [],
    logsBloom: `0x${"00".repeat(256)}`,
    status,
    type: "0x0",
  };
}

/**
 * A chain whose head never moves (a node that seals only when there is something to seal, once the transaction's
 * block is sealed), and which has the transaction's receipt from its `after`-th receipt request on: the case where
 * ethers' `wait()` asks before the block and then waits for a next block that never comes.
 */
async function idleChain(after: number, status = "0x1"): Promise<{ url: string; receiptRequests(): number; server: Server }> {
  let requests = 0;
  const answer = (call: { id: number; method: string }) => {
    if (call.method === "eth_chainId") return { jsonrpc: "2.0", id: call.id, result: "0x1" };
    if (call.method === "eth_blockNumber") return { jsonrpc: "2.0", id: call.id, result: `0x${HEAD.toString(16)}` };
    if (call.method === "eth_getTransactionReceipt") return { jsonrpc: "2.0", id: call.id, result: ++requests >= after ? receipt(status) : null };
    return { jsonrpc: "2.0", id: call.id, error: { code: -32601, message: `no ${call.method} here` } };
  };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const parsed = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[];
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)));
    });
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, receiptRequests: () => requests, server };
}

/** The ReceiptError `work` is refused with (the test fails if it resolves, or fails otherwise). */
async function refusalOf(work: Promise<unknown>): Promise<ReceiptError> {
  const outcome = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).to.be.instanceOf(ReceiptError);
  return outcome as ReceiptError;
}

describe("minedReceipt: a transaction's receipt on a chain that may stay idle", function () {
  this.timeout(20_000);
  const servers: Server[] = [];
  const providers: JsonRpcProvider[] = [];
  const connect = async (after: number, status?: string) => {
    const chain = await idleChain(after, status);
    servers.push(chain.server);
    const provider = new JsonRpcProvider(chain.url, 1, { staticNetwork: true });
    providers.push(provider);
    return { provider, chain };
  };
  after(() => {
    for (const provider of providers) provider.destroy();
    for (const server of servers) server.close();
  });

  it("finds a receipt that appears after the head it was sealed in was already seen, with no block after it", async () => {
    const { provider, chain } = await connect(4);
    const found = await minedReceipt(provider, HASH, { pollMs: 10, timeoutMs: 10_000 });
    expect(found.hash).to.equal(HASH);
    expect(found.blockNumber).to.equal(HEAD);
    expect(chain.receiptRequests()).to.be.at.least(4);
  });

  it("refuses a transaction that was mined but failed, naming its block", async () => {
    const { provider } = await connect(1, "0x0");
    const refusal = await refusalOf(minedReceipt(provider, HASH, { pollMs: 10, timeoutMs: 10_000 }));
    expect(refusal.code).to.equal("TRANSACTION_FAILED");
    expect(refusal.blockNumber).to.equal(HEAD);
  });

  it("gives up after its time, saying the transaction was not mined", async () => {
    const { provider } = await connect(Number.MAX_SAFE_INTEGER);
    const refusal = await refusalOf(minedReceipt(provider, HASH, { pollMs: 10, timeoutMs: 200 }));
    expect(refusal.code).to.equal("TRANSACTION_NOT_MINED");
    expect(refusal.hash).to.equal(HASH);
  });
});
