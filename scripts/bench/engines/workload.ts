/**
 * The engine comparison's workload, the same for every candidate: the bureau deploys the forwarder, the registry
 * and the ledger, registers a merchant and grants it a quota; then the merchant issues invoices in `issueBatch`
 * transactions, one transaction per block. Every transaction is signed before the clock starts, so what is
 * measured is the engine (execution, block building, its own persistence), not the client's JavaScript.
 */
import { Wallet, getCreateAddress, hexlify, randomBytes } from "ethers";

import { withCheckCharacter } from "../../../api/domain/taxpayer-id";
import { InvoiceLedger__factory, LedgerForwarder__factory, LedgerProxy__factory, ParticipantRegistry__factory } from "../../../typechain-types";
import { signIssueBatch } from "../lib/direct-load";
import type { CandidateEngine } from "./candidate";

export const CHAIN_ID = 1337;
export const BLOCK_GAS_LIMIT = 60_000_000;
export const GENESIS_TIME = 1_790_000_000;
const ledgerInterface = InvoiceLedger__factory.createInterface();

export interface Workload {
  ledger: string;
  /** The `issueBatch` transactions, signed, in order. */
  batches: string[];
  /** The ledger's `nextNumber()` once every batch is in. */
  expectedNextNumber: bigint;
}

/** Deploys and sets up the contracts on the engine (one block per transaction) and signs the issue batches. */
export async function prepare(engine: CandidateEngine, options: { transactions: number; batch: number }, clock: { next(): number }): Promise<Workload> {
  const bureau = new Wallet(hexlify(randomBytes(32)));
  const merchant = new Wallet(hexlify(randomBytes(32)));
  const sign = (wallet: Wallet, nonce: number, to: string | null, data: string, gasLimit = 8_000_000n) =>
    wallet.signTransaction({ to, data, nonce, gasLimit, gasPrice: 0n, chainId: CHAIN_ID, type: 0 });

  // As deployLedger does it: the registry and the ledger behind their proxies, each initialised in its proxy's constructor.
  const forwarder = getCreateAddress({ from: bureau.address, nonce: 0 });
  const registryImplementation = getCreateAddress({ from: bureau.address, nonce: 1 });
  const registry = getCreateAddress({ from: bureau.address, nonce: 2 });
  const ledgerImplementation = getCreateAddress({ from: bureau.address, nonce: 3 });
  const ledger = getCreateAddress({ from: bureau.address, nonce: 4 });
  const registryInit = ParticipantRegistry__factory.createInterface().encodeFunctionData("initialize", [0, bureau.address, 3600]);
  const deploys = [
    (await new LedgerForwarder__factory().getDeployTransaction()).data,
    (await new ParticipantRegistry__factory().getDeployTransaction(forwarder)).data,
    (await new LedgerProxy__factory().getDeployTransaction(registryImplementation, registryInit)).data,
    (await new InvoiceLedger__factory().getDeployTransaction(registry, forwarder)).data,
    (await new LedgerProxy__factory().getDeployTransaction(ledgerImplementation, ledgerInterface.encodeFunctionData("initialize", [3600]))).data,
  ];
  for (const [nonce, data] of deploys.entries()) await engine.block([await sign(bureau, nonce, null, data)], clock.next());
  const taxpayerId = `0x${Buffer.from(withCheckCharacter("91440300000000001")).toString("hex")}`;
  const register = ParticipantRegistry__factory.createInterface().encodeFunctionData("registerMerchant", [merchant.address, taxpayerId]);
  await engine.block([await sign(bureau, deploys.length, registry, register)], clock.next());
  const [period] = ledgerInterface.decodeFunctionResult("currentPeriod", await engine.call(ledger, ledgerInterface.encodeFunctionData("currentPeriod")));
  await engine.block([await sign(bureau, deploys.length + 1, ledger, ledgerInterface.encodeFunctionData("setQuota", [merchant.address, period, 10n ** 17n]))], clock.next());
  const start = await nextNumber(engine, ledger);

  const batches: string[] = [];
  for (let t = 0; t < options.transactions; t++) {
    const requests = Array.from({ length: options.batch }, () => ({ requestId: hexlify(randomBytes(32)), seal: hexlify(randomBytes(24)), buyerTaxId: `0x${"00".repeat(18)}`, total: 11_300n, tax: 1_300n }));
    batches.push(await signIssueBatch(merchant, ledger, requests, t, CHAIN_ID));
  }
  return { ledger, batches, expectedNextNumber: start + BigInt(options.transactions * options.batch) };
}

export async function nextNumber(engine: CandidateEngine, ledger: string): Promise<bigint> {
  const [next] = ledgerInterface.decodeFunctionResult("nextNumber", await engine.call(ledger, ledgerInterface.encodeFunctionData("nextNumber")));
  return next as bigint;
}
