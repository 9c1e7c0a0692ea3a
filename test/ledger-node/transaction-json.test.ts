import { expect } from "chai";
import { Wallet, keccak256, type TransactionRequest } from "ethers";

import { createEvmEngine, mineBlock } from "../../ledger-node/chain/evm-engine";
import { transactionJson } from "../../ledger-node/chain/transaction-json";

const CHAIN = { chainId: 7_755, blockGasLimit: 30_000_000, genesisTime: 1_700_000_000 };

describe("transactionJson: a journaled transaction as the node serves it", () => {
  it("answers field for field what the engine answers, for every envelope the ledger admits", async () => {
    const engine = await createEvmEngine(CHAIN);
    const wallet = Wallet.createRandom();
    const to = "0x000000000000000000000000000000000000dEaD";
    const envelopes: TransactionRequest[] = [
      { type: 0, gasPrice: 0, chainId: CHAIN.chainId, to, data: "0x01" },
      { type: 0, gasPrice: 0, to, data: "0x" }, // without EIP-155 replay protection
      { type: 1, gasPrice: 0, chainId: CHAIN.chainId, to, data: "0xabcdef", accessList: [{ address: to, storageKeys: [`0x${"00".repeat(31)}07`] }] },
      { type: 2, maxFeePerGas: 0, maxPriorityFeePerGas: 0, chainId: CHAIN.chainId, to, data: "0x1234" },
      { type: 2, maxFeePerGas: 0, maxPriorityFeePerGas: 0, chainId: CHAIN.chainId, to: null, data: "0x600a600c600039600a6000f3602a60005260206000f3" },
    ];
    // Enough transactions that some signature has an r or s with leading zero nibbles, and a few blocks.
    const raws: string[] = [];
    let nonce = 0;
    for (let round = 0; round < 8; round++) {
      for (const envelope of envelopes) {
        const raw = await wallet.signTransaction({ ...envelope, nonce: nonce++, gasLimit: 200_000 });
        raws.push(raw);
        await engine.request("eth_sendRawTransaction", [raw]);
      }
      await mineBlock(engine, CHAIN.genesisTime + round + 1);
    }
    let compared = 0;
    for (const raw of raws) {
      const answer = await engine.request<Record<string, string>>("eth_getTransactionByHash", [keccak256(raw)]);
      const block = await engine.request<{ baseFeePerGas: string }>("eth_getBlockByHash", [answer.blockHash, false]);
      const ours = transactionJson(raw, { blockHash: answer.blockHash!, blockNumber: Number(answer.blockNumber), index: Number(answer.transactionIndex), baseFeePerGas: BigInt(block.baseFeePerGas) });
      expect(ours).to.deep.equal(answer);
      compared++;
    }
    expect(compared).to.equal(40);
  });
});
