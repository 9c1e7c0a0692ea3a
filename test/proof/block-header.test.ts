import { rmSync } from "node:fs";

import { createBlockHeader } from "@ethereumjs/block";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { bytesToHex } from "@ethereumjs/util";
import { expect } from "chai";
import { hexlify, randomBytes } from "ethers";

import { HEADER_FIELDS, HeaderFieldsError, headerHash, type BlockHeader } from "../../lib/proof/header-hash";
import { connect, issueSome, registerMerchant, rpc } from "../ledger-node/helpers/clients";
import { freshDataDir, startNodeProcess } from "../../scripts/lib/node-process";

/** The header fields of an eth_getBlockByNumber answer, as a proof bundle keeps them. */
function headerOf(block: Record<string, unknown>): BlockHeader {
  return Object.fromEntries(HEADER_FIELDS.filter((field) => typeof block[field] === "string").map((field) => [field, block[field]])) as unknown as BlockHeader;
}

/** @ethereumjs/block's JSON names for the fields JSON-RPC names otherwise. */
const RPC_NAMES: Record<string, string> = { uncleHash: "sha3Uncles", coinbase: "miner", transactionsTrie: "transactionsRoot", receiptTrie: "receiptsRoot" };

describe("proof bundles: the block header's hash and the seal's digest", function () {
  this.timeout(120_000);

  it("hashes every block of the ledger node, genesis included, to the hash the node answers", async () => {
    const dir = freshDataDir();
    const node = await startNodeProcess(dir);
    try {
      await issueSome((await registerMerchant(connect(node, dir))).ledger, 2);
      const head = Number(BigInt((await rpc(node.url, "eth_blockNumber")).result as string));
      expect(head).to.be.greaterThan(7);
      for (let number = 0; number <= head; number++) {
        const block = (await rpc(node.url, "eth_getBlockByNumber", [`0x${number.toString(16)}`, false])).result as Record<string, unknown>;
        expect(headerHash(headerOf(block)), `block ${number}`).to.equal(block.hash);
      }
    } finally {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hashes a header of each fork (none, London, Shanghai, Cancun, Prague) as @ethereumjs/block does", () => {
    const word = () => hexlify(randomBytes(32));
    const forks = [Hardfork.Chainstart, Hardfork.London, Hardfork.Shanghai, Hardfork.Cancun, Hardfork.Prague];
    const lengths: number[] = [];
    for (const hardfork of forks) {
      const common = new Common({ chain: Mainnet, hardfork });
      const data = {
        parentHash: word(), stateRoot: word(), transactionsTrie: word(), receiptTrie: word(), coinbase: hexlify(randomBytes(20)),
        number: 20_180_810n, gasLimit: 30_000_000n, gasUsed: 1_234_567n, timestamp: 1_795_675_487n, extraData: "0xbeef", mixHash: word(),
        difficulty: hardfork === Hardfork.Chainstart ? 131_072n : 0n, nonce: hardfork === Hardfork.Chainstart ? "0x0000000000000042" : "0x0000000000000000",
        ...(hardfork === Hardfork.Chainstart ? {} : { baseFeePerGas: 7n }),
        ...(hardfork === Hardfork.Shanghai || hardfork === Hardfork.Cancun || hardfork === Hardfork.Prague ? { withdrawalsRoot: word() } : {}),
        ...(hardfork === Hardfork.Cancun || hardfork === Hardfork.Prague ? { blobGasUsed: 131_072n, excessBlobGas: 0n, parentBeaconBlockRoot: word() } : {}),
        ...(hardfork === Hardfork.Prague ? { requestsHash: word() } : {}),
      };
      const header = createBlockHeader(data as never, { common, skipConsensusFormatValidation: true });
      const json = Object.fromEntries(Object.entries(header.toJSON()).map(([name, value]) => [RPC_NAMES[name] ?? name, value]));
      const ours = headerOf({ ...json, hash: bytesToHex(header.hash()) });
      lengths.push(Object.keys(ours).length);
      expect(headerHash(ours), hardfork).to.equal(bytesToHex(header.hash()));
    }
    // hash + 15 fields, then each fork's additions.
    expect(lengths).to.deep.equal([16, 17, 18, 21, 22]);
  });

  it("refuses a header with a later fork's field but not an earlier one's", () => {
    const header = { hash: "0x", parentHash: `0x${"00".repeat(32)}`, sha3Uncles: `0x${"00".repeat(32)}`, miner: `0x${"00".repeat(20)}`, stateRoot: `0x${"00".repeat(32)}`, transactionsRoot: `0x${"00".repeat(32)}`, receiptsRoot: `0x${"00".repeat(32)}`, logsBloom: `0x${"00".repeat(256)}`, difficulty: "0x0", number: "0x1", gasLimit: "0x1", gasUsed: "0x0", timestamp: "0x1", extraData: "0x", mixHash: `0x${"00".repeat(32)}`, nonce: `0x${"00".repeat(8)}` };
    expect(() => headerHash({ ...header, baseFeePerGas: "0x0" })).to.not.throw();
    expect(() => headerHash({ ...header, withdrawalsRoot: `0x${"00".repeat(32)}` })).to.throw(HeaderFieldsError);
    expect(() => headerHash({ ...header, baseFeePerGas: "0x0", blobGasUsed: "0x0" })).to.throw(HeaderFieldsError);
  });
});
