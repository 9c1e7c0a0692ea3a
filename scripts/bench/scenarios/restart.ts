import { rmSync } from "node:fs";
import { join } from "node:path";

import { freshDataDir, startNodeProcess, type NodeProcess } from "../../lib/node-process";
import { directoryBytes, restartAfterKill, snapshotAtHead, type NodeHealth } from "../lib/node-restart";
import { peakRssMiB } from "../lib/peak-rss";
import { seed } from "./scale";

/**
 * A restart of the node alone at a size beyond the scale scenario's million: seed `invoices` invoices as fast as
 * the node takes them (pre-signed `issueBatch` transactions straight to its JSON-RPC, several in flight, as the
 * scale scenario seeds), let the state snapshot catch up with the head, kill -9, and time the start to its ready
 * line; then count the invoices and verify one of every seeding transaction's. With the scale scenario's figure
 * at 1 M it shows what a restart grows with: the state the snapshot holds (its slots), not the blocks behind it.
 */
export interface RestartOptions {
  invoices: number;
  batch: number;
  merchants: number;
  inFlight: number;
}

export interface RestartResult {
  invoices: number;
  seeding: { seconds: number; invoicesPerSecond: number; transactions: number; blocks: number };
  snapshot: { behindAtSeedEndBlocks: number; catchUpSeconds: number; bytesOnDisk: number; lastWrite: NodeHealth["snapshot"]["lastWrite"] };
  restart: {
    secondsToReady: number;
    invoicesAfter: number;
    allPresent: boolean;
    samplesVerified: number;
    startedFromSnapshotBlock: number;
    headBlock: number;
    loaded: NodeHealth["snapshot"]["loaded"];
  };
  /** Peak over the seeding (VmHWM); resident at once after the restart, and `SETTLED_AFTER_S` after it (absent from older results). */
  nodeMemoryMb: { peakWhileSeeding: number; afterRestart: number; settledAfterRestart?: number };
}

export async function runRestart(options: RestartOptions): Promise<RestartResult> {
  const dir = freshDataDir();
  let node: NodeProcess | undefined = await startNodeProcess(dir, {}, 10);
  try {
    const seeded = await seed(node, dir, options);
    const target = Number(seeded.nextNumber - 1n);
    const peakWhileSeeding = peakRssMiB(node.child.pid) ?? NaN;
    const caughtUp = await snapshotAtHead(node);
    process.stderr.write(`  snapshot: ${caughtUp.behindBlocks} blocks behind at the end of seeding, caught up in ${caughtUp.seconds} s\n`);
    const bytesOnDisk = directoryBytes(join(dir, "chain"));
    const restarted = await restartAfterKill(node, dir, seeded.samples);
    node = restarted.node;
    process.stderr.write(`  restarted in ${restarted.secondsToReady} s with ${restarted.invoices} invoices\n`);
    return {
      invoices: target,
      seeding: seeded.stats,
      snapshot: { behindAtSeedEndBlocks: caughtUp.behindBlocks, catchUpSeconds: caughtUp.seconds, bytesOnDisk, lastWrite: caughtUp.health.snapshot.lastWrite },
      restart: {
        secondsToReady: restarted.secondsToReady,
        invoicesAfter: restarted.invoices,
        allPresent: restarted.invoices === target && restarted.samplesVerified === seeded.samples.length,
        samplesVerified: restarted.samplesVerified,
        startedFromSnapshotBlock: restarted.health.snapshot.startedFrom,
        headBlock: restarted.health.head.number,
        loaded: restarted.health.snapshot.loaded,
      },
      nodeMemoryMb: { peakWhileSeeding, afterRestart: restarted.rssAfterMb, settledAfterRestart: restarted.rssSettledMb },
    };
  } finally {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
