import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { lines, waitUntil } from "./helpers/acknowledged";
import { connect, registerMerchant } from "./helpers/clients";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";

/** Rounds of kill -9 in `npm test`; the full run takes more: LEDGER_CRASH_ROUNDS=20 npm test. */
const ROUNDS = Number(process.env.LEDGER_CRASH_ROUNDS ?? 4);

describe("ledger-node under kill -9", function () {
  this.timeout(60_000 + ROUNDS * 30_000);

  it(`loses no acknowledged transaction and duplicates none, over ${ROUNDS} kills during a stream of transactions`, async () => {
    const dir = freshDataDir();
    const ackFile = join(dir, "acknowledged.txt");
    let node: NodeProcess = await startNodeProcess(dir);
    const setup = connect(node, dir);
    const merchant = await registerMerchant(setup);
    setup.provider.destroy();

    // The stream talks to a fixed port, so that it can reconnect to the restarted node.
    const port = new URL(node.url).port;
    await node.stop();
    // Snapshots every 2 blocks: kills land while they are written too, and restarts start from them.
    node = await startNodeProcess(dir, { LEDGER_RPC_PORT: port, LEDGER_SNAPSHOT_BLOCKS: "2" });
    const stream = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "test/ledger-node/fixtures/transaction-stream.ts", node.url, String(node.ready.chainId), merchant.key, node.ready.contracts.ledger, ackFile],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let streamErrors = "";
    stream.stderr!.on("data", (chunk: Buffer) => (streamErrors += chunk.toString()));
    const streamExited = new Promise((resolve) => stream.once("exit", resolve));
    const acknowledgedPerRound: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const before = lines(ackFile).length;
        await waitUntil(() => lines(ackFile).length >= before + 3, 20_000, () => streamErrors);
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 700)));
        await node.kill();
        acknowledgedPerRound.push(lines(ackFile).length - before);
        node = await startNodeProcess(dir, { LEDGER_RPC_PORT: port, LEDGER_SNAPSHOT_BLOCKS: "2" });
      }
      await waitUntil(() => lines(ackFile).length >= acknowledgedPerRound.reduce((a, b) => a + b, 0) + 3, 20_000, () => streamErrors);
    } finally {
      stream.kill("SIGTERM");
      await streamExited;
    }

    const c = connect(node, dir);
    const acknowledged = lines(ackFile).map((line) => line.split(" "));
    expect(acknowledged.length).to.be.greaterThan(ROUNDS * 3);
    const issued = c.ledger.interface.getEvent("InvoiceIssued").topicHash;
    const allIssued = await c.provider.getLogs({ address: node.ready.contracts.ledger, fromBlock: 0, topics: [issued] });
    const timesIssued = new Map<string, number>();
    for (const log of allIssued) timesIssued.set(log.topics[1]!, (timesIssued.get(log.topics[1]!) ?? 0) + 1);
    for (const [hash, block, ...requestIds] of acknowledged) {
      const receipt = await c.provider.getTransactionReceipt(hash!);
      expect(receipt, `acknowledged transaction ${hash} is gone`).to.not.equal(null);
      expect([receipt!.blockNumber, receipt!.status]).to.deep.equal([Number(block), 1]);
      for (const requestId of requestIds) {
        const invoiceId = await c.ledger.invoiceIdOf(merchant.address, requestId);
        expect(timesIssued.get(invoiceId), `invoice of ${requestId}`).to.equal(1);
      }
    }
    c.provider.destroy();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
