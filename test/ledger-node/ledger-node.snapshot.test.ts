import { rmSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { NonceManager, Wallet } from "ethers";
import { Level } from "level";

import { connect, issueSome, registerMerchant, rpc } from "./helpers/clients";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";

interface Health {
  head: { number: number; hash: string };
  snapshot: { block: number | null; startedFrom: number };
}

/** A snapshot every 3 blocks, so that a short history has one and a tail after it. */
const SNAPSHOTS = { LEDGER_SNAPSHOT_BLOCKS: "3" };

describe("ledger-node state snapshots: a restart replays only the blocks after the snapshot", function () {
  this.timeout(240_000);
  const started: NodeProcess[] = [];
  let dir: string;
  const start = async () => {
    const node = await startNodeProcess(dir, SNAPSHOTS);
    started.push(node);
    return node;
  };
  const health = async (node: NodeProcess) => (await (await fetch(`${node.url}/health`)).json()) as Health;
  /** Waits (at most 20 s) until the node has a snapshot of a block after `block`. */
  const snapshotPast = async (node: NodeProcess, block: number) => {
    for (let i = 0, h = await health(node); !(h.snapshot.block !== null && h.snapshot.block > block); h = await health(node), i++) {
      if (i > 200) throw new Error(`no snapshot after block ${block}: ${JSON.stringify(h.snapshot)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => (n.child.exitCode === null && n.child.signalCode === null ? n.kill() : undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every block with its transactions, every receipt, every log, and the ledger's state through eth_call. */
  async function reads(node: NodeProcess, ledger: string, call: string): Promise<Record<string, unknown>> {
    const answers: Record<string, unknown> = {};
    const head = Number((await rpc(node.url, "eth_blockNumber")).result);
    for (let n = 0; n <= head; n++) {
      const block = (await rpc(node.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true])).result as { transactions: { hash: string }[] };
      answers[`block ${n}`] = block;
      for (const tx of block.transactions) answers[`receipt ${tx.hash}`] = (await rpc(node.url, "eth_getTransactionReceipt", [tx.hash])).result;
    }
    answers.logs = (await rpc(node.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: ledger }])).result;
    answers.call = (await rpc(node.url, "eth_call", [{ to: ledger, data: call }, "latest"])).result;
    return answers;
  }

  it("starts from the snapshot after kill -9, answers every read as before, seals on, and a full replay gives the same chain", async () => {
    dir = freshDataDir();
    let node = await start();
    const c = connect(node, dir);
    const { ledger, key } = await registerMerchant(c);
    await issueSome(ledger, 8);
    const nextNumber = ledger.interface.encodeFunctionData("nextNumber");
    // Wait for a snapshot that has a tail of blocks after it... or make one: issue until the head is past it.
    let before = await health(node);
    for (let i = 0; before.snapshot.block === null || before.snapshot.block === 0 || before.snapshot.block === before.head.number; i++) {
      if (i > 100) throw new Error(`no snapshot with a tail after it: ${JSON.stringify(before)}`);
      if (before.snapshot.block === before.head.number) await issueSome(ledger, 1);
      else await new Promise((resolve) => setTimeout(resolve, 100));
      before = await health(node);
    }
    const snapshotBlock = before.snapshot.block;
    const answers = await reads(node, node.ready.contracts.ledger, nextNumber);
    c.provider.destroy();
    await node.kill();

    node = await start();
    const after = await health(node);
    expect(after.snapshot.startedFrom, "started from the snapshot").to.be.at.least(snapshotBlock);
    expect(after.snapshot.startedFrom).to.be.greaterThan(0);
    expect(after.head).to.deep.equal(before.head);
    expect(await reads(node, node.ready.contracts.ledger, nextNumber)).to.deep.equal(answers);
    // State older than the snapshot is not kept: refused, never answered with a later state.
    const old = await rpc(node.url, "eth_getStorageAt", [node.ready.contracts.ledger, "0x0", "0x1"]);
    expect([old.error?.code, old.error?.data?.code]).to.deep.equal([-32000, "STATE_NOT_AVAILABLE"]);

    // It seals on from the snapshot's engine; a full replay from genesis gives the very same chain.
    const again = connect(node, dir);
    const merchant = again.ledger.connect(new NonceManager(new Wallet(key, again.provider)));
    const [receipt] = await issueSome(merchant, 2);
    expect(receipt!.status).to.equal(1);
    const sealedAfterRestore = await reads(node, node.ready.contracts.ledger, nextNumber);
    again.provider.destroy();
    await node.stop();
    await withStore(dir, (db) => db.del("snapshot"));
    node = await start();
    expect((await health(node)).snapshot.startedFrom).to.equal(0);
    expect(await reads(node, node.ready.contracts.ledger, nextNumber)).to.deep.equal(sealedAfterRestore);
  });

  it("refuses a damaged, truncated or foreign snapshot and replays the whole journal instead, then builds a new one", async () => {
    dir = freshDataDir();
    let node = await start();
    const c = connect(node, dir);
    const { ledger } = await registerMerchant(c);
    await issueSome(ledger, 7);
    const nextNumber = ledger.interface.encodeFunctionData("nextNumber");
    await snapshotPast(node, 0);
    const answers = await reads(node, node.ready.contracts.ledger, nextNumber);
    c.provider.destroy();
    await node.stop();

    const damages: [string, (db: Level<string, unknown>) => Promise<void>][] = [
      // One storage slot of the ledger changed.
      ["a changed slot", async (db) => {
        for await (const [key, value] of db.iterator({ gte: "sts:", lt: "sts:~" })) {
          await db.put(key, `0x${(BigInt(value as string) + 1n).toString(16).padStart(64, "0")}`);
          return;
        }
      }],
      // An account cut off with its storage.
      ["a missing account", async (db) => {
        for await (const key of db.keys({ gte: "sta:", lt: "sta:~" })) {
          await db.del(key);
          for await (const slot of db.keys({ gte: `sts:${key.slice(4)}`, lt: `sts:${key.slice(4)}~` })) await db.del(slot);
          return;
        }
      }],
      // A mark that names a block of another chain.
      ["a foreign mark", async (db) => {
        const mark = (await db.get("snapshot")) as { number: number; hash: string; stateRoot: string };
        await db.put("snapshot", { ...mark, hash: `0x${"ab".repeat(32)}` });
      }],
    ];
    for (const [what, damage] of damages) {
      await withStore(dir, damage);
      node = await start();
      const h = await health(node);
      expect(h.snapshot.startedFrom, what).to.equal(0);
      expect(await reads(node, node.ready.contracts.ledger, nextNumber), what).to.deep.equal(answers);
      // The writer builds a good one again, from genesis.
      await snapshotPast(node, 0);
      await node.stop();
    }
    node = await start();
    expect((await health(node)).snapshot.startedFrom).to.be.greaterThan(0);
    expect(await reads(node, node.ready.contracts.ledger, nextNumber)).to.deep.equal(answers);
  });

  it("never serves a journaled transaction below the snapshot that is not the one its header lists", async () => {
    dir = freshDataDir();
    let node = await start();
    const c = connect(node, dir);
    const { ledger } = await registerMerchant(c);
    const [receipt] = await issueSome(ledger, 4);
    for (let h = await health(node); !(h.snapshot.block !== null && h.snapshot.block > receipt!.blockNumber); h = await health(node)) {
      await issueSome(ledger, 1);
    }
    c.provider.destroy();
    await node.stop();
    // One byte of the transaction's calldata changed in the journal: it still decodes, but it is another transaction.
    await withStore(dir, async (db) => {
      const key = `blk:${String(receipt!.blockNumber).padStart(12, "0")}`;
      const block = (await db.get(key)) as { transactions: string[] };
      const raw = block.transactions[0]!;
      const at = Math.floor(raw.length / 2);
      block.transactions[0] = `${raw.slice(0, at)}${raw[at] === "0" ? "1" : "0"}${raw.slice(at + 1)}`;
      await db.put(key, block);
    });
    node = await start();
    expect((await health(node)).snapshot.startedFrom).to.be.greaterThan(receipt!.blockNumber);
    const served = await rpc(node.url, "eth_getTransactionByHash", [receipt!.hash]);
    expect([served.error?.code, served.error?.data?.code]).to.deep.equal([-32603, "STORE_CORRUPTED"]);
    const block = await rpc(node.url, "eth_getBlockByNumber", [`0x${receipt!.blockNumber.toString(16)}`, true]);
    expect(block.error?.data?.code).to.equal("STORE_CORRUPTED");
    // Its receipt and the block's header are what the chain recorded, and still served.
    expect(((await rpc(node.url, "eth_getTransactionReceipt", [receipt!.hash])).result as { blockHash: string }).blockHash).to.equal(receipt!.blockHash);
  });
});

async function withStore(dataDir: string, work: (db: Level<string, unknown>) => Promise<void>): Promise<void> {
  const db = new Level<string, unknown>(join(dataDir, "chain"), { valueEncoding: "json" });
  await db.open();
  try {
    await work(db);
  } finally {
    await db.close();
  }
}
