import { queryObjects } from "node:v8";

import { Provider } from "@nomicfoundation/edr";
import { expect } from "chai";
import { Wallet, keccak256 } from "ethers";

import { readBlockRecord } from "../../ledger-node/chain/block-record";
import { createEvmEngine, mineBlock, type EngineBlock, type EvmEngine } from "../../ledger-node/chain/evm-engine";

const CHAIN = { chainId: 7_755, blockGasLimit: 30_000_000, genesisTime: 1_700_000_000 };
const TO = "0x000000000000000000000000000000000000dEaD";

/** Signs `count` transactions of one new account (nonces 0..count-1) and hands them to the engine's pool. */
async function fillPool(engines: EvmEngine[], wallet: Pick<Wallet, "signTransaction">, count: number, firstNonce = 0): Promise<string[]> {
  const raws: string[] = [];
  for (let i = 0; i < count; i++) {
    raws.push(await wallet.signTransaction({ type: 2, chainId: CHAIN.chainId, nonce: firstNonce + i, to: TO, data: `0x${(i + 1).toString(16).padStart(2, "0")}`, gasLimit: 100_000, maxFeePerGas: 0, maxPriorityFeePerGas: 0 }));
  }
  for (const engine of engines) for (const raw of raws) await engine.request("eth_sendRawTransaction", [raw]);
  return raws;
}

describe("EvmEngine: requests handed to the engine in one batch", () => {
  it("answers a batch in order, as the same requests one by one answer", async () => {
    const engine = await createEvmEngine(CHAIN);
    const calls = [
      ["eth_chainId", []],
      ["eth_blockNumber", []],
      ["eth_getBlockByNumber", ["0x0", false]],
      ["eth_getBalance", [TO, "latest"]],
    ] as const;
    const batched = await engine.batch(calls);
    const single = [];
    for (const [method, params] of calls) single.push(await engine.request(method, [...params]));
    expect(batched).to.deep.equal(single);
    expect(batched[0]).to.equal(`0x${CHAIN.chainId.toString(16)}`);
  });

  it("stops at the first refusal and throws it; what ran before it has taken effect, nothing after it ran", async () => {
    const engine = await createEvmEngine(CHAIN);
    const time = CHAIN.genesisTime + 50;
    const refused = await engine
      .batch([
        ["evm_setNextBlockTimestamp", [time]],
        ["evm_setNextBlockTimestamp", [CHAIN.genesisTime - 1]], // older than genesis: refused
        ["evm_mine", []],
      ])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).to.be.instanceOf(Error);
    expect((refused as { code?: unknown }).code).to.be.a("number");
    expect(await engine.request("eth_blockNumber")).to.equal("0x0"); // evm_mine did not run
    await engine.request("evm_mine"); // the first timestamp was set
    expect((await engine.request<EngineBlock>("eth_getBlockByNumber", ["latest", false])).timestamp).to.equal(`0x${time.toString(16)}`);
  });

  it("mines the same block as the four requests one by one did before (a journal replays to the same hashes)", async () => {
    // Two engines from the same genesis, the same pool: one mined by mineBlock (one batch), the other by the
    // requests mineBlock used to send one at a time.
    const [batched, sequential] = [await createEvmEngine(CHAIN), await createEvmEngine(CHAIN)];
    const wallet = Wallet.createRandom();
    for (let block = 1; block <= 3; block++) {
      await fillPool([batched, sequential], wallet, 3, (block - 1) * 3);
      const timestamp = CHAIN.genesisTime + block * 7;
      const mined = await mineBlock(batched, timestamp);
      await sequential.request("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
      await sequential.request("evm_setNextBlockTimestamp", [timestamp]);
      await sequential.request("evm_mine");
      const expected = await sequential.request<EngineBlock>("eth_getBlockByNumber", ["latest", false]);
      expect(mined).to.deep.equal(expected);
      expect(mined.transactions).to.have.length(3);
      expect(mined.baseFeePerGas).to.equal("0x0");
      expect(mined.timestamp).to.equal(`0x${timestamp.toString(16)}`);
    }
  });

  it("reads one receipt per transaction of the block, in the block's order, as the engine answers each", async () => {
    const engine = await createEvmEngine(CHAIN);
    const raws = await fillPool([engine], Wallet.createRandom(), 5);
    const header = await mineBlock(engine, CHAIN.genesisTime + 1);
    const record = await readBlockRecord(engine, header);
    expect(record.header).to.equal(header);
    expect(record.receipts.map((receipt) => receipt.transactionHash)).to.deep.equal(raws.map((raw) => keccak256(raw)));
    for (const receipt of record.receipts) expect(receipt).to.deep.equal(await engine.request("eth_getTransactionReceipt", [receipt.transactionHash]));
    const empty = await mineBlock(engine, CHAIN.genesisTime + 2);
    expect((await readBlockRecord(engine, empty)).receipts).to.deep.equal([]);
  });

  it("frees an engine once nobody holds it (EDR holds its callbacks from native code: they must not hold the engine)", async () => {
    // v8.queryObjects counts the live objects of a class after a full collection.
    const live = () => queryObjects(Provider, { format: "count" }) as number;
    const before = live();
    // Each engine used and dropped in a call of its own, whose frame is gone before the count.
    const useAndDrop = async () => {
      const engine = await createEvmEngine(CHAIN);
      await fillPool([engine], Wallet.createRandom(), 2);
      await mineBlock(engine, CHAIN.genesisTime + 1);
    };
    for (let i = 0; i < 3; i++) await useAndDrop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(live(), "engines made and dropped: none left alive").to.be.at.most(before);
  });
});
