/**
 * The ledger node under an issuing load, through its JSON-RPC, the way the API drives it: several merchants,
 * each with a few batch transactions in flight, each waiting for its receipt (durable before the reply). The
 * transactions are signed before the clock starts, so that the figure is the node's (admission, EVM, sealing,
 * journal), not the load client's JavaScript signing on the same cores. Then the node is restarted and the time
 * until it serves again is measured, with a check that every invoice is still there.
 *
 *   npm run bench -- --only node --node-invoices 60000
 *
 * Writes bench/node.json.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

import { Command } from "commander";
import { JsonRpcProvider, NonceManager, Wallet, hexlify, randomBytes } from "ethers";

import { withCheckCharacter } from "../../api/domain/taxpayer-id";
import { InvoiceLedger__factory, ParticipantRegistry__factory, type IInvoiceLedger } from "../../typechain-types";
import { freshDataDir, startNodeProcess } from "../lib/node-process";
import { waitForReceipt } from "./lib/receipt";
import { progress, summarise } from "./lib/stats";

const options = new Command()
  .option("--invoices <n>", "invoices to issue", (v) => Number(v), 60_000)
  .option("--merchants <n>", "concurrent merchants", (v) => Number(v), 8)
  .option("--batch <n>", "invoices per transaction", (v) => Number(v), 100)
  .option("--in-flight <n>", "transactions in flight per merchant", (v) => Number(v), 2)
  .option("--window <ms>", "the node's block window", (v) => Number(v), 10)
  .parse()
  .opts<{ invoices: number; merchants: number; batch: number; inFlight: number; window: number }>();

function request(): IInvoiceLedger.IssueRequestStruct {
  // Cheap to make: the node's work, not the client's, is measured (a real seal is a keccak of the document).
  return { requestId: hexlify(randomBytes(32)), seal: hexlify(randomBytes(24)), buyerTaxId: `0x${"00".repeat(18)}`, total: 11_300n, tax: 1_300n };
}

async function main(): Promise<void> {
  const dir = freshDataDir();
  let node = await startNodeProcess(dir, {}, options.window);
  const provider = new JsonRpcProvider(node.url, node.ready.chainId, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 });
  const bureau = new NonceManager(new Wallet(readFileSync(join(dir, "authority.key"), "utf8").trim(), provider));
  const registry = ParticipantRegistry__factory.connect(node.ready.contracts.registry, bureau);
  const ledger = InvoiceLedger__factory.connect(node.ready.contracts.ledger, bureau);
  const period = await ledger.currentPeriod();
  const perMerchant = Math.ceil(options.invoices / options.batch / options.merchants);
  const signed: string[][] = [];
  process.stderr.write(`  signing ${perMerchant * options.merchants} transactions of ${options.batch} invoices\n`);
  for (let i = 0; i < options.merchants; i++) {
    const wallet = new Wallet(hexlify(randomBytes(32)));
    const taxpayerId = withCheckCharacter(`9144030000000${String(i).padStart(4, "0")}`);
    await waitForReceipt(provider, (await registry.registerMerchant(wallet.address, `0x${Buffer.from(taxpayerId).toString("hex")}`)).hash);
    await waitForReceipt(provider, (await ledger.setQuota(wallet.address, period, 10n ** 17n)).hash);
    const transactions: string[] = [];
    for (let nonce = 0; nonce < perMerchant; nonce++) {
      const tx = await ledger.issueBatch.populateTransaction(Array.from({ length: options.batch }, request));
      transactions.push(await wallet.signTransaction({ ...tx, nonce, gasLimit: BigInt(options.batch) * 60_000n + 200_000n, gasPrice: 0n, chainId: node.ready.chainId, type: 0 }));
    }
    signed.push(transactions);
  }

  const latencies: number[] = [];
  let issued = 0;
  const stop = progress("node", () => `${issued} invoices`, 5_000);
  const started = performance.now();
  await Promise.all(
    signed.map(async (transactions) => {
      const inFlight = new Set<Promise<void>>();
      for (const raw of transactions) {
        const t0 = performance.now();
        const hash = (await provider.send("eth_sendRawTransaction", [raw])) as string;
        const done: Promise<void> = waitForReceipt(provider, hash, 5).then((r) => {
          if (r.status !== 1) throw new Error(`transaction ${hash} failed`);
          latencies.push(performance.now() - t0);
          issued += options.batch;
          inFlight.delete(done);
        });
        inFlight.add(done);
        if (inFlight.size >= options.inFlight) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    }),
  );
  stop();
  const elapsed = (performance.now() - started) / 1000;
  const expectedNext = await ledger.nextNumber();
  provider.destroy();
  await node.stop();

  const restartStarted = performance.now();
  node = await startNodeProcess(dir, {}, options.window);
  const restartSeconds = (performance.now() - restartStarted) / 1000;
  const after = new JsonRpcProvider(node.url, node.ready.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const nextAfter = await InvoiceLedger__factory.connect(node.ready.contracts.ledger, after).nextNumber();
  const blocks = await after.getBlockNumber();
  after.destroy();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });

  const result = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: options,
    issue: {
      invoices: issued,
      seconds: Number(elapsed.toFixed(1)),
      invoicesPerSecond: Math.round(issued / elapsed),
      transactionLatencyMs: summarise(latencies),
    },
    restart: {
      invoicesStored: Number(expectedNext) - 1,
      blocks,
      secondsToReady: Number(restartSeconds.toFixed(2)),
      allInvoicesPresent: nextAfter === expectedNext,
    },
  };
  mkdirSync("bench", { recursive: true });
  writeFileSync("bench/node.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
