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
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

import { Command } from "commander";
import { JsonRpcProvider, hexlify, randomBytes } from "ethers";

import { InvoiceLedger__factory, type IInvoiceLedger } from "../../typechain-types";
import { freshDataDir, startNodeProcess } from "../lib/node-process";
import { connectAsBureau, sendInFlight, signIssueBatch } from "./lib/direct-load";
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
  const { provider, ledger, chainId, registerMerchants } = connectAsBureau(node, dir);
  const merchants = await registerMerchants(options.merchants);
  const perMerchant = Math.ceil(options.invoices / options.batch / options.merchants);
  process.stderr.write(`  signing ${perMerchant * options.merchants} transactions of ${options.batch} invoices\n`);
  const signed: { raw: string; tag: null }[][] = [];
  for (const wallet of merchants) {
    const transactions: { raw: string; tag: null }[] = [];
    for (let nonce = 0; nonce < perMerchant; nonce++) {
      transactions.push({ raw: await signIssueBatch(wallet, node.ready.contracts.ledger, Array.from({ length: options.batch }, request), nonce, chainId), tag: null });
    }
    signed.push(transactions);
  }

  const latencies: number[] = [];
  let issued = 0;
  const stop = progress("node", () => `${issued} invoices`, 5_000);
  const started = performance.now();
  await Promise.all(
    signed.map((transactions) =>
      sendInFlight(provider, transactions, { inFlight: options.inFlight, pollMs: 5 }, (_receipt, _tag, ms) => {
        latencies.push(ms);
        issued += options.batch;
      }),
    ),
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
