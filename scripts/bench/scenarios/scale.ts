import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { dataSlice, keccak256, solidityPacked, type Wallet } from "ethers";

import { checkCodeOf } from "../../../api/domain/commitment";
import { withCheckCharacter } from "../../../api/domain/taxpayer-id";
import { adminPost } from "../../../ledger-node/admin-client";
import { ApiClient } from "../../lib/api-client";
import { bureauClient, startApiProcess } from "../../lib/api-process";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../lib/node-process";
import { BENCH_API_ENV } from "../lib/bench-system";
import { peakRssMiB, rssMiB } from "../lib/peak-rss";
import { directoryBytes, restartAfterKill, snapshotAtHead, type NodeHealth } from "../lib/node-restart";
import { measureConsoleRender, type ConsoleRender } from "../lib/console-render";
import { waitForDatabaseAtRest } from "../lib/database-at-rest";
import { PooledApiClient } from "../lib/pooled-api-client";
import { connectAsBureau, sendInFlight, signIssueBatch } from "../lib/direct-load";
import { progress, summarise, type LatencySummary } from "../lib/stats";

const run = promisify(execFile);

/**
 * The ledger at scale: seed `invoices` invoices fast, then measure a full rebuild of the API's event index,
 * verify and trace latency, and a restart of the node with a check that every invoice is still there.
 *
 * Fast seeding goes straight to the chain, as merchants' software may: registered merchants (registry calls
 * signed by the bureau) send `issueBatch` transactions of `batch` invoices, several in flight per merchant,
 * pre-signed with locally counted nonces. The records are real (seal, total, tax, buyer); the documents behind
 * the seals are not stored in the API (verify by code and trace do not need them).
 */
export interface ScaleOptions {
  invoices: number;
  batch: number;
  merchants: number;
  inFlight: number;
  samples: number;
}

export interface ScaleResult {
  invoices: number;
  seeding: { seconds: number; invoicesPerSecond: number; transactions: number; blocks: number };
  indexRebuild: { events: number; seconds: number; eventsPerSecond: number };
  /** Seconds waited for autovacuum to finish (and, since `checkpointed`, a checkpoint) before the samples, and the untimed requests made first. */
  atRest: { waitedSeconds: number; warmUp: number; checkpointed?: boolean };
  verifyMs: LatencySummary & { samples: number; allAuthentic: boolean };
  traceMs: LatencySummary & { samples: number };
  /** The bureau's searches (GET /v1/invoices), each kind in turn; by kind and all together. */
  searchMs: LatencySummary & { samples: number; byKind: Record<SearchKind, LatencySummary> };
  restart: {
    secondsToReady: number; invoicesAfter: number; allPresent: boolean; samplesVerified: number; startedFromSnapshotBlock: number; headBlock: number;
    /** The snapshot the restart loaded: accounts, slots, and the time to read it and to build the engine's state. */
    loaded: { accounts: number; slots: number; readMs: number; loadMs: number } | null;
  };
  /** The state snapshot when seeding ended: how far behind the head, and how long until it caught up. */
  snapshot: { behindAtSeedEndBlocks: number; catchUpSeconds: number; bytesOnDisk: number; lastWrite: NodeHealth["snapshot"]["lastWrite"] };
  /** The web console: its bundle, and the bureau's search desk from navigation to the first result row. */
  console?: ConsoleRender;
  /**
   * The node's memory: peak resident set over the seeding (VmHWM), resident at once after the restart, and
   * `SETTLED_AFTER_S` after it (absent from results older than that reading).
   */
  nodeMemoryMb: { peakWhileSeeding: number; afterRestart: number; settledAfterRestart?: number };
  /**
   * The engine's renewal from the snapshot, asked for once seeding was over (`POST /admin/engine/renew`): done, with
   * its snapshot's slots, how long it took and held the write lock, and what the new engine took; or refused, with
   * the reason (NOT_SMALLER: the engine built took more memory than the running one). The node's resident memory
   * before, and `rssAfterSeconds` after, either way.
   */
  renewal?: { renewed: true; slots: number; ms: number; lockedMs: number; builtMb: number; rssBeforeMb: number; rssAfterMb: number; rssAfterSeconds: number } | { renewed: false; reason: string; message: string; rssBeforeMb: number; rssAfterMb: number; rssAfterSeconds: number };
}

