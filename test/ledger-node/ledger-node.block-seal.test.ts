import { rmSync } from "node:fs";

import { expect } from "chai";
import { getAddress } from "ethers";

import { sealSigner } from "../../ledger-node/chain/block-seal";
import type { BlockSeal } from "../../ledger-node/rpc/chain-reads";
import { connect, issueSome, registerMerchant, rpc } from "./helpers/clients";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";

/** One byte of a hex string changed (the byte at `index`, counted from the start of its bytes). */
function flipByte(hex: string, index: number): string {
  const at = 2 + index * 2;
  const byte = parseInt(hex.slice(at, at + 2), 16) ^ 0x01;
  return `${hex.slice(0, at)}${byte.toString(16).padStart(2, "0")}${hex.slice(at + 2)}`;
}

/**
 * `ledger_getBlockSeal`: the authority's seal of a block, read from the node's journal. What a proof bundle
 * (lib/proof/) needs to tie a block header to the bureau's key, checked here against the node's own blocks.
 */
describe("ledger-node: ledger_getBlockSeal", function () {
  this.timeout(120_000);
  let dir: string;
  let node: NodeProcess;
  let head: number;

  const seal = async (param: unknown) => {
    const answer = await rpc(node.url, "ledger_getBlockSeal", [param]);
    expect(answer.error, JSON.stringify(answer.error)).to.equal(undefined);
    return answer.result as BlockSeal | null;
  };

  before(async () => {
    dir = freshDataDir();
    node = await startNodeProcess(dir);
    const clients = connect(node, dir);
    await issueSome((await registerMerchant(clients)).ledger, 1);
    head = Number(BigInt((await rpc(node.url, "eth_blockNumber")).result as string));
  });

  after(async () => {
    if (node.child.exitCode === null && node.child.signalCode === null) await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers every block's seal, signed by the chain's authority over the block's own number, hash and parent", async () => {
    expect(head).to.be.greaterThan(5);
    for (let number = 1; number <= head; number++) {
      const block = (await rpc(node.url, "eth_getBlockByNumber", [`0x${number.toString(16)}`, false])).result as { hash: string; parentHash: string };
      const answer = (await seal(`0x${number.toString(16)}`))!;
      expect(answer).to.deep.include({ number: `0x${number.toString(16)}`, hash: block.hash, parentHash: block.parentHash, chainId: `0x${node.ready.chainId.toString(16)}` });
      expect(answer.signer).to.equal(getAddress(node.ready.authority));
      expect(sealSigner(answer.seal, node.ready.chainId, number, answer.hash, answer.parentHash)).to.equal(getAddress(node.ready.authority));
      expect(answer.seal).to.match(/^0x[0-9a-f]{130}$/);
    }
  });

  it("finds a block by its hash and by the tag latest", async () => {
    const newest = (await seal("latest"))!;
    expect(Number(BigInt(newest.number))).to.equal(head);
    expect(await seal(newest.hash)).to.deep.equal(newest);
    expect(await seal(newest.hash.toUpperCase().replace("0X", "0x"))).to.deep.equal(newest);
  });

  it("does not recover the authority from a seal with one byte changed, or for a block with one byte of its hash changed", async () => {
    const answer = (await seal("latest"))!;
    const number = Number(BigInt(answer.number));
    const authority = getAddress(node.ready.authority);
    for (const index of [0, 31, 32, 63]) {
      expect(sealSigner(flipByte(answer.seal, index), node.ready.chainId, number, answer.hash, answer.parentHash)).to.not.equal(authority);
    }
    expect(sealSigner(answer.seal, node.ready.chainId, number, flipByte(answer.hash, 31), answer.parentHash)).to.not.equal(authority);
    expect(sealSigner(answer.seal, node.ready.chainId, number, answer.hash, flipByte(answer.parentHash, 0))).to.not.equal(authority);
    expect(sealSigner(answer.seal, node.ready.chainId, number + 1, answer.hash, answer.parentHash)).to.not.equal(authority);
    expect(sealSigner(answer.seal, node.ready.chainId + 1, number, answer.hash, answer.parentHash)).to.not.equal(authority);
  });

  it("answers null for a block beyond the head, an unknown hash and genesis (which is not sealed)", async () => {
    expect(await seal(`0x${(head + 1).toString(16)}`)).to.equal(null);
    expect(await seal(`0x${"ab".repeat(32)}`)).to.equal(null);
    expect(await seal("0x0")).to.equal(null);
    expect(await seal("earliest")).to.equal(null);
  });

  it("refuses a parameter that is neither a block number, a tag nor a block hash with -32602", async () => {
    for (const params of [[], ["0xzz"], [5], ["0x05"], [null], [{ blockNumber: "0x1" }], [`0x${"ab".repeat(31)}zz`], ["newest"]]) {
      const answer = await rpc(node.url, "ledger_getBlockSeal", params);
      expect(answer.error?.code, JSON.stringify(params)).to.equal(-32602);
    }
  });

  it("answers the same seals after a restart (they are journaled with the blocks)", async () => {
    const before = await Promise.all(Array.from({ length: head }, (_, i) => seal(`0x${(i + 1).toString(16)}`)));
    expect(await node.stop()).to.equal(0);
    node = await startNodeProcess(dir);
    const after = await Promise.all(Array.from({ length: head }, (_, i) => seal(`0x${(i + 1).toString(16)}`)));
    expect(after).to.deep.equal(before);
  });
});
