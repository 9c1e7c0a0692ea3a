import { expect } from "chai";
import { AbiCoder, Wallet, hexlify, randomBytes } from "ethers";

import { Admission } from "../../ledger-node/chain/admission";
import type { EvmEngine } from "../../ledger-node/chain/evm-engine";
import { SenderNotRegisteredError } from "../../ledger-node/errors";
import type { ServedLog, ServedReceipt } from "../../ledger-node/store/chain-store";

const CHAIN_ID = 7_755;
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER = "0x000000000000000000000000000000000000dEaD";

/** An engine that answers the registry's `isRegistered` from a set it can change, and counts those calls. */
function registryEngine(registered: Set<string>) {
  const calls: string[] = [];
  const engine: EvmEngine = {
    async request<T>(method: string, params: unknown[] = []): Promise<T> {
      if (method === "eth_getTransactionCount") return "0x0" as T;
      if (method !== "eth_call") throw new Error(`unexpected ${method}`);
      const { data } = params[0] as { data: string };
      const account = AbiCoder.defaultAbiCoder().decode(["address"], `0x${data.slice(10)}`)[0] as string;
      calls.push(account);
      return AbiCoder.defaultAbiCoder().encode(["bool"], [registered.has(account)]) as T;
    },
    batch: () => Promise.reject(new Error("unexpected batch")),
  };
  return { engine, calls };
}

const receipt = (...addresses: string[]): ServedReceipt => ({ transactionHash: `0x${"ab".repeat(32)}`, logs: addresses.map((address) => ({ address, topics: [] }) as unknown as ServedLog) });
const newWallet = () => new Wallet(hexlify(randomBytes(32)));
const signed = (wallet: Wallet) => wallet.signTransaction({ type: 2, chainId: CHAIN_ID, nonce: 0, to: OTHER, gasLimit: 100_000, maxFeePerGas: 0, maxPriorityFeePerGas: 0 });

describe("Admission: the registry's answers, cached until a block changes the registry", () => {
  const limits = { maxBytes: 131_072, maxGas: 30_000_000, maxNonceGap: 64 };

  it("keeps an answer across blocks that hold no log of the registry", async () => {
    const merchant = newWallet();
    const { engine, calls } = registryEngine(new Set([merchant.address]));
    const admission = new Admission(engine, CHAIN_ID, newWallet().address, limits);
    admission.useRegistry(REGISTRY);
    const raw = await signed(merchant);
    await admission.admit(raw);
    admission.blockSealed([receipt(OTHER, OTHER), receipt()]);
    admission.blockSealed([]);
    await admission.admit(raw);
    expect(calls).to.deep.equal([merchant.address]);
  });

  it("asks again after a block with a log of the registry, and refuses a sender revoked there", async () => {
    const merchant = newWallet();
    const registered = new Set([merchant.address]);
    const { engine, calls } = registryEngine(registered);
    const admission = new Admission(engine, CHAIN_ID, newWallet().address, limits);
    admission.useRegistry(REGISTRY);
    const raw = await signed(merchant);
    await admission.admit(raw);
    registered.delete(merchant.address); // revoked in the next block, which logs it from the registry
    admission.blockSealed([receipt(OTHER), receipt(REGISTRY.toLowerCase())]);
    const refused = await admission.admit(raw).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(SenderNotRegisteredError);
    expect(calls).to.deep.equal([merchant.address, merchant.address]);
  });

  it("holds a bounded number of answers, whoever sends", async () => {
    const { engine, calls } = registryEngine(new Set());
    const admission = new Admission(engine, CHAIN_ID, newWallet().address, limits);
    admission.useRegistry(REGISTRY);
    const first = newWallet();
    const raw = await signed(first);
    await admission.admit(raw).catch(() => undefined);
    await admission.admit(raw).catch(() => undefined);
    expect(calls).to.have.length(1); // cached
    // Strangers' refusals are cached too; past the bound the cache starts again, so the first is asked again.
    const strangers = Array.from({ length: 4_096 }, () => newWallet());
    for (const stranger of strangers) await admission.admit(await signed(stranger)).catch(() => undefined);
    await admission.admit(raw).catch(() => undefined);
    expect(calls.filter((account) => account === first.address)).to.have.length(2);
  });
});
