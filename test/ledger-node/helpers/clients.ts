import { readFileSync } from "node:fs";
import { join } from "node:path";

import { JsonRpcProvider, NonceManager, Wallet, ethers } from "ethers";

import { withCheckCharacter } from "../../../api/domain/taxpayer-id";
import { InvoiceLedger__factory, ParticipantRegistry__factory } from "../../../typechain-types";
import { prepareInvoice, taxpayerIdBytes } from "../../contracts/helpers/documents";
import type { NodeProcess } from "../../../scripts/lib/node-process";

/** ethers clients of a running node: the bureau (its authority key) and typed contracts. */
export function connect(node: NodeProcess, dataDir: string) {
  // cacheTimeout -1: ethers otherwise answers repeated reads (e.g. the latest block) from a 250 ms cache.
  const provider = new JsonRpcProvider(node.url, node.ready.chainId, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  const bureauKey = readFileSync(join(dataDir, "authority.key"), "utf8").trim();
  const bureau = new NonceManager(new Wallet(bureauKey, provider));
  const registry = ParticipantRegistry__factory.connect(node.ready.contracts.registry, bureau);
  const ledger = InvoiceLedger__factory.connect(node.ready.contracts.ledger, bureau);
  return { provider, bureau, bureauKey, registry, ledger };
}

export const MERCHANT_TAX_ID = withCheckCharacter("91440300MA5FTE7X1");

/** Registers a merchant with a quota for the current period and returns it, ready to issue. */
export async function registerMerchant(clients: ReturnType<typeof connect>, key = Wallet.createRandom().privateKey, taxpayerId = MERCHANT_TAX_ID) {
  const merchant = new NonceManager(new Wallet(key, clients.provider));
  const address = await merchant.getAddress();
  await (await clients.registry.registerMerchant(address, taxpayerIdBytes(taxpayerId))).wait();
  const period = await clients.ledger.currentPeriod();
  await (await clients.ledger.setQuota(address, period, 10n ** 15n)).wait();
  return { merchant, address, key, ledger: clients.ledger.connect(merchant) };
}

export async function issueSome(ledger: ReturnType<typeof InvoiceLedger__factory.connect>, count: number) {
  const receipts = [];
  for (let i = 0; i < count; i++) {
    const batch = Array.from({ length: 5 }, () => prepareInvoice().request);
    receipts.push(await (await ledger.issueBatch(batch)).wait());
  }
  return receipts;
}

export { ethers };

/** One raw JSON-RPC call, for asserting on the node's own answers and error objects. */
export async function rpc(url: string, method: string, params: unknown[] = [], bearer?: string): Promise<{ result?: unknown; error?: { code: number; message: string; data?: { code?: string } } }> {
  const headers = { "content-type": "application/json", ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) };
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: { code?: string } } };
}

/**
 * A transaction's receipt, read from the node until it has one; a stall is reported with the node's own view of its
 * head and pool, so that a failure says which side stopped. Not ethers' waitForTransaction: it reads the head before
 * the receipt, and when the receipt is of a later block than that head it waits for yet another block, which a
 * chain that then goes quiet never makes.
 */
export async function receiptOf(node: Pick<NodeProcess, "url">, hash: string, timeoutMs = 30_000): Promise<{ status: string; blockNumber: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await rpc(node.url, "eth_getTransactionReceipt", [hash]);
    if (answer.result !== null && answer.result !== undefined) return answer.result as { status: string; blockNumber: string };
    if (Date.now() > deadline) {
      const health = await (await fetch(`${node.url}/health`)).json();
      throw new Error(`no receipt for ${hash} after ${timeoutMs} ms; the node says ${JSON.stringify(health)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
