/**
 * The engine decision of issue 3, measured: the same workload (scripts/bench/engines/workload.ts) on each
 * candidate EVM, then a crash and the candidate's own recovery, with a check that nothing was lost.
 *
 *   npm run bench -- --only engines --engine-invoices 50000 --engines edr,anvil,ethereumjs
 */
import { anvilBinary, startAnvil } from "../engines/anvil";
import type { CandidateEngine } from "../engines/candidate";
import { startEdr } from "../engines/edr";
import { startEthereumJs } from "../engines/ethereumjs";
import { GENESIS_TIME, nextNumber, prepare } from "../engines/workload";
import { progress } from "../lib/stats";

export const ENGINES = ["edr", "anvil", "ethereumjs"] as const;
export type EngineName = (typeof ENGINES)[number];

export interface EnginesOptions {
  engines: EngineName[];
  invoices: number;
  batch: number;
}

export interface EngineFigures {
  engine: string;
  version: string;
  persistence: string;
  invoices: number;
  transactions: number;
  /** Whole run: execution and the engine's own block building and persistence. */
  invoicesPerSecond: number;
  /** Per `batch`-invoice transaction (one per block), over the first and the last tenth of the run. */
  msPerTransaction: { firstTenth: number; lastTenth: number };
  restart: { secondsToReady: number; nothingLost: boolean; snapshot?: { seconds: number; MiB: number } };
}

export type EnginesResult = Record<string, EngineFigures | { skipped: string }>;

const starters: Record<EngineName, () => Promise<CandidateEngine>> = {
  edr: startEdr,
  anvil: async () => {
    const binary = anvilBinary();
    if (binary === undefined) throw new SkipEngine(`no anvil binary for ${process.platform}-${process.arch} (npm packages @foundry-rs/anvil-<platform>-<arch>)`);
    return startAnvil(binary);
  },
  ethereumjs: startEthereumJs,
};

class SkipEngine extends Error {}

export async function runEngines(options: EnginesOptions): Promise<EnginesResult> {
  const unknown = options.engines.filter((name) => !(ENGINES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown engine ${unknown.join(", ")}; choose among ${ENGINES.join(", ")}`);
  const result: EnginesResult = {};
  for (const name of options.engines) {
    process.stderr.write(`  engine ${name}\n`);
    try {
      result[name] = await measure(await starters[name](), options);
    } catch (error) {
      if (!(error instanceof SkipEngine)) throw error;
      process.stderr.write(`  skipped: ${error.message}\n`);
      result[name] = { skipped: error.message };
    }
  }
  return result;
}

async function measure(engine: CandidateEngine, options: EnginesOptions): Promise<EngineFigures> {
  try {
    let time = GENESIS_TIME;
    const clock = { next: () => ++time };
    const transactions = Math.ceil(options.invoices / options.batch);
    const workload = await prepare(engine, { transactions, batch: options.batch }, clock);
    const perTransaction: number[] = [];
    const stop = progress(engine.name, () => `${perTransaction.length * options.batch} of ${transactions * options.batch} invoices`, 10_000);
    const started = performance.now();
    try {
      for (const raw of workload.batches) {
        const t0 = performance.now();
        await engine.block([raw], clock.next());
        perTransaction.push(performance.now() - t0);
      }
    } finally {
      stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const issuedNext = await nextNumber(engine, workload.ledger);
    if (issuedNext !== workload.expectedNextNumber) throw new Error(`${engine.name}: next number ${issuedNext} after the run, expected ${workload.expectedNextNumber}`);

    const restart = await engine.restart();
    const nothingLost = (await nextNumber(engine, workload.ledger)) === workload.expectedNextNumber;
    const tenth = Math.max(1, Math.floor(perTransaction.length / 10));
    const mean = (xs: number[]) => Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1));
    return {
      engine: engine.name,
      version: engine.version,
      persistence: engine.persistence,
      invoices: transactions * options.batch,
      transactions,
      invoicesPerSecond: Math.round((transactions * options.batch) / seconds),
      msPerTransaction: { firstTenth: mean(perTransaction.slice(0, tenth)), lastTenth: mean(perTransaction.slice(-tenth)) },
      restart: {
        secondsToReady: Number(restart.secondsToReady.toFixed(2)),
        nothingLost,
        ...(restart.snapshot === undefined ? {} : { snapshot: { seconds: Number(restart.snapshot.seconds.toFixed(2)), MiB: Number(restart.snapshot.MiB.toFixed(1)) } }),
      },
    };
  } finally {
    await engine.close();
  }
}
