import { rmSync } from "node:fs";

import { expect } from "chai";
import { Transaction, Wallet } from "ethers";

import { withCheckCharacter } from "../../api/domain/taxpayer-id";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { connect, receiptOf, registerMerchant, rpc } from "./helpers/clients";

/**
 * A block takes at most LEDGER_BLOCK_MAX_TRANSACTIONS transactions; the others wait in the node's pool, in the
 * order they came, and are handed to the engine for the blocks after (the snapshot's tracing of a block grows with
 * the square of its transactions). Their senders are answered when that happens, with the engine's answer.
 */
describe("ledger-node: a block's room", function () {
  this.timeout(120_000);
  let node: NodeProcess;
  let dir: string;

  before(async () => {
    dir = freshDataDir();
    node = await startNodeProcess(dir, { LEDGER_BLOCK_MAX_TRANSACTIONS: "2" }, 20);
  });
  after(async () => {
    if (node?.child.exitCode === null) await node.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("seals at most the room's transactions a block, mines every one that waited, in order, and answers each sender its hash", async () => {
    const clients = connect(node, dir);
    const senders = [];
    for (let i = 0; i < 5; i++) senders.push(await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter(`91440300MA5FTR${i}X1`)));
    const from = await clients.provider.getBlockNumber();
    const chainId = node.ready.chainId;
    // Two transactions per sender (consecutive nonces, the second sent once the first is answered), the five senders
    // at once: ten for blocks of two.
    const answers = (
      await Promise.all(
        senders.map(async ({ merchant, address }, i) => {
          const nonce = await clients.provider.getTransactionCount(address);
          const sent = [];
          for (const k of [0, 1]) {
            const raw = await merchant.signTransaction({ to: address, gasLimit: 30_000, gasPrice: 0, chainId, nonce: nonce + k, data: `0x0${i}0${k}` });
            sent.push(await rpc(node.url, "eth_sendRawTransaction", [raw]));
          }
          return sent;
        }),
      )
    ).flat();
    expect(answers.map((answer) => answer.error)).to.deep.equal(answers.map(() => undefined));
    const receipts = await Promise.all(answers.map((answer) => receiptOf(node, answer.result as string)));
    expect(receipts.map((receipt) => receipt.status)).to.deep.equal(receipts.map(() => "0x1"));
    const to = await clients.provider.getBlockNumber();
    expect(to - from).to.be.at.least(5);
    for (let n = from + 1; n <= to; n++) expect((await clients.provider.getBlock(n))!.transactions.length, `block ${n}`).to.be.at.most(2);
    for (const { address } of senders) expect(await clients.provider.getTransactionCount(address, "pending")).to.equal(await clients.provider.getTransactionCount(address));
    clients.provider.destroy();
  });

  it("answers a transaction that waited for room with the engine's refusal when its turn comes, and goes on sealing", async () => {
    const clients = connect(node, dir);
    const [first, second] = [await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter("91440300MA5FTR7X1")), await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter("91440300MA5FTR8X1"))];
    const chainId = node.ready.chainId;
    const nonceOf = (address: string) => clients.provider.getTransactionCount(address);
    const [a, b] = [await nonceOf(first.address), await nonceOf(second.address)];
    // The room (two) taken by the first two; the third reuses the first's nonce with other bytes.
    const taken = await Promise.all([
      first.merchant.signTransaction({ to: first.address, gasLimit: 21_000, gasPrice: 0, chainId, nonce: a }),
      second.merchant.signTransaction({ to: second.address, gasLimit: 21_000, gasPrice: 0, chainId, nonce: b }),
    ]);
    const reused = await first.merchant.signTransaction({ to: first.address, gasLimit: 30_000, gasPrice: 0, chainId, nonce: a, data: "0x01" });
    // The first two answered before the third is sent, so that it comes after them whatever the order of the requests.
    const answers = await Promise.all(taken.map((raw) => rpc(node.url, "eth_sendRawTransaction", [raw])));
    answers.push(await rpc(node.url, "eth_sendRawTransaction", [reused]));
    expect(answers[0]!.result).to.match(/^0x/);
    expect(answers[1]!.result).to.match(/^0x/);
    // The engine's refusal as it gave it: geth's code for an invalid transaction, and its words, which clients match
    // ("nonce too low" is ethers' NONCE_EXPIRED).
    expect(answers[2]!.error?.code).to.equal(-32000);
    expect(answers[2]!.error?.message).to.match(/nonce|underpriced|replacement/i);
    await receiptOf(node, answers[1]!.result as string);
    expect(await nonceOf(first.address)).to.equal(a + 1);
    expect((await rpc(node.url, "eth_getTransactionReceipt", [Transaction.from(reused).hash])).result).to.equal(null);
    const health = (await (await fetch(`${node.url}/health`)).json()) as { pending: number };
    expect(health.pending).to.equal(0);
    clients.provider.destroy();
  });
});

