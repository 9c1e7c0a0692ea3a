import { registerMerchants, startBenchSystem, type Engine } from "../lib/bench-system";
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
}

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
  peakRssMiB: { chain: number | undefined; api: number | undefined };
}

export async function runIssue(engine: Engine, options: IssueOptions): Promise<IssueResult> {
  const system = await startBenchSystem(engine);
  const registered = await registerMerchants(system.bureau, options.merchants).catch(async (error: unknown) => {
    await system.stop();
    throw error;
  });
  const first = new PooledApiClient(system.api.url, undefined);
  try {
    const merchants = registered.merchants.map((merchant) => first.as(merchant.apiKey!));
    const shape = { merchants, buyer: registered.buyer, seconds: options.seconds };
    const processes: CpuProcesses = { client: "self", api: system.api.child.pid, postgres: postgresOf(system.dataDir), chain: system.chainPid };
    const measured = async <T extends LoadResult>(run: () => Promise<T>): Promise<MeasuredLoad<T>> => {
      const phasesBefore = await phaseReading(system.api.url);
      const before = cpuReading(processes);
      const result = await run();
      const cpuMicrosPerInvoice = perInvoice(before, cpuReading(processes), result.invoices);
      return { ...result, cpuMicrosPerInvoice, phaseMs: meanPhaseMs(phasesBefore, await phaseReading(system.api.url)) };
    };
    const full = await measured(() => closedLoop({ ...shape, batchSize: 1, concurrency: options.concurrency }, `${engine} full load`));
    const half = await measured(() => openLoop({ ...shape, batchSize: 1, requestsPerSecond: Math.max(1, full.invoicesPerSecond / 2) }, `${engine} half load`));
    const batch = await measured(() => closedLoop({ ...shape, batchSize: options.batchSize, concurrency: options.batchInFlight }, `${engine} batch requests`));
    return { engine, full, half, batch, peakRssMiB: { chain: peakRssMiB(system.chainPid), api: peakRssMiB(system.api.child.pid) } };
  } finally {
    await first.close();
    await system.stop();
  }
}
