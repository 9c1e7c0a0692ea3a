import { registerMerchants, startBenchSystem, type Engine } from "../lib/bench-system";
import { closedLoop, openLoop, type LoadResult } from "../lib/issue-load";
import { peakRssMiB } from "../lib/peak-rss";

/**
 * Issue throughput through the API, durable before the reply, against one engine:
 * - full load: every merchant keeps `concurrency` single-issue requests in flight (the API groups them);
 * - half load: single requests arriving at half the full-load rate, for the latency a client sees there;
 * - batch requests: `batchSize` invoices per request, two requests in flight per merchant;
 * and the peak RSS of the chain process and the API process over the three runs.
 */
export interface IssueOptions {
  seconds: number;
  merchants: number;
  concurrency: number;
  batchSize: number;
}

export interface IssueResult {
  engine: Engine;
  full: LoadResult;
  half: LoadResult & { offeredPerSecond: number };
  batch: LoadResult;
  peakRssMiB: { chain: number | undefined; api: number | undefined };
}

export async function runIssue(engine: Engine, options: IssueOptions): Promise<IssueResult> {
  const system = await startBenchSystem(engine);
  try {
    const { merchants, buyer } = await registerMerchants(system.bureau, options.merchants);
    const shape = { merchants, buyer, seconds: options.seconds };
    const full = await closedLoop({ ...shape, batchSize: 1, concurrency: options.concurrency }, `${engine} full load`);
    const half = await openLoop({ ...shape, batchSize: 1, requestsPerSecond: Math.max(1, full.invoicesPerSecond / 2) }, `${engine} half load`);
    const batch = await closedLoop({ ...shape, batchSize: options.batchSize, concurrency: 2 }, `${engine} batch requests`);
    return { engine, full, half, batch, peakRssMiB: { chain: peakRssMiB(system.chainPid), api: peakRssMiB(system.api.child.pid) } };
  } finally {
    await system.stop();
  }
}