/**
 * A block's room is full once the gas limits handed over for it reach LEDGER_BLOCK_ROOM_GAS: tracing a transaction
 * executes the block's earlier ones again, so large transactions take a block each. One seal mines such blocks one
 * after another while transactions wait (up to LEDGER_SEAL_MAX_BLOCKS) and journals them in one synced write.
 */
/** A room smaller than one 45,000-gas transaction, and seals of up to four blocks. */
const GAS_ROOM = { LEDGER_BLOCK_ROOM_GAS: "40000", LEDGER_SEAL_MAX_BLOCKS: "4" };

describe("ledger-node: a block's room in gas", function () {
  this.timeout(120_000);
  let node: NodeProcess;
  let dir: string;

  before(async () => {
    dir = freshDataDir();
    node = await startNodeProcess(dir, GAS_ROOM, 20);
  });
  after(async () => {
    if (node?.child.exitCode === null) await node.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives each transaction of more gas than the room a block of its own, mines them all, and serves the same chain after a kill -9", async () => {
    const clients = connect(node, dir);
    const senders = [];
    for (let i = 0; i < 6; i++) senders.push(await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter(`91440300MA5FTQ${i}X1`)));
    const from = await clients.provider.getBlockNumber();
    const chainId = node.ready.chainId;
    const answers = await Promise.all(
      senders.map(async ({ merchant, address }, i) => {
        const raw = await merchant.signTransaction({ to: address, gasLimit: 45_000, gasPrice: 0, chainId, nonce: await clients.provider.getTransactionCount(address), data: `0x0${i}` });
        return rpc(node.url, "eth_sendRawTransaction", [raw]);
      }),
    );
    expect(answers.map((answer) => answer.error)).to.deep.equal(answers.map(() => undefined));
    const receipts = await Promise.all(answers.map((answer) => receiptOf(node, answer.result as string)));
    expect(receipts.map((receipt) => receipt.status)).to.deep.equal(receipts.map(() => "0x1"));
    // One block each: six blocks, none with two of them.
    const blocks = new Set(receipts.map((receipt) => receipt.blockNumber));
    expect(blocks.size).to.equal(6);
    const to = await clients.provider.getBlockNumber();
    const chain = [];
    for (let n = from; n <= to; n++) chain.push((await clients.provider.getBlock(n))!);
    for (const block of chain.slice(1)) expect(block.transactions.length, `block ${block.number}`).to.be.at.most(1);
    for (let n = 1; n < chain.length; n++) expect(chain[n]!.parentHash).to.equal(chain[n - 1]!.hash);
    clients.provider.destroy();

    // Blocks journaled together come back alike: every block's hash, re-executed from the journal.
    await node.kill();
    node = await startNodeProcess(dir, GAS_ROOM, 20);
    const again = connect(node, dir);
    for (const block of chain) expect((await again.provider.getBlock(block.number!))!.hash).to.equal(block.hash);
    for (const [i, answer] of answers.entries()) expect((await again.provider.getTransactionReceipt(answer.result as string))!.blockNumber).to.equal(Number(receipts[i]!.blockNumber));
    again.provider.destroy();
  });
  it("lets a transaction after a nonce gap hold the room for one block at most: the one that fills the gap is handed over, and both are mined", async () => {
    const clients = connect(node, dir);
    const { merchant, address } = await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter("91440300MA5FTQ9X1"));
    const chainId = node.ready.chainId;
    const nonce = await clients.provider.getTransactionCount(address);
    const sign = (n: number) => merchant.signTransaction({ to: address, gasLimit: 45_000, gasPrice: 0, chainId, nonce: n });
    // The later nonce first: the engine takes it, no block can, and it fills the room (45,000 gas of 40,000).
    const afterGap = await rpc(node.url, "eth_sendRawTransaction", [await sign(nonce + 1)]);
    expect(afterGap.error).to.equal(undefined);
    const filler = await rpc(node.url, "eth_sendRawTransaction", [await sign(nonce)]);
    expect(filler.error).to.equal(undefined);
    const [first, second] = [await receiptOf(node, filler.result as string), await receiptOf(node, afterGap.result as string)];
    expect([first.status, second.status]).to.deep.equal(["0x1", "0x1"]);
    expect(await clients.provider.getTransactionCount(address)).to.equal(nonce + 2);
    clients.provider.destroy();
  });
});
