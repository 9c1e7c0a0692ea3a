/**
 * The ledger node under an issuing load, through its JSON-RPC, the way the API will drive it: several
 * merchants, each sending batches of invoices and waiting for the receipt (durable before the reply).
 * Then the node is restarted and the time until it serves again is measured, with a check that every
 * invoice is still there.
 *
 *   npm run bench:node -- --seconds 30 --merchants 8 --batch 100
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
import { summarise } from "./lib/stats";

const options = new Command()
  .option("--seconds <n>", "duration of the load", (v) => Number(v), 30)
  .option("--merchants <n>", "concurrent merchants", (v) => Number(v), 8)
  .option("--batch <n>", "invoices per transaction", (v) => Number(v), 100)
  .option("--window <ms>", "the node's block window", (v) => Number(v), 10)
  .parse()
  .opts<{ seconds: number; merchants: number; batch: number; window: number }>();

function request(): IInvoiceLedger.IssueRequestStruct {
  // Cheap to make: the node's work, not the client's, is measured (a real seal is a keccak of the document).
  return { requestId: hexlify(randomBytes(32)), seal: hexlify(randomBytes(24)), buyerTaxId: `0x${"00".repeat(18)}`, total: 11_300n, tax: 1_300n };
}

async function main(): Promise<void> {
  const dir = freshDataDir();
  let node = await startNodeProcess(dir, {}, options.window);
  const provider = new JsonRpcProvider(node.url, node.ready.chainId, { staticNetwork: true, pollingInterval: Number(process.env.BENCH_POLL_MS ?? 5), cacheTimeout: -1 });
  const bureau = new NonceManager(new Wallet(readFileSync(join(dir, "authority.key"), "utf8").trim(), provider));
  const registry = ParticipantRegistry__factory.connect(node.ready.contracts.registry, bureau);
  const ledger = InvoiceLedger__factory.connect(node.ready.contracts.ledger, bureau);
  const period = await ledger.currentPeriod();
  const merchants = [];
  for (let i = 0; i < options.merchants; i++) {
    const wallet = new NonceManager(new Wallet(Wallet.createRandom().privateKey, provider));
    const taxpayerId = withCheckCharacter(`9144030000000${String(i).padStart(4, "0")}`);
    await (await registry.registerMerchant(await wallet.getAddress(), `0x${Buffer.from(taxpayerId).toString("hex")}`)).wait();
    await (await ledger.setQuota(await wallet.getAddress(), period, 10n ** 17n)).wait();
    merchants.push(ledger.connect(wallet));
  }

  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let lastReport = started;
  await Promise.all(
    merchants.map(async (merchant) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const tx = await merchant.issueBatch(Array.from({ length: options.batch }, request));
        await tx.wait();
        latencies.push(performance.now() - t0);
        issued += options.batch;
        if (performance.now() - lastReport > 5_000) {
          lastReport = performance.now();
          process.stderr.write(`  ${Math.round((lastReport - started) / 1000)} s: ${issued} invoices\n`);
        }
      }
    }),
  );
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
