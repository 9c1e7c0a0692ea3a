import type fc from "fast-check";

/**
 * Settings of every property-based test: a fixed seed so that `npm test` is deterministic, and the
 * environment to explore further (FC_SEED=random FC_RUNS=1000 npm test).
 */
export function propertyRuns(defaultRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED;
  const runs = Number(process.env.FC_RUNS ?? defaultRuns);
  return {
    numRuns: runs,
    ...(seed === "random" ? {} : { seed: Number(seed ?? 20_181_010) }),
  };
}
