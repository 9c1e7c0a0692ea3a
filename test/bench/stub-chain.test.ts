import { rmSync } from "node:fs";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";

import { encodeIssueBatch, issueBatchGas, type IssueRequestWords } from "../../api/chain/issue-batch-call";
import { issueBatchLogs, issueBatchSize } from "../../scripts/bench/stub-chain/issue-emulation";
import { StubChain } from "../../scripts/bench/stub-chain/stub-chain";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { InvoiceLedger__factory } from "../../typechain-types";
import { connect, issueSome, registerMerchant, rpc } from "../ledger-node/helpers/clients";
import { deployLedgerFixture } from "../contracts/helpers/fixture";
import { prepareInvoice } from "../contracts/helpers/documents";

/**
 * The issue benchmark's stub chain answers the API's issuing without an EVM; its ceiling figure means something
 * only if what it answers is what the contract answers. Its logs are held here to the contract's own.
 */
describe("the stub chain's issueBatch: the logs the contract emits", () => {
  it("emits, for the same calldata and sender, exactly the contract's logs, numbered on from the ledger's next number", async () => {
    const { ledger, officer, merchantB } = await loadFixture(deployLedgerFixture);
    await ledger.connect(officer).setQuota(merchantB.address, await ledger.currentPeriod(), (1n << 64n) - 1n);
    const address = await ledger.getAddress();
    for (const [size, buyerTaxId] of [[1, "91440300MA5DC7M2X9"], [7, undefined], [100, "91440300MA5DC7M2X9"]] as const) {
      const requests = Array.from({ length: size }, (_, i) => prepareInvoice({ ...(i % 2 === 0 && buyerTaxId !== undefined ? { buyerTaxId } : {}), total: 10_000n + BigInt(i), tax: 1_300n }).request as IssueRequestWords);
      const calldata = encodeIssueBatch(requests);
      const first = await ledger.nextNumber();
      const sent = await merchantB.sendTransaction({ to: address, data: calldata, gasLimit: issueBatchGas(size) });
      const receipt = (await sent.wait())!;
      expect(issueBatchSize(calldata)).to.equal(size);
      const emulated = issueBatchLogs(address, merchantB.address, first, calldata);
      const real = receipt.logs.map((log) => ({ address: log.address.toLowerCase(), topics: log.topics.map((topic) => topic.toLowerCase()), data: log.data.toLowerCase() }));
      expect(emulated).to.deep.equal(real);
    }
  });

  it("takes nothing else for an issueBatch: other calls and malformed calldata are not one", async () => {
    const { ledger } = await loadFixture(deployLedgerFixture);
    const calldata = encodeIssueBatch([prepareInvoice({}).request as IssueRequestWords]);
    expect(issueBatchSize(calldata.slice(0, -2))).to.equal(undefined);
    expect(issueBatchSize(`${calldata}00`)).to.equal(undefined);
    expect(issueBatchSize(ledger.interface.encodeFunctionData("nextNumber"))).to.equal(undefined);
    expect(() => issueBatchLogs(ethers.ZeroAddress, ethers.ZeroAddress, 1n, "0x")).to.throw(TypeError);
  });
});

describe("the stub chain in front of a ledger node", function () {
  this.timeout(120_000);
  let node: NodeProcess;
  let dir: string;
  let stub: StubChain;
  let url: string;

  before(async () => {
    dir = freshDataDir();
    node = await startNodeProcess(dir, {}, 5);
    stub = new StubChain({ upstream: node.url, ledger: node.ready.contracts.ledger, blockWindowMs: 5 });
    url = await stub.listen(0);
  });
  after(async () => {
    await stub?.close();
    if (node?.child.exitCode === null) await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async <T>(method: string, params: unknown[] = []) => {
    const answer = await rpc(url, method, params);
    if (answer.error !== undefined) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as T;
  };

  it("passes the set-up through to the node, then issues in blocks of its own that extend the node's chain", async () => {
    const clients = connect(node, dir);
    const { key, address } = await registerMerchant(clients);
    const ledger = InvoiceLedger__factory.connect(node.ready.contracts.ledger, clients.provider);
    await issueSome(clients.ledger.connect(new ethers.Wallet(key, clients.provider)), 1); // 5 invoices on the real chain
    const base = await call<string>("eth_blockNumber");
    expect(base).to.equal((await rpc(node.url, "eth_blockNumber")).result);
    const first = await ledger.nextNumber();

    const merchant = new ethers.Wallet(key);
    const nonce = Number(await call<string>("eth_getTransactionCount", [address, "pending"]));
    const requests = Array.from({ length: 3 }, () => prepareInvoice().request as IssueRequestWords);
    const raw = await merchant.signTransaction({ to: node.ready.contracts.ledger, data: encodeIssueBatch(requests), nonce, gasLimit: issueBatchGas(3), gasPrice: 0, chainId: node.ready.chainId, type: 0 });
    const hash = await call<string>("eth_sendRawTransaction", [raw]);
    expect(await call<string>("eth_getTransactionCount", [address, "pending"])).to.equal(`0x${(nonce + 1).toString(16)}`);

    let receipt: { status: string; blockNumber: string; logs: { topics: string[] }[] } | null = null;
    while (receipt === null) receipt = await call("eth_getTransactionReceipt", [hash]);
    expect(receipt.status).to.equal("0x1");
    expect(Number(receipt.blockNumber)).to.equal(Number(base) + 1);
    expect(await call<string>("eth_getTransactionCount", [address, "latest"])).to.equal(`0x${(nonce + 1).toString(16)}`);
    const block = await call<{ parentHash: string; transactions: string[] }>("eth_getBlockByNumber", [receipt.blockNumber, false]);
    const parent = await call<{ hash: string }>("eth_getBlockByNumber", [base, false]);
    expect(block.parentHash).to.equal(parent.hash);
    expect(block.transactions).to.deep.equal([hash]);

    // The logs of the whole chain: the node's 5 invoices, then the stub's 3, numbered on from the ledger's next number.
    const logs = await call<{ topics: string[]; data: string; blockNumber: string }[]>("eth_getLogs", [{ address: [node.ready.contracts.ledger], fromBlock: "0x0", toBlock: "latest" }]);
    const issued = logs.map((log) => ledger.interface.parseLog(log)).filter((parsed) => parsed?.name === "InvoiceIssued");
    expect(issued.map((parsed) => parsed!.args.number as bigint)).to.deep.equal([1n, 2n, 3n, 4n, 5n, first, first + 1n, first + 2n]);
    expect(issued.slice(5).map((parsed) => parsed!.args.seal as string)).to.deep.equal(requests.map((request) => request.seal));

    // The real chain no longer follows: anything but issueBatch is refused, and the node saw none of it.
    const other = await merchant.signTransaction({ to: node.ready.contracts.registry, data: "0x", nonce: nonce + 1, gasLimit: 100_000, gasPrice: 0, chainId: node.ready.chainId, type: 0 });
    const refused = (await rpc(url, "eth_sendRawTransaction", [other])).error;
    expect([refused?.code, refused?.data?.code]).to.deep.equal([-32000, "STUB_ISSUING_ONLY"]);
    expect(refused?.message).to.match(/only issueBatch/);
    expect((await rpc(node.url, "eth_blockNumber")).result).to.equal(base);
  });
});
