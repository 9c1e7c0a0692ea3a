import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import { JsonRpcProvider } from "ethers";

import { InvoiceLedger__factory } from "../../../typechain-types";
import { startNodeProcess, type NodeProcess } from "../../lib/node-process";
import { rssMiB } from "./peak-rss";

/** What the node's /health says of its head and its state snapshot. */
export interface NodeHealth {
  head: { number: number };
  snapshot: {
    block: number | null;
    startedFrom: number;
    lastWrite: { block: number; ms: number; accounts: number; slots: number; at: string } | null;
    /** The snapshot this start loaded: accounts, slots, and the time to read it and to build the engine's state. */
    loaded: { accounts: number; slots: number; readMs: number; loadMs: number } | null;
  };
}

export async function nodeHealth(node: NodeProcess): Promise<NodeHealth> {
  return (await (await fetch(`${node.url}/health`)).json()) as NodeHealth;
}

/**
 * Waits until the state snapshot holds the head (the operating state of a node at rest), so that a restart after
 * it is a restart from a current snapshot; how far behind it was, and how long it took.
 */
export async function snapshotAtHead(node: NodeProcess): Promise<{ behindBlocks: number; seconds: number; health: NodeHealth }> {
  const first = await nodeHealth(node);
  const started = performance.now();
  let health = first;
  for (; (health.snapshot.block ?? 0) < health.head.number; health = await nodeHealth(node)) await new Promise((resolve) => setTimeout(resolve, 500));
  return { behindBlocks: first.head.number - (first.snapshot.block ?? 0), seconds: Number(((performance.now() - started) / 1000).toFixed(1)), health };
}

/**
 * When the node's resident memory is read a second time after a restart: the build of its state frees more than the
 * state then keeps, and the node asks its allocator for that memory once the allocator's purge delay (10 s unless
 * `MIMALLOC_PURGE_DELAY` says otherwise) and a second have passed since it began serving.
 */
export const SETTLED_AFTER_S = 15;

/**
 * kill -9 (no orderly shutdown to lean on), start again on the same data directory, time to the ready line; what
 * the start loaded, the resident memory at once and `SETTLED_AFTER_S` after it, the invoices the ledger counts then,
 * and how many of `samples` (invoices issued before the kill) still verify.
 */
export async function restartAfterKill(
  node: NodeProcess,
  dir: string,
  samples: readonly { number: bigint; checkCode: string; total: bigint }[],
): Promise<{ node: NodeProcess; secondsToReady: number; health: NodeHealth; rssAfterMb: number; rssSettledMb: number; invoices: number; samplesVerified: number }> {
  await node.kill();
  const started = performance.now();
  const restarted = await startNodeProcess(dir, {}, 10);
  const ready = performance.now();
  const secondsToReady = Number(((ready - started) / 1000).toFixed(2));
  const health = await nodeHealth(restarted);
  const rssAfterMb = rssMiB(restarted.child.pid) ?? NaN;
  const provider = new JsonRpcProvider(restarted.url, restarted.ready.chainId, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const ledger = InvoiceLedger__factory.connect(restarted.ready.contracts.ledger, provider);
    const invoices = Number((await ledger.nextNumber()) - 1n);
    let samplesVerified = 0;
    for (const sample of samples) if ((await ledger.verify(sample.number, sample.checkCode, sample.total))[0]) samplesVerified++;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ready + SETTLED_AFTER_S * 1000 - performance.now())));
    const rssSettledMb = rssMiB(restarted.child.pid) ?? NaN;
    return { node: restarted, secondsToReady, health, rssAfterMb, rssSettledMb, invoices, samplesVerified };
  } finally {
    provider.destroy();
  }
}

/** The size of the files directly in a directory (a LevelDB store), in bytes. */
export function directoryBytes(directory: string): number {
  return readdirSync(directory).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);
}
