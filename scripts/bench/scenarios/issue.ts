import type { ApiClient } from "../../lib/api-client";
import type { DemoBuyer } from "../../lib/demo-data";
import { registerMerchants, startBenchSystem, type BenchSystem, type Engine } from "../lib/bench-system";
import { closedLoop, openLoop, type LoadResult } from "../lib/issue-load";
import { peakRssMiB } from "../lib/peak-rss";
import { PooledApiClient } from "../lib/pooled-api-client";
import { meanPhaseMs, phaseReading } from "../lib/issue-phases";
import { cpuReading, perInvoice, postgresOf, type CpuProcesses } from "../lib/process-cpu";

/**
 * Issue throughput through the API, durable before the reply, against one engine:
 * - full load: every merchant keeps `concurrency` single-issue requests in flight (the API groups them);
 * - half load: single requests arriving at half the full-load rate, for the latency a client sees there;
 * - batch requests: `batchSize` invoices per request, `batchInFlight` requests in flight per merchant;
 * - many merchants (our node only): `manyMerchants` merchants, 4 single-issue requests in flight each, the shape in
 *   which a block's transactions are many and small (ledger-node/README.md, "Many merchants at once");
 * and the peak RSS of the chain process and the API process over the three runs. Each run also reports the CPU
 * each process spent per invoice (µs: load client, API, PostgreSQL, chain), so a change in throughput shows
 * where it came from.
 */
export interface IssueOptions {
  seconds: number;
  merchants: number;
  concurrency: number;
  batchSize: number;
  batchInFlight: number;
  /** Merchants of the many-merchants run (0: none). */
  manyMerchants: number;
}

/** Single-issue requests in flight per merchant in the many-merchants run. */
const MANY_CONCURRENCY = 4;

/**
 * A load run, the CPU µs per invoice each process spent on it, and the mean ms an invoice spent in each phase of
 * its request as the API measures them (api_issue_phase_seconds: store, queue, send, block, index).
 */
export type MeasuredLoad<T extends LoadResult = LoadResult> = T & { cpuMicrosPerInvoice: Record<string, number>; phaseMs?: Record<string, number> };

export interface IssueResult {
  engine: Engine;
  full: MeasuredLoad;
  half: MeasuredLoad<LoadResult & { offeredPerSecond: number }>;
  batch: MeasuredLoad;
  many?: MeasuredLoad & { merchants: number; concurrency: number };
  peakRssMiB: { chain: number | undefined; api: number | undefined };
}

export async function runIssue(engine: Engine, options: IssueOptions): Promise<IssueResult> {
  const result = await withSystem(engine, options.merchants, options.seconds, async ({ shape, measured, system }) => {
    const full = await measured(() => closedLoop({ ...shape, batchSize: 1, concurrency: options.concurrency }, `${engine} full load`));
    const half = await measured(() => openLoop({ ...shape, batchSize: 1, requestsPerSecond: Math.max(1, full.invoicesPerSecond / 2) }, `${engine} half load`));
    const batch = await measured(() => closedLoop({ ...shape, batchSize: options.batchSize, concurrency: options.batchInFlight }, `${engine} batch requests`));
    return { engine, full, half, batch, peakRssMiB: { chain: peakRssMiB(system.chainPid), api: peakRssMiB(system.api.child.pid) } };
  });
  if (engine !== "ledger-node" || options.manyMerchants === 0) return result;
  const many = await withSystem(engine, options.manyMerchants, options.seconds, ({ shape, measured }) =>
    measured(() => closedLoop({ ...shape, batchSize: 1, concurrency: MANY_CONCURRENCY }, `${engine} ${options.manyMerchants} merchants`)),
  );
  return { ...result, many: { ...many, merchants: options.manyMerchants, concurrency: MANY_CONCURRENCY } };
}

interface MeasuredSystem {
  system: BenchSystem;
  shape: { merchants: ApiClient[]; buyer: DemoBuyer; seconds: number };
  /** Runs a load and adds the CPU each process spent per invoice on it, and the API's phases. */
  measured<T extends LoadResult>(run: () => Promise<T>): Promise<MeasuredLoad<T>>;
}

/** Starts a system with `merchantCount` merchants registered, runs `work` against it, and stops it. */
async function withSystem<T>(engine: Engine, merchantCount: number, seconds: number, work: (measuring: MeasuredSystem) => Promise<T>): Promise<T> {
  const system = await startBenchSystem(engine);
  const registered = await registerMerchants(system.bureau, merchantCount).catch(async (error: unknown) => {
    await system.stop();
    throw error;
  });
  const first = new PooledApiClient(system.api.url, undefined);
  try {
    const merchants = registered.merchants.map((merchant) => first.as(merchant.apiKey!));
    const processes: CpuProcesses = { client: "self", api: system.api.child.pid, postgres: postgresOf(system.dataDir), chain: system.chainPid };
    const measured = async <L extends LoadResult>(run: () => Promise<L>): Promise<MeasuredLoad<L>> => {
      const phasesBefore = await phaseReading(system.api.url);
      const before = cpuReading(processes);
      const result = await run();
      const cpuMicrosPerInvoice = perInvoice(before, cpuReading(processes), result.invoices);
      return { ...result, cpuMicrosPerInvoice, phaseMs: meanPhaseMs(phasesBefore, await phaseReading(system.api.url)) };
    };
    return await work({ system, shape: { merchants, buyer: registered.buyer, seconds }, measured });
  } finally {
    await first.close();
    await system.stop();
  }
}
