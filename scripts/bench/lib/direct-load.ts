/**
 * Loads that go straight to the ledger node, as merchants' own software may: the bureau registers merchants and
 * grants quotas, merchants send signed `issueBatch` transactions with a few in flight, each awaited by its
 * receipt. Used by the node benchmark and the scale seeding.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { JsonRpcProvider, NonceManager, Wallet, hexlify, randomBytes, type TransactionReceipt } from "ethers";

import { withCheckCharacter } from "../../../api/domain/taxpayer-id";
import { minedReceipt } from "../../../lib/mined-receipt";
import { InvoiceLedger__factory, ParticipantRegistry__factory, type IInvoiceLedger, type InvoiceLedger } from "../../../typechain-types";
import type { NodeProcess } from "../../lib/node-process";

const ledgerInterface = InvoiceLedger__factory.createInterface();

export interface DirectLedger {
  provider: JsonRpcProvider;
  chainId: number;
  /** The ledger contract, connected as the bureau (for reads and bureau calls). */
  ledger: InvoiceLedger;
  /** Registers `count` new merchants with an unlimited quota for the current period; returns their keys. */
  registerMerchants(count: number): Promise<Wallet[]>;
}

/** Connects to a node started in `dataDir` as its bureau (the authority key the node generated there). */
export function connectAsBureau(node: NodeProcess, dataDir: string): DirectLedger {
  const provider = new JsonRpcProvider(node.url, node.ready.chainId, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 });
  const bureau = new NonceManager(new Wallet(readFileSync(join(dataDir, "authority.key"), "utf8").trim(), provider));
  const registry = ParticipantRegistry__factory.connect(node.ready.contracts.registry, bureau);
  const ledger = InvoiceLedger__factory.connect(node.ready.contracts.ledger, bureau);
  return {
    provider,
    chainId: node.ready.chainId,
    ledger,
    async registerMerchants(count) {
      const period = await ledger.currentPeriod();
      const merchants: Wallet[] = [];
      for (let m = 0; m < count; m++) {
        const wallet = new Wallet(hexlify(randomBytes(32)));
        const taxpayerId = withCheckCharacter(`9144030000000${String(m).padStart(4, "0")}`);
        await minedReceipt(provider, (await registry.registerMerchant(wallet.address, `0x${Buffer.from(taxpayerId).toString("hex")}`)).hash);
        await minedReceipt(provider, (await ledger.setQuota(wallet.address, period, 10n ** 17n)).hash);
        merchants.push(wallet);
      }
      return merchants;
    },
  };
}

/** The most gas one transaction may ask of the ledger node (its `transactionGasCap`). */
const TRANSACTION_GAS_CAP = 30_000_000n;

/** One `issueBatch` transaction, signed with an explicit nonce and a gas limit that fits the batch (and the node's cap: 500 invoices take ~26.5M). */
export function signIssueBatch(merchant: Wallet, ledger: string, requests: IInvoiceLedger.IssueRequestStruct[], nonce: number, chainId: number): Promise<string> {
  const data = ledgerInterface.encodeFunctionData("issueBatch", [requests]);
  const fits = BigInt(requests.length) * 60_000n + 200_000n;
  return merchant.signTransaction({ to: ledger, data, nonce, gasLimit: fits < TRANSACTION_GAS_CAP ? fits : TRANSACTION_GAS_CAP, gasPrice: 0n, chainId, type: 0 });
}

/**
 * Sends one merchant's signed transactions in order, at most `inFlight` of them waiting for their receipt;
 * `confirmed` gets each successful receipt with its tag and the milliseconds from send to receipt. A failed
 * transaction, or one not mined within two minutes, fails the load (minedReceipt: asked for every `pollMs`, not
 * ethers' `wait()`, which polls every 4 s by default and would make a benchmark measure its own waiting).
 */
export async function sendInFlight<T>(
  provider: JsonRpcProvider,
  transactions: AsyncIterable<{ raw: string; tag: T }> | Iterable<{ raw: string; tag: T }>,
  options: { inFlight: number; pollMs?: number },
  confirmed: (receipt: TransactionReceipt, tag: T, ms: number) => void,
): Promise<void> {
  const waiting = new Set<Promise<void>>();
  for await (const { raw, tag } of transactions) {
    const sentAt = performance.now();
    const hash = (await provider.send("eth_sendRawTransaction", [raw])) as string;
    const done: Promise<void> = minedReceipt(provider, hash, { pollMs: options.pollMs ?? 20 }).then((receipt) => {
      confirmed(receipt, tag, performance.now() - sentAt);
      waiting.delete(done);
    });
    waiting.add(done);
    if (waiting.size >= options.inFlight) await Promise.race(waiting);
  }
  await Promise.all(waiting);
}
