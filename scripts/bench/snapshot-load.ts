/**
 * What a restart from a state snapshot costs, in its two parts, on a synthetic state of any size: reading the
 * snapshot out of the chain store (`ChainStore.snapshotState`) and building the engine's state from it
 * (`createEvmEngine` with the snapshot as genesis state). The state is one contract of N random storage slots
 * (1 M invoices are ~2 M slots), written through the store's own write path (`writeSnapshot`, in batches), so what
 * is read is exactly what a node's store holds.
 *
 *   node -r ts-node/register/transpile-only scripts/bench/snapshot-load.ts --slots 2000000 [--read-only --repeat 3] [--keep <dir>]
 *
 * Prints one JSON line per measurement (wall and CPU time, the process's RSS after each part; for the build also
 * `maxStallMs`, the longest the event loop stood still, which a running node would serve nothing). After the build, a steady load
 * (the engine comparison's workload: the ledger's contracts, then 100-invoice `issueBatch` blocks) shows what the
 * engine's memory does once it runs. The engine build and both RSS figures are what mimalloc's options
 * (ledger-node/README.md) change, so run it with and without them.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Command } from "commander";

import { createEvmEngine, mineBlock, type EvmEngine } from "../../ledger-node/chain/evm-engine";
import { ChainStore } from "../../ledger-node/store/chain-store";
import type { StateDiff } from "../../ledger-node/snapshot/state-diff";
import type { CandidateEngine } from "./engines/candidate";
import { BLOCK_GAS_LIMIT, CHAIN_ID, GENESIS_TIME, nextNumber, prepare } from "./engines/workload";

const options = new Command()
  .option("--slots <n>", "storage slots in the synthetic state", (v) => Number(v), 1_000_000)
  .option("--repeat <n>", "how many times the store read is measured (with --read-only)", (v) => Number(v), 1)
  .option("--read-only", "measure the store read only (no engine build)")
  .option("--load <transactions>", "after the build, this many 100-invoice issueBatch blocks on the new engine (the RSS after a steady load); 0: none", (v) => Number(v), 200)
  .option("--keep <dir>", "write the store there and keep it (reused by later runs with the same --keep)")
  .parse()
  .opts<{ slots: number; repeat: number; readOnly?: boolean; load: number; keep?: string }>();

const CONTRACT = "0x" + "ab".repeat(20);
const WRITE_BATCH = 100_000;
/** CPU time of the whole process (every thread: EDR builds on its own) beside the wall time: this machine's two cores are shared, and the CPU time varies less. */
function cpuSince(start: NodeJS.CpuUsage): { cpuMs: number; sysMs: number } {
  const { user, system } = process.cpuUsage(start);
  return { cpuMs: Math.round((user + system) / 1000), sysMs: Math.round(system / 1000) };
}
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

async function fill(store: ChainStore, slots: number): Promise<void> {
  for (let written = 0; written < slots; written += WRITE_BATCH) {
    const storage = new Map<string, string | null>();
    for (let i = written; i < Math.min(slots, written + WRITE_BATCH); i++) storage.set(`0x${randomBytes(32).toString("hex")}`, `0x${randomBytes(32).toString("hex")}`);
    const diff: StateDiff = new Map([[CONTRACT, { nonce: "0x1", balance: "0x0", code: "0x6000", storage }]]);
    await store.writeSnapshot({ number: 1, hash: `0x${"00".repeat(32)}`, stateRoot: `0x${"00".repeat(32)}` }, diff);
  }
}

/** The engine comparison's workload (the ledger's contracts, then 100-invoice issueBatch blocks) on `engine`. */
async function steadyLoad(engine: EvmEngine, transactions: number): Promise<void> {
  let time = GENESIS_TIME;
  const clock = { next: () => ++time };
  const candidate: Pick<CandidateEngine, "block" | "call"> = {
    async block(raws, timestamp) {
      for (const raw of raws) await engine.request("eth_sendRawTransaction", [raw]);
      await mineBlock(engine, timestamp);
    },
    call: (to, data) => engine.request<string>("eth_call", [{ to, data }, "latest"]),
  };
  const workload = await prepare(candidate as CandidateEngine, { transactions, batch: 100 }, clock);
  for (const raw of workload.batches) await candidate.block([raw], clock.next());
  if ((await nextNumber(candidate as CandidateEngine, workload.ledger)) !== workload.expectedNextNumber) throw new Error("the load's invoices are not all on the ledger");
}

async function main(): Promise<void> {
  const location = options.keep ?? (await mkdtemp(join(tmpdir(), "snapshot-load-")));
  const fresh = !existsSync(join(location, "CURRENT"));
  const store = await ChainStore.open(location);
  try {
    if (fresh) {
      const started = performance.now();
      await fill(store, options.slots);
      console.log(JSON.stringify({ part: "fill", slots: options.slots, ms: Math.round(performance.now() - started) }));
    }
    // The engine is built once per process: a second build would add its memory to the first one's figure.
    const runs = options.readOnly === true ? options.repeat : 1;
    for (let run = 1; run <= runs; run++) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const state = await store.snapshotState((await store.snapshotMark())!);
      if (state === undefined) throw new Error("the snapshot moved while it was read");
      const readMs = Math.round(performance.now() - started);
      const slots = state.reduce((sum, account) => sum + (account.storage?.length ?? 0), 0);
      console.log(JSON.stringify({ part: "read", run, slots, ms: readMs, ...cpuSince(cpu), rssMb: mb() }));
      if (options.readOnly === true) continue;
      const built = performance.now();
      const buildCpu = process.cpuUsage();
      // How long the event loop stands still while EDR builds (a node serves nothing meanwhile).
      let tick = performance.now();
      let maxStallMs = 0;
      const ticker = setInterval(() => {
        maxStallMs = Math.max(maxStallMs, performance.now() - tick);
        tick = performance.now();
      }, 10);
      const engine = await createEvmEngine({ chainId: CHAIN_ID, blockGasLimit: BLOCK_GAS_LIMIT, genesisTime: GENESIS_TIME }, { state, time: GENESIS_TIME });
      clearInterval(ticker);
      const mimalloc = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith("MIMALLOC_")));
      console.log(JSON.stringify({ part: "engine", run, slots, ms: Math.round(performance.now() - built), ...cpuSince(buildCpu), maxStallMs: Math.round(maxStallMs), rssMb: mb(), mimalloc }));
      if (options.load > 0) {
        state.length = 0; // what a node keeps of the snapshot once its engine is built: nothing
        const loaded = performance.now();
        const loadCpu = process.cpuUsage();
        await steadyLoad(engine, options.load);
        console.log(JSON.stringify({ part: "load", run, blocks: options.load, invoices: options.load * 100, ms: Math.round(performance.now() - loaded), ...cpuSince(loadCpu), rssMb: mb(), mimalloc }));
      }
    }
  } finally {
    await store.close();
    if (options.keep === undefined) await rm(location, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
