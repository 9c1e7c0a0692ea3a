/** Latency summaries: nearest-rank percentiles in whole milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarise(latenciesMs: number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted[sorted.length - 1] ?? 0) };
}

/** Prints a progress line on stderr every `everyMs` while a long step runs; returns the stop function. */
export function progress(label: string, read: () => string, everyMs = 5_000): () => void {
  const started = performance.now();
  const timer = setInterval(() => process.stderr.write(`  ${label}: ${read()} after ${((performance.now() - started) / 1000).toFixed(0)} s\n`), everyMs);
  return () => clearInterval(timer);
}
