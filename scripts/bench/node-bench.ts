/**
 * The ledger node under an issuing load, through its JSON-RPC, the way the API drives it: several merchants,
 * each with a few batch transactions in flight, each waiting for its receipt (durable before the reply). The
 * transactions are signed before the clock starts, so that the figure is the node's (admission, EVM, sealing,
 * journal), not the load client's JavaScript signing on the same cores. Then a standby follows the whole journal,
 * the node is killed (kill -9) and the standby promoted (the time the promotion takes, and every invoice there);
 * then the node is restarted and the time until it serves again is measured, with a check that every invoice is
 * still there.
 *
 *   npm run bench -- --only node --node-invoices 60000
 *
 * Writes bench/node.json.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

import { Command } from "commander";
import { JsonRpcProvider, hexlify, randomBytes } from "ethers";

import { InvoiceLedger__factory, type IInvoiceLedger } from "../../typechain-types";
import { freshDataDir, startNodeProcess } from "../lib/node-process";
import { connectAsBureau, sendInFlight, signIssueBatch } from "./lib/direct-load";
import { peakRssMiB, rssMiB } from "./lib/peak-rss";
import { nodeHealth } from "./lib/node-restart";
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
  const peakRssMb = peakRssMiB(node.child.pid) ?? NaN;

  // A standby: it follows the whole journal, then takes over once the primary is killed.
  const standbyDir = freshDataDir();
  const followStarted = performance.now();
  const standby = await startNodeProcess(standbyDir, {
    LEDGER_FOLLOW: node.url,
    LEDGER_PRIMARY_ADMIN_TOKEN: readFileSync(join(dir, "admin.token"), "utf8").trim(),
    LEDGER_AUTHORITY_KEY: readFileSync(join(dir, "authority.key"), "utf8").trim(),
  }, options.window);
  const primaryHead = (await rpcCall(node.url, "eth_blockNumber")) as string;
  while ((await rpcCall(standby.url, "eth_blockNumber")) !== primaryHead) await new Promise((resolve) => setTimeout(resolve, 50));
  const followSeconds = (performance.now() - followStarted) / 1000;
  await node.kill();
  const promoteStarted = performance.now();
  const promoted = await fetch(`${standby.url}/admin/promote`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${readFileSync(join(standbyDir, "admin.token"), "utf8").trim()}` },
    body: "{}",
  });
  const promotionMs = performance.now() - promoteStarted;
  if (!promoted.ok) throw new Error(`promotion refused: ${promoted.status} ${await promoted.text()}`);
  const onStandby = new JsonRpcProvider(standby.url, standby.ready.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const standbyNext = await InvoiceLedger__factory.connect(standby.ready.contracts.ledger, onStandby).nextNumber();
  onStandby.destroy();
  await standby.stop();
  rmSync(standbyDir, { recursive: true, force: true });

  const restartStarted = performance.now();
  node = await startNodeProcess(dir, {}, options.window);
  const restartSeconds = (performance.now() - restartStarted) / 1000;
  const rssAfterRestartMb = rssMiB(node.child.pid) ?? NaN;
  // Where the start began: the state snapshot's block (written every LEDGER_SNAPSHOT_MS or blocks), then the
  // blocks after it replayed; how many depends on when the last snapshot was written before the kill.
  const fromSnapshotBlock = (await nodeHealth(node)).snapshot.startedFrom;
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
    standby: {
      secondsToFollowTheWholeJournal: Number(followSeconds.toFixed(1)),
      promotionMs: Number(promotionMs.toFixed(1)),
      allInvoicesPresentAfterPromotion: standbyNext === expectedNext,
    },
    memoryMb: { peakUnderLoad: peakRssMb, afterRestart: rssAfterRestartMb },
    restart: {
      invoicesStored: Number(expectedNext) - 1,
      blocks,
      fromSnapshotBlock,
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

async function rpcCall(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await response.json()) as { result?: unknown }).result;
}

