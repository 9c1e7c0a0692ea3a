import { rmSync } from "node:fs";

import { expect } from "chai";
import { Wallet } from "ethers";

import { withCheckCharacter } from "../../api/domain/taxpayer-id";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { prepareInvoice } from "../contracts/helpers/documents";
import { connect, receiptOf, registerMerchant, rpc } from "./helpers/clients";

/**
 * Blocks that fill up. Gas is metered, not charged: clients send at a gas price of zero, as the API does.
 * Under EIP-1559 a block more than half full raises the next block's base fee from 0 to 1 wei, and from 1
 * it never falls back (integer arithmetic): every zero-price transaction would then wait forever. The
 * ledger keeps the base fee at zero for every block, and transactions left over by a full block go into
 * the next ones.
 */
const FULL_BLOCKS = { LEDGER_BLOCK_GAS_LIMIT: "12000000", LEDGER_BLOCK_ROOM_GAS: "13000000" };

describe("ledger-node: full blocks", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let dir: string;

  before(async () => {
    dir = freshDataDir();
    // Room for about two 100-invoice batches per block (and a block's room in gas that lets two in: by default one
    // such batch fills it).
    node = await startNodeProcess(dir, FULL_BLOCKS, 20);
  });
  after(async () => {
    if (node?.child.exitCode === null) await node.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("includes every zero-price transaction, however full the blocks were, and keeps the base fee at zero", async () => {
    const clients = connect(node, dir);
    const merchants = [];
    for (let i = 0; i < 4; i++) merchants.push(await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter(`91440300MA5FTE${i}X1`)));
    const from = await clients.provider.getBlockNumber();
    // Two 100-invoice batches per merchant at once, gas price 0 (type 0), as the API signs them.
    const sent = await Promise.all(
      merchants.flatMap(({ ledger }) =>
        [0, 1].map(() => ledger.issueBatch(Array.from({ length: 100 }, () => prepareInvoice().request), { gasPrice: 0, type: 0, gasLimit: 6_500_000 })),
      ),
    );
    // Receipts read from the node directly (not through ethers' block subscription), and a stall reported with
    // the node's own view of its head and pool, so that a failure says which side stopped.
    const receipts = await Promise.all(sent.map((tx) => receiptOf(node, tx.hash, 60_000)));
    for (const receipt of receipts) expect(receipt.status).to.equal("0x1");
    const to = await clients.provider.getBlockNumber();
    let fullest = 0n;
    for (let n = from + 1; n <= to; n++) {
      const block = (await clients.provider.getBlock(n))!;
      expect(block.baseFeePerGas, `block ${n}`).to.equal(0n);
      if (block.gasUsed > fullest) fullest = block.gasUsed;
    }
    // The load did fill blocks beyond half their gas: the case that used to raise the base fee.
    expect(fullest > 6_000_000n, `fullest block used ${fullest} gas`).to.equal(true);

    // The journal re-executes to the same blocks: the replay mines with the same zero base fee.
    const head = (await clients.provider.getBlock("latest"))!;
    clients.provider.destroy();
    await node.stop();
    node = await startNodeProcess(dir, FULL_BLOCKS, 20);
    const again = connect(node, dir);
    expect((await again.provider.getBlock(head.number))?.hash).to.equal(head.hash);
    again.provider.destroy();
  });

  it("seals no empty blocks once a steady load ends", async () => {
    const clients = connect(node, dir);
    const { chainId } = await clients.provider.getNetwork();
    const ledgerAddress = await clients.ledger.getAddress();
    const senders = [];
    for (let i = 0; i < 3; i++) senders.push(await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter(`91440300MA5FTF${i}X1`)));
    // Each merchant sends one transaction after another as soon as the node took the previous one: transactions
    // arrive all the time while blocks, one transaction each here, take longer to seal than the window.
    const hashes = (
      await Promise.all(
        senders.map(async ({ key }) => {
          const wallet = new Wallet(key);
          const sent: string[] = [];
          for (let nonce = 0; nonce < 8; nonce++) {
            const raw = await wallet.signTransaction({ to: ledgerAddress, data: clients.ledger.interface.encodeFunctionData("issueBatch", [Array.from({ length: 100 }, () => prepareInvoice().request)]), nonce, gasLimit: 6_500_000, gasPrice: 0, chainId, type: 0 });
            const answer = await rpc(node.url, "eth_sendRawTransaction", [raw]);
            expect(answer.error).to.equal(undefined);
            sent.push(answer.result as string);
          }
          return sent;
        }),
      )
    ).flat();
    const receipts = await Promise.all(hashes.map((hash) => receiptOf(node, hash, 60_000)));
    const last = Math.max(...receipts.map((receipt) => Number(receipt.blockNumber)));
    // Seals queued once per window while blocks were slow piled up, and mined empty blocks one after another
    // once the load ended (716 after a 3 M-invoice seeding).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await clients.provider.getBlockNumber(), "blocks sealed after the last transaction's").to.equal(last);
    clients.provider.destroy();
  });

  it("counts every waiting transaction of a sender in its pending nonce, beyond what one block holds, and none after a gap", async () => {
    const clients = connect(node, dir);
    const { key, address } = await registerMerchant(clients, Wallet.createRandom().privateKey, withCheckCharacter("91440300MA5FTE9X1"));
    const wallet = new Wallet(key);
    const { chainId } = await clients.provider.getNetwork();
    const ledgerAddress = await clients.ledger.getAddress();
    const pending = async () => Number((await rpc(node.url, "eth_getTransactionCount", [address, "pending"])).result);
    const sign = (nonce: number) =>
      wallet.signTransaction({ to: ledgerAddress, data: clients.ledger.interface.encodeFunctionData("issueBatch", [Array.from({ length: 100 }, () => prepareInvoice().request)]), nonce, gasLimit: 6_500_000, gasPrice: 0, chainId, type: 0 });
    // Six sent at once, as several API requests of one merchant may be: one fits a block here, so most of them
    // wait in the pool when the count is read. EDR's own pending count (a pending block mined from its pool)
    // left out those the block could not take, and answered a nonce already taken: the API's next send was
    // refused "nonce too low".
    const first = await pending();
    const sends = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => rpc(node.url, "eth_sendRawTransaction", [await sign(first + i)])));
    for (const answer of sends) expect(answer.error).to.equal(undefined);
    const hashes = sends.map((answer) => answer.result as string);
    expect(await pending()).to.equal(first + 6);
    for (const hash of hashes) expect((await receiptOf(node, hash, 60_000)).status).to.equal("0x1");
    const next = await pending();
    expect(next).to.equal(Number(await clients.provider.getTransactionCount(address, "latest")));
    // A transaction after a gap waits, and the pending count stops at the gap.
    const afterGap = await rpc(node.url, "eth_sendRawTransaction", [await sign(next + 1)]);
    expect(afterGap.error).to.equal(undefined);
    expect(await pending()).to.equal(next);
    // The gap filled: both go, and the count moves past them.
    const filler = await rpc(node.url, "eth_sendRawTransaction", [await sign(next)]);
    expect(filler.error).to.equal(undefined);
    await receiptOf(node, afterGap.result as string, 60_000);
    expect(await pending()).to.equal(next + 2);
    clients.provider.destroy();
  });
});