/** How long after a renewal (or a refused one) the node's memory is read: the engine dropped is collected after 1 s, and its pages are given back once the allocator's purge delay (10 s) has passed and the node has asked for them (engine-allocator.ts `giveBackFreed`). */
const RENEWAL_SETTLE_MS = 60_000;

async function renewEngine(node: NodeProcess, dir: string): Promise<NonNullable<ScaleResult["renewal"]>> {
  const rssBeforeMb = rssMiB(node.child.pid) ?? NaN;
  const answer = await adminPost(dir, node.url, "/admin/engine/renew", {});
  if (!answer.ok && answer.body.code !== "ENGINE_NOT_RENEWED") throw new Error(`the renewal failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  await new Promise((resume) => setTimeout(resume, RENEWAL_SETTLE_MS));
  const rssAfterMb = rssMiB(node.child.pid) ?? NaN;
  const rssAfterSeconds = RENEWAL_SETTLE_MS / 1000;
  if (!answer.ok) return { renewed: false, reason: String(answer.body.reason), message: String(answer.body.error), rssBeforeMb, rssAfterMb, rssAfterSeconds };
  const done = answer.body as unknown as { slots: number; ms: number; lockedMs: number; builtMb: number };
  return { renewed: true, slots: done.slots, ms: done.ms, lockedMs: done.lockedMs, builtMb: done.builtMb, rssBeforeMb, rssAfterMb, rssAfterSeconds };
}

interface Sample {
  id: string;
  merchant: string;
  number: bigint;
  checkCode: string;
  total: bigint;
}

/**
 * The searches a tax official makes at the audit desk, on a ledger where every invoice has the same buyer and
 * total (so each filter alone matches hundreds of thousands of invoices): one merchant's latest invoices;
 * the next page of that (through the cursor); everything titled to one buyer above an amount, largest first;
 * one invoice by its number.
 */
const SEARCH_KINDS = ["merchantLatest", "merchantNextPage", "buyerByTotal", "byNumber"] as const;
type SearchKind = (typeof SEARCH_KINDS)[number];

/**
 * Untimed verifies and traces before the samples, of other random picks: an API that has been serving, its
 * request path compiled by V8's optimising tier. Over the first 2,000 verifies of a new process p50 was 0.7 ms
 * and p99 4-5 ms; over the next 2,000, 0.5 and 2-3.6 ms (a small chain, the same machine).
 */
const WARM_UP = 2_000;

const TOTAL = 11_300n;
const TAX = 1_300n;

export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const dir = freshDataDir();
  let node: NodeProcess | undefined = await startNodeProcess(dir, {}, 10);
  try {
    const seeded = await seed(node, dir, options);
    const target = Number(seeded.nextNumber - 1n);
    const peakWhileSeeding = peakRssMiB(node.child.pid) ?? NaN;
    // The snapshot writer may end seeding behind the sealer: say how far, and let it catch up, so that the restart
    // below measures a restart from a current snapshot (the operating state of a node at rest).
    const caughtUp = await snapshotAtHead(node);
    process.stderr.write(`  snapshot: ${caughtUp.behindBlocks} blocks behind at the end of seeding, caught up in ${caughtUp.seconds} s\n`);
    // The engine's renewal from the snapshot (what the node tries by itself after 30 s of quiet, asked for here as an
    // operator would): how long it takes at this size and what memory it gives back, or why it is refused. Asked for
    // before the index rebuild, so that the node's own renewal, due once the chain is quiet, does not run during it.
    const renewal = await renewEngine(node, dir);
    process.stderr.write(`  engine ${renewal.renewed ? `renewed from ${renewal.slots} slots in ${renewal.ms} ms` : `not renewed (${renewal.reason})`}: ${renewal.rssBeforeMb} MB resident before, ${renewal.rssAfterMb} MB ${renewal.rssAfterSeconds} s after\n`);

    // Index rebuild: the API's reindex command over the whole chain (the API is not running yet).
    const env = { ...process.env, LEDGER_DATA_DIR: dir, LOG_LEVEL: "warn" };
    const reindexed = JSON.parse((await run(process.execPath, ["-r", "ts-node/register/transpile-only", "api/reindex.ts", "--rpc-url", node.url], { env, maxBuffer: 1 << 24 })).stdout.trim().split("\n").pop()!) as {
      events: number;
      seconds: number;
      eventsPerSecond: number;
    };
    process.stderr.write(`  index rebuilt: ${reindexed.events} events in ${reindexed.seconds} s\n`);

    const api = await startApiProcess(dir, node.url, BENCH_API_ENV);
    // Timed through kept-alive connections from an undici pool, as the issue bench's load client: `fetch` added
    // ~0.6 ms of the client's own CPU to each round trip, and its allocations' collections to the tail.
    const anyone = new PooledApiClient(api.url, undefined);
    const bureau = anyone.as(bureauClient(api).apiKey!);
    const verifyLatencies: number[] = [];
    const traceLatencies: number[] = [];
    let allAuthentic = true;
    const picks = Array.from({ length: options.samples }, () => seeded.samples[Math.floor(Math.random() * seeded.samples.length)]!);
    // Latencies of a system at rest, as it serves most of the time: autovacuum done with the rebuilt tables, and
    // each of the API's connections past its first statements (prepared once per connection), by untimed requests.
    const restSeconds = await waitForDatabaseAtRest(join(dir, "postgres"));
    for (let i = 0; i < WARM_UP; i++) {
      const sample = seeded.samples[Math.floor(Math.random() * seeded.samples.length)]!;
      await anyone.get(`/v1/verify?number=${sample.number}&checkCode=${sample.checkCode}&total=${sample.total}`);
      await bureau.get(`/v1/invoices/${sample.id}/trace`);
    }
    process.stderr.write(`  at rest after ${restSeconds.toFixed(1)} s (autovacuum done), ${WARM_UP} untimed verifies and traces\n`);
    for (const sample of picks) {
      const t0 = performance.now();
      const verdict = await anyone.get(`/v1/verify?number=${sample.number}&checkCode=${sample.checkCode}&total=${sample.total}`);
      verifyLatencies.push(performance.now() - t0);
      allAuthentic &&= verdict.status === 200 && verdict.body.authentic === true;
    }
    for (const sample of picks) {
      const t0 = performance.now();
      const trace = await bureau.get(`/v1/invoices/${sample.id}/trace`);
      traceLatencies.push(performance.now() - t0);
      if (trace.status !== 200 || trace.body.events.length !== 1) throw new Error(`trace of ${sample.id}: ${trace.status} ${JSON.stringify(trace.body).slice(0, 200)}`);
    }
    const searchLatencies: number[] = [];
    const byKind = Object.fromEntries(SEARCH_KINDS.map((kind) => [kind, [] as number[]])) as Record<SearchKind, number[]>;
    for (const [i, sample] of picks.entries()) {
      const kind = SEARCH_KINDS[i % SEARCH_KINDS.length]!;
      const query = await searchQuery(bureau, kind, sample);
      const t0 = performance.now();
      const found = await bureau.get(`/v1/invoices?${query}`);
      const ms = performance.now() - t0;
      if (found.status !== 200 || found.body.invoices.length === 0) throw new Error(`search ${query}: ${found.status} ${JSON.stringify(found.body).slice(0, 200)}`);
      searchLatencies.push(ms);
      byKind[kind].push(ms);
    }
    const merchants = [...new Set(picks.map((sample) => sample.merchant))];
    const consoleRender = await measureConsoleRender(api.url, bureau.apiKey!, merchants, Math.min(50, options.samples));
    process.stderr.write(`  console: search desk first row in ${consoleRender.coldMs} ms cold, p50 ${consoleRender.warmMs.p50} ms warm\n`);
    await anyone.close();
    await api.stop();

    const restarted = await restartAfterKill(node, dir, seeded.samples);
    node = restarted.node;

    return {
      invoices: target,
      seeding: seeded.stats,
      indexRebuild: { events: reindexed.events, seconds: reindexed.seconds, eventsPerSecond: reindexed.eventsPerSecond },
      atRest: { waitedSeconds: Number(restSeconds.toFixed(1)), warmUp: WARM_UP, checkpointed: true },
      verifyMs: { ...summarise(verifyLatencies), samples: verifyLatencies.length, allAuthentic },
      traceMs: { ...summarise(traceLatencies), samples: traceLatencies.length },
      searchMs: { ...summarise(searchLatencies), samples: searchLatencies.length, byKind: Object.fromEntries(SEARCH_KINDS.map((kind) => [kind, summarise(byKind[kind])])) as Record<SearchKind, LatencySummary> },
      restart: {
        secondsToReady: restarted.secondsToReady, invoicesAfter: restarted.invoices, allPresent: restarted.invoices === target && restarted.samplesVerified === seeded.samples.length, samplesVerified: restarted.samplesVerified,
        startedFromSnapshotBlock: restarted.health.snapshot.startedFrom, headBlock: restarted.health.head.number, loaded: restarted.health.snapshot.loaded,
      },
      snapshot: { behindAtSeedEndBlocks: caughtUp.behindBlocks, catchUpSeconds: caughtUp.seconds, bytesOnDisk: directoryBytes(join(dir, "chain")), lastWrite: caughtUp.health.snapshot.lastWrite },
      nodeMemoryMb: { peakWhileSeeding, afterRestart: restarted.rssAfterMb, settledAfterRestart: restarted.rssSettledMb },
      renewal,
      console: consoleRender,
    };
  } finally {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The query string of one search of this kind around this sample (the next page's cursor is fetched first, untimed). */
async function searchQuery(bureau: ApiClient, kind: SearchKind, sample: Sample): Promise<string> {
  const buyerTaxId = withCheckCharacter("91440300BENCHBUYE");
  switch (kind) {
    case "merchantLatest":
      return `merchant=${sample.merchant}&sort=-issuedAt&limit=50`;
    case "merchantNextPage": {
      const first = await bureau.get(`/v1/invoices?merchant=${sample.merchant}&sort=-issuedAt&limit=50`);
      return `merchant=${sample.merchant}&sort=-issuedAt&limit=50&cursor=${encodeURIComponent(first.body.nextCursor as string)}`;
    }
    case "buyerByTotal":
      return `buyerTaxId=${buyerTaxId}&totalMin=10000&state=Issued&sort=-total&limit=50`;
    case "byNumber":
      return `number=${sample.number}`;
  }
}

/** Seeds `invoices` invoices; one sample of each seeding transaction (its first invoice) to verify afterwards. */
export async function seed(node: NodeProcess, dir: string, options: Pick<ScaleOptions, "invoices" | "batch" | "merchants" | "inFlight">) {
  const { provider, ledger, chainId, registerMerchants } = connectAsBureau(node, dir);
  const buyerTaxId = `0x${Buffer.from(withCheckCharacter("91440300BENCHBUYE")).toString("hex")}`;
  const merchants = await registerMerchants(options.merchants);

  const samples: Sample[] = [];
  const totalTransactions = Math.ceil(options.invoices / options.batch);
  let issued = 0;
  let transactions = 0;
  const started = performance.now();
  const stop = progress("seeding", () => `${issued} of ${options.invoices} invoices`, 10_000);
  // Signed as they go (a million invoices signed up front would hold them all in memory).
  async function* signedBy(wallet: Wallet, m: number) {
    const mine = Math.floor(totalTransactions / merchants.length) + (m < totalTransactions % merchants.length ? 1 : 0);
    for (let t = 0; t < mine; t++) {
      const requests = Array.from({ length: options.batch }, (_, i) => {
        const requestId = keccak256(solidityPacked(["uint256", "uint256", "uint256"], [m, t, i]));
        return { requestId, seal: dataSlice(keccak256(solidityPacked(["string", "bytes32"], ["bench-seal", requestId])), 0, 24), buyerTaxId, total: TOTAL, tax: TAX };
      });
      yield { raw: await signIssueBatch(wallet, node.ready.contracts.ledger, requests, t, chainId), tag: requests[0]!.seal };
    }
  }
  await Promise.all(
    merchants.map((wallet, m) =>
      sendInFlight(provider, signedBy(wallet, m), { inFlight: options.inFlight }, (receipt, firstSeal) => {
        const log = receipt.logs.map((l) => ledger.interface.parseLog(l)).find((parsed) => parsed?.name === "InvoiceIssued");
        if (log) samples.push({ id: log.args.id as string, merchant: wallet.address, number: log.args.number as bigint, checkCode: checkCodeOf(firstSeal), total: TOTAL });
        issued += options.batch;
        transactions++;
      }),
    ),
  );
  stop();
  const seconds = (performance.now() - started) / 1000;
  const nextNumber = await ledger.nextNumber();
  const blocks = await provider.getBlockNumber();
  provider.destroy();
  process.stderr.write(`  seeded ${issued} invoices in ${seconds.toFixed(0)} s\n`);
  return { samples, nextNumber, stats: { seconds: Number(seconds.toFixed(1)), invoicesPerSecond: Math.round(issued / seconds), transactions, blocks } };
}
