/** The API's api_issue_phase_seconds sums and counts by phase, read from its /metrics (Prometheus text). */
export type PhaseReading = Map<string, { sum: number; count: number }>;

const SAMPLE = /^api_issue_phase_seconds_(sum|count)\{phase="([a-z]+)"\} ([0-9.eE+-]+)$/;

export async function phaseReading(apiUrl: string): Promise<PhaseReading> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const reading: PhaseReading = new Map();
  for (const line of text.split("\n")) {
    const match = SAMPLE.exec(line.trim());
    if (match === null) continue;
    const [, kind, phase, value] = match;
    const entry = reading.get(phase!) ?? { sum: 0, count: 0 };
    entry[kind as "sum" | "count"] = Number(value);
    reading.set(phase!, entry);
  }
  return reading;
}

/** The mean ms an issued invoice spent in each phase between two readings (phases in the order they happen). */
export function meanPhaseMs(before: PhaseReading, after: PhaseReading): Record<string, number> {
  const means: Record<string, number> = {};
  for (const phase of ["store", "queue", "send", "block", "index"]) {
    const a = after.get(phase);
    const b = before.get(phase) ?? { sum: 0, count: 0 };
    if (a === undefined || a.count === b.count) continue;
    means[phase] = Number((((a.sum - b.sum) / (a.count - b.count)) * 1000).toFixed(1));
  }
  return means;
}
