import type { ApiAnswer, ApiClient } from "../../lib/api-client";
import { invoiceBody, type DemoBuyer } from "../../lib/demo-data";
import { progress, summarise, type LatencySummary } from "./stats";

/**
 * Issuing load through the API, every reply awaited (an answer 201 means the invoice is in a synced block):
 * - closed loop: each merchant keeps `concurrency` requests in flight; measures the most the system sustains;
 * - open loop: requests arrive at a fixed rate whatever the replies do; measures latency at a given load.
 * A request is either one invoice (POST /v1/invoices) or a batch of `batchSize` (POST /v1/invoices/batch).
 */
export interface LoadResult {
  requests: number;
  invoices: number;
  failures: Record<string, number>;
  seconds: number;
  invoicesPerSecond: number;
  latencyMs: LatencySummary;
}

export interface LoadShape {
  merchants: ApiClient[];
  buyer: DemoBuyer;
  seconds: number;
  /** Invoices per request: 1 = single issue requests, more = batch requests. */
  batchSize: number;
}

let sequence = 0;

function issue(client: ApiClient, shape: LoadShape): Promise<ApiAnswer> {
  const run = `${process.pid}-${Date.now().toString(36)}`;
  if (shape.batchSize === 1) return client.post("/v1/invoices", invoiceBody(`bench-${run}-${sequence++}`, shape.buyer));
  return client.post("/v1/invoices/batch", { invoices: Array.from({ length: shape.batchSize }, () => invoiceBody(`bench-${run}-${sequence++}`, shape.buyer)) });
}

class Tally {
  readonly latencies: number[] = [];
  readonly failures: Record<string, number> = {};
  invoices = 0;
  readonly started = performance.now();

  record(answer: ApiAnswer, startedAt: number, batchSize: number): void {
    if (answer.status === 201) {
      this.latencies.push(performance.now() - startedAt);
      this.invoices += batchSize;
    } else {
      const code = `${answer.status} ${String(answer.body?.error?.code ?? "")}`;
      this.failures[code] = (this.failures[code] ?? 0) + 1;
    }
  }

  fail(error: unknown): void {
    const code = error instanceof Error ? error.message.slice(0, 60) : "error";
    this.failures[code] = (this.failures[code] ?? 0) + 1;
  }

  result(): LoadResult {
    const seconds = (performance.now() - this.started) / 1000;
    return {
      requests: this.latencies.length,
      invoices: this.invoices,
      failures: this.failures,
      seconds: Number(seconds.toFixed(1)),
      invoicesPerSecond: Math.round(this.invoices / seconds),
      latencyMs: summarise(this.latencies),
    };
  }
}

export async function closedLoop(shape: LoadShape & { concurrency: number }, label = "closed loop"): Promise<LoadResult> {
  const tally = new Tally();
  const deadline = tally.started + shape.seconds * 1000;
  const stop = progress(label, () => `${tally.invoices} invoices`);
  const worker = async (client: ApiClient) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        tally.record(await issue(client, shape), t0, shape.batchSize);
      } catch (error) {
        tally.fail(error);
      }
    }
  };
  await Promise.all(shape.merchants.flatMap((client) => Array.from({ length: shape.concurrency }, () => worker(client))));
  stop();
  return tally.result();
}

export async function openLoop(shape: LoadShape & { requestsPerSecond: number }, label = "open loop"): Promise<LoadResult & { offeredPerSecond: number }> {
  const tally = new Tally();
  const inFlight = new Set<Promise<void>>();
  const stop = progress(label, () => `${tally.invoices} invoices, ${inFlight.size} in flight`);
  let sent = 0;
  while (performance.now() - tally.started < shape.seconds * 1000) {
    const due = Math.floor(((performance.now() - tally.started) / 1000) * shape.requestsPerSecond);
    for (; sent < due; sent++) {
      const client = shape.merchants[sent % shape.merchants.length]!;
      const t0 = performance.now();
      const request: Promise<void> = issue(client, shape)
        .then((answer) => tally.record(answer, t0, shape.batchSize), (error: unknown) => tally.fail(error))
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
  stop();
  return { ...tally.result(), offeredPerSecond: Math.round(shape.requestsPerSecond * shape.batchSize) };
}
