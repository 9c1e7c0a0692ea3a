import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import { join } from "node:path";

import type { EnginesResult } from "../scenarios/engines";
import type { IssueResult } from "../scenarios/issue";
import type { RestartResult } from "../scenarios/restart";
import type { ScaleResult } from "../scenarios/scale";
import type { StartResult } from "../scenarios/start";
import { SETTLED_AFTER_S } from "./node-restart";

/**
 * bench/results.json holds the latest run of each scenario (a scenario run alone replaces only its own entry),
 * each with its settings and date; BENCHMARKS.md is rendered from it, next to the targets of DESIGN.md §5.
 */
/** What each kind of search of the scale scenario asks, for the page. */
const SEARCH_KIND_NAMES: Record<string, string> = {
  merchantLatest: "one merchant's latest (`merchant`, `sort=-issuedAt`)",
  merchantNextPage: "its next page (`cursor`)",
  buyerByTotal: "one buyer's above an amount, largest first (`buyerTaxId`, `totalMin`, `state`, `sort=-total`)",
  byNumber: "one invoice by `number`",
};

export interface ScenarioEntry<R> {
  ranAt: string;
  settings: Record<string, unknown>;
  machine: Record<string, unknown>;
  result: R;
}

export interface Results {
  scenarios: {
    gas?: ScenarioEntry<GasResult>;
    node?: ScenarioEntry<NodeResult>;
    issue?: ScenarioEntry<{ ours: IssueResult; hardhat?: IssueResult; stub?: IssueResult }>;
    scale?: ScenarioEntry<ScaleResult>;
    restart?: ScenarioEntry<RestartResult>;
    start?: ScenarioEntry<StartResult>;
    engines?: ScenarioEntry<EnginesResult>;
  };
}

export interface GasResult {
  batches: Record<string, { gasPerInvoice: number; gasTotal: number }>;
  operations: Record<string, number>;
}

export interface NodeResult {
  issue: { invoices: number; seconds: number; invoicesPerSecond: number; transactionLatencyMs: { p50: number; p95: number; p99: number } };
  standby?: { secondsToFollowTheWholeJournal: number; promotionMs: number; allInvoicesPresentAfterPromotion: boolean };
  memoryMb?: { peakUnderLoad: number; afterRestart: number };
  restart: { invoicesStored: number; blocks: number; fromSnapshotBlock?: number; secondsToReady: number; allInvoicesPresent: boolean };
}

const RESULTS = "bench/results.json";

/** The version of an installed package, read from its package.json (some packages do not export that file). */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join("node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

export function machine(): Record<string, unknown> {
  const version = installedVersion;
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    versions: { hardhat: version("hardhat"), edr: version("@nomicfoundation/edr"), ethers: version("ethers"), level: version("level"), express: version("express"), solc: version("solc") },
  };
}

export function readResults(): Results {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, "utf8")) as Results) : { scenarios: {} };
}

export function record<K extends keyof Results["scenarios"]>(name: K, settings: Record<string, unknown>, result: NonNullable<Results["scenarios"][K]>["result"]): void {
  const results = readResults();
  (results.scenarios as Record<string, unknown>)[name] = { ranAt: new Date().toISOString(), settings, machine: machine(), result };
  mkdirSync("bench", { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync("BENCHMARKS.md", renderMarkdown(results));
}

const n = (value: number | undefined) => (value === undefined ? "—" : value.toLocaleString("en-US"));
/** The node's resident memory after a restart: at once, and once its allocator gave back what the build freed. */
const settledAfter = (memory: { afterRestart: number; settledAfterRestart?: number }) =>
  `${n(memory.afterRestart)} MB resident at once after the restart${memory.settledAfterRestart === undefined ? "" : `, ${n(memory.settledAfterRestart)} MB ${SETTLED_AFTER_S} s after`}`;
/** A verdict on a figure of the scale scenario, only if it ran at the size the target is about. */
const atSize = (scale: ScenarioEntry<ScaleResult> | undefined, ok: (result: ScaleResult) => boolean) => (scale && scale.result.invoices >= 1_000_000 ? ok(scale.result) : undefined);
const met = (ok: boolean | undefined) => (ok === undefined ? "not at size" : ok ? "met" : "**not met**");

export function renderMarkdown(results: Results): string {
  const { gas, node, issue, scale, restart, start, engines } = results.scenarios;
  const ours = issue?.result.ours;
  const hardhat = issue?.result.hardhat;
  const stub = issue?.result.stub;
  const gas100 = gas?.result.batches["100"]?.gasPerInvoice;
  const lines = [
    "# Benchmarks",
    "",
    "Figures of the latest `npm run bench` on this repository's reference machine, rendered from `bench/results.json`",
    "(which also holds each scenario's settings, machine and versions). Client, API and chain share the same machine.",
    "Re-run everything with `npm run bench`, or one scenario with `npm run bench -- --only issue|scale|restart|gas|node|start|engines` and its size flags",
    "(`npm run bench -- --help`).",
    "",
    "## Against the targets",
    "",
    "The team's targets for this machine (2 cores: load client, API, database and node together).",
    "",
    "| what | target | measured | |",
    "|---|---|---|---|",
    `| invoices issued through the API, durable before the reply, sustained | ≥ 2,000/s batch requests, ≥ 1,000/s single requests | ${n(ours?.batch.invoicesPerSecond)}/s batch requests, ${n(ours?.full.invoicesPerSecond)}/s single requests | ${met(ours && ours.batch.invoicesPerSecond >= 2000 && ours.full.invoicesPerSecond >= 1000)} |`,
    `| issue latency p99 at half load | ≤ 300 ms | ${n(ours?.half.latencyMs.p99)} ms at ${n(ours?.half.offeredPerSecond)} invoices/s offered | ${met(ours && ours.half.latencyMs.p99 <= 300)} |`,
    `| verify p99 with ${n(scale?.result.invoices)} invoices stored | ≤ 3 ms | ${n(scale?.result.verifyMs.p99)} ms | ${met(atSize(scale, (s) => s.verifyMs.p99 <= 3))} |`,
    `| trace p99 with ${n(scale?.result.invoices)} invoices stored | ≤ 10 ms | ${n(scale?.result.traceMs.p99)} ms | ${met(atSize(scale, (s) => s.traceMs.p99 <= 10))} |`,
    `| gas per invoice in a batch of 100 | ≤ 60,000 | ${n(gas100)} | ${met(gas100 === undefined ? undefined : gas100 <= 60_000)} |`,
    `| index rebuild (\`npm run api:reindex\`) with ${n(scale?.result.invoices)} invoices stored | ≥ 50,000 events/s | ${n(scale?.result.indexRebuild.eventsPerSecond)} events/s | ${met(atSize(scale, (s) => s.indexRebuild.eventsPerSecond >= 50_000))} |`,
    `| restart with ${n(scale?.result.invoices)} invoices stored, nothing lost | ≤ 30 s | ${n(scale?.result.restart.secondsToReady)} s, all present: ${scale?.result.restart.allPresent ?? "—"} | ${met(atSize(scale, (s) => s.restart.secondsToReady <= 30 && s.restart.allPresent))} |`,
    "",
    "`not at size`: the last run of that scenario stored fewer than the 1 million invoices the target is about.",
    "",
  ];
  if (ours) {
    const cpu = (r: { cpuMicrosPerInvoice?: Record<string, number> }) => (r.cpuMicrosPerInvoice === undefined ? "" : ["client", "api", "postgres", "chain"].map((name) => n(r.cpuMicrosPerInvoice![name])).join(" / "));
    const row = (engine: string, what: string, r: { invoicesPerSecond: number; requests: number; latencyMs: { p50: number; p95: number; p99: number }; failures: Record<string, number>; cpuMicrosPerInvoice?: Record<string, number> }) =>
      `| ${engine} | ${what} | ${n(r.invoicesPerSecond)} | ${n(r.requests)} | ${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} | ${cpu(r)} | ${Object.entries(r.failures).map(([k, v]) => `${k}: ${v}`).join(", ") || "none"} |`;
    lines.push(
      "## Issue throughput through the API",
      "",
      `Settings: ${JSON.stringify(issue!.settings)}; ran ${issue!.ranAt}.`,
      "",
      "| chain | load | invoices/s | requests answered 201 | latency p50 / p95 / p99 ms | CPU µs per invoice: client / API / PostgreSQL / chain | refused or failed |",
      "|---|---|---|---|---|---|---|",
      ...[ours, hardhat, stub].filter((r): r is IssueResult => r !== undefined).flatMap((r) => [
        row(r.engine, "full (closed loop, single issues)", r.full),
        row(r.engine, `half (${n(r.half.offeredPerSecond)}/s offered)`, r.half),
        row(r.engine, "batch requests", r.batch),
        ...(r.many === undefined ? [] : [row(r.engine, `${r.many.merchants} merchants, ${r.many.concurrency} single issues in flight each`, r.many)]),
      ]),
      "",
      `Peak RSS (VmHWM) over the three runs: ledger node ${n(ours.peakRssMiB.chain)} MiB, API ${n(ours.peakRssMiB.api)} MiB${hardhat ? `; with hardhat node: hardhat ${n(hardhat.peakRssMiB.chain)} MiB, API ${n(hardhat.peakRssMiB.api)} MiB` : ""}.`,
      "",
      ...phases(ours),
      ...ceilings(ours, results.scenarios.node?.result.issue.invoicesPerSecond, issue!.machine.cpus as number | undefined, stub),
      ...(hardhat === undefined ? [] : [`Ours / hardhat node in the same run: **${ratioOf(ours.full, hardhat.full)}** with single requests, **${ratioOf(ours.batch, hardhat.batch)}** with batch requests (hardhat node keeps everything in memory, admits any account and keeps no snapshot; ours syncs every block to LevelDB before answering).`, ""]),
    );
  }
  if (start) {
    const r = start.result;
    lines.push(
      "## Starting and stopping (`npm start`)",
      "",
      `Settings: ${JSON.stringify(start.settings)}; ran ${start.ranAt}. From the process's start to its banner (node, embedded PostgreSQL and API ready), from the built JavaScript; then SIGTERM to its exit.`,
      "",
      "| | seconds |",
      "|---|---|",
      `| first start on an empty data directory (chain created, contracts deployed, database created) | ${r.firstStartSeconds} |`,
      `| restart, median of ${r.restarts} (min / max) | ${r.restartSeconds.median} (${r.restartSeconds.min} / ${r.restartSeconds.max}) |`,
      `| stop on SIGTERM, median (min / max) | ${r.stopSeconds.median} (${r.stopSeconds.min} / ${r.stopSeconds.max}) |`,
      "",
    );
  }
  if (scale) {
    const s = scale.result;
    lines.push(
      `## ${n(s.invoices)} invoices stored`,
      "",
      `Settings: ${JSON.stringify(scale.settings)}; ran ${scale.ranAt}.`,
      "",
      `- Fast seeding (issueBatch straight to the node, signed by the load client as it goes, on the same cores): ${n(s.seeding.invoicesPerSecond)} invoices/s, ${n(s.seeding.transactions)} transactions in ${n(s.seeding.blocks)} blocks, ${n(s.seeding.seconds)} s.`,
      `- Full index rebuild (\`npm run api:reindex\`): ${n(s.indexRebuild.events)} events in ${s.indexRebuild.seconds} s = ${n(s.indexRebuild.eventsPerSecond)} events/s.`,
      ...(s.atRest === undefined ? [] : [`- Latencies below measured at rest: after autovacuum finished with the rebuilt tables${s.atRest.checkpointed === true ? " and a checkpoint" : ""} (waited ${s.atRest.waitedSeconds} s) and ${s.atRest.warmUp} untimed verifies and traces; each timed request sent over kept-alive connections (an undici pool).`]),
      `- Verify by number + check code + total (public, HTTP round trip): p50 / p95 / p99 / max ${s.verifyMs.p50} / ${s.verifyMs.p95} / ${s.verifyMs.p99} / ${s.verifyMs.max} ms over ${n(s.verifyMs.samples)} random invoices, all authentic: ${s.verifyMs.allAuthentic}.`,
      `- Trace (bureau, HTTP round trip): p50 / p95 / p99 / max ${s.traceMs.p50} / ${s.traceMs.p95} / ${s.traceMs.p99} / ${s.traceMs.max} ms over ${n(s.traceMs.samples)} random invoices.`,
      ...(s.searchMs === undefined
        ? []
        : [
            `- Search (bureau, GET /v1/invoices, 50 per page, HTTP round trip): p50 / p95 / p99 / max ${s.searchMs.p50} / ${s.searchMs.p95} / ${s.searchMs.p99} / ${s.searchMs.max} ms over ${n(s.searchMs.samples)} searches, in turn: ${Object.entries(s.searchMs.byKind)
              .map(([kind, k]) => `${SEARCH_KIND_NAMES[kind] ?? kind} p99 ${k.p99} ms`)
              .join("; ")}.`,
          ]),
      ...(s.console === undefined
        ? []
        : [
            `- Web console, the bureau's search desk (\`/console/bureau/search?merchant=…\`, Debian's chromium, a full page load each time, from navigation to the first result row on screen): ${s.console.coldMs} ms with an empty cache; p50 / p95 / p99 / max ${s.console.warmMs.p50} / ${s.console.warmMs.p95} / ${s.console.warmMs.p99} / ${s.console.warmMs.max} ms over ${n(s.console.warmMs.samples)} loads with the cache warm. Bundle: ${s.console.bundle.totalKib} KiB (${s.console.bundle.totalGzipKib} KiB gzip) in all; what a role's first page loads: ${Object.entries(s.console.bundle.byRole ?? {}).map(([role, size]) => `${role} ${size.kib} KiB (${size.gzipKib} gzip)`).join(", ")}.`,
          ]),
      `- Restart after kill -9: ready in ${s.restart.secondsToReady} s; ${n(s.restart.invoicesAfter)} invoices after restart, ${n(s.restart.samplesVerified)} sampled invoices verified; nothing lost: ${s.restart.allPresent}.`,
      ...(s.snapshot === undefined
        ? []
        : [
            `- State snapshot: ${n(s.snapshot.behindAtSeedEndBlocks)} blocks behind the head when seeding ended, caught up ${s.snapshot.catchUpSeconds} s later; chain store on disk ${n(Math.round(s.snapshot.bytesOnDisk / 2 ** 20))} MiB. The restart started the engine from the snapshot of block ${n(s.restart.startedFromSnapshotBlock)} (head ${n(s.restart.headBlock)}).`,
            `- Node memory: peak resident ${n(s.nodeMemoryMb.peakWhileSeeding)} MB over the seeding (VmHWM), ${settledAfter(s.nodeMemoryMb)} (no history in the engine).`,
            ...(s.renewal === undefined
              ? []
              : [
                  `- Engine renewal asked for once seeding was over (\`POST /admin/engine/renew\`, before the index rebuild): ${
                    s.renewal.renewed
                      ? `renewed from ${n(s.renewal.slots)} slots in ${n(s.renewal.ms)} ms, the write lock held ${n(s.renewal.lockedMs)} ms, the new engine took ${n(s.renewal.builtMb)} MB`
                      : `not renewed, ${s.renewal.reason} (${s.renewal.message})`
                  }; the node resident ${n(s.renewal.rssBeforeMb)} MB before, ${n(s.renewal.rssAfterMb)} MB ${s.renewal.rssAfterSeconds} s after.`,
                ]),
            ...(s.restart.loaded == null ? [] : [`- The snapshot the restart loaded: ${n(s.restart.loaded.accounts)} accounts, ${n(s.restart.loaded.slots)} storage slots; read from the store in ${n(s.restart.loaded.readMs)} ms, engine state built in ${n(s.restart.loaded.loadMs)} ms.${s.snapshot.lastWrite == null ? "" : ` The last snapshot written while running (block ${n(s.snapshot.lastWrite.block)}: ${n(s.snapshot.lastWrite.accounts)} accounts and ${n(s.snapshot.lastWrite.slots)} slots changed) took ${n(s.snapshot.lastWrite.ms)} ms to write.`}`]),
          ]),
      "",
    );
  }
  if (restart) lines.push(...restartSection(restart, scale?.result));
  if (node) {
    lines.push(
      "## The ledger node alone (JSON-RPC, no API)",
      "",
      `Settings: ${JSON.stringify(node.settings)}; ran ${node.ranAt}.`,
      "",
      `- ${n(node.result.issue.invoicesPerSecond)} invoices/s sustained over ${node.result.issue.seconds} s (batch transactions signed beforehand, receipt awaited); per transaction p50 / p95 / p99 ${node.result.issue.transactionLatencyMs.p50} / ${node.result.issue.transactionLatencyMs.p95} / ${node.result.issue.transactionLatencyMs.p99} ms.`,
      ...(node.result.standby === undefined
        ? []
        : [`- Standby: followed the whole journal in ${node.result.standby.secondsToFollowTheWholeJournal} s; after kill -9 of the node, promoted in ${node.result.standby.promotionMs} ms (POST /admin/promote, round trip, including the check that the old primary is gone), all invoices present: ${node.result.standby.allInvoicesPresentAfterPromotion}.`]),
      ...(node.result.memoryMb === undefined ? [] : [`- Node memory: peak resident ${n(node.result.memoryMb.peakUnderLoad)} MB under the load (VmHWM), ${n(node.result.memoryMb.afterRestart)} MB resident after the restart.`]),
      `- Restart after kill -9 with ${n(node.result.restart.invoicesStored)} invoices (${n(node.result.restart.blocks)} blocks${node.result.restart.fromSnapshotBlock === undefined ? "" : `; from the state snapshot at block ${n(node.result.restart.fromSnapshotBlock)}, ${n(node.result.restart.blocks - node.result.restart.fromSnapshotBlock)} replayed`}): ready in ${node.result.restart.secondsToReady} s, all present: ${node.result.restart.allInvoicesPresent}.`,
      "",
    );
  }
  if (engines) {
    lines.push(
      "## EVM engines compared (issue 3)",
      "",
      `Settings: ${JSON.stringify(engines.settings)}; ran ${engines.ranAt}. The same pre-signed workload on each engine, one issueBatch transaction per block; then a crash (state in memory lost) and the engine's own recovery, checked by the ledger's next invoice number.`,
      "",
      "| engine | invoices/s | ms per transaction, first / last tenth | restart: seconds to ready | dump before the crash | nothing lost | persistence |",
      "|---|---|---|---|---|---|---|",
    );
    for (const [name, figures] of Object.entries(engines.result)) {
      if ("skipped" in figures) {
        lines.push(`| ${name} | skipped: ${figures.skipped} | | | | | |`);
        continue;
      }
      const dump = figures.restart.snapshot === undefined ? "none" : `${figures.restart.snapshot.seconds} s, ${n(figures.restart.snapshot.MiB)} MiB`;
      lines.push(
        `| ${figures.engine}, ${figures.version} | ${n(figures.invoicesPerSecond)} | ${figures.msPerTransaction.firstTenth} / ${figures.msPerTransaction.lastTenth} | ${figures.restart.secondsToReady} | ${dump} | ${figures.restart.nothingLost} | ${figures.persistence} |`,
      );
    }
    lines.push("");
  }
  if (gas) {
    lines.push("## Gas", "", `Ran ${gas.ranAt} on Hardhat's in-process chain (Cancun, the bytecode the node runs).`, "", "| batch size | gas per invoice |", "|---|---|");
    for (const [size, b] of Object.entries(gas.result.batches)) lines.push(`| ${size} | ${n(b.gasPerInvoice)} |`);
    lines.push("", "| operation | gas |", "|---|---|", ...Object.entries(gas.result.operations).map(([op, g]) => `| ${op} | ${n(g)} |`), "");
  }
  return `${lines.join("\n")}\n`;
}

/** Where an issued invoice's time went on our node, by load, as the API measures it (api_issue_phase_seconds). */
function phases(ours: IssueResult): string[] {
  const loads = [
    ["full load", ours.full],
    ["half load", ours.half],
    ["batch requests", ours.batch],
  ] as const;
  const measured = loads.filter(([, load]) => load.phaseMs !== undefined && Object.keys(load.phaseMs).length > 0);
  if (measured.length === 0) return [];
  const names = ["store", "queue", "send", "block", "index"];
  return [
    "Where an invoice's time went on our node, mean ms per invoice by phase (the API's `api_issue_phase_seconds`): store (its document, synced) / queue (until its group leaves; single requests only) / send (account lock, nonce, signature, sending) / block (until the receipt) / index (until the event index has the block).",
    "",
    "| load | store | queue | send | block | index |",
    "|---|---|---|---|---|---|",
    ...measured.map(([what, load]) => `| ${what} | ${names.map((name) => load.phaseMs![name] ?? "—").join(" | ")} |`),
    "",
  ];
}

/** Invoices per second of one load against another's, to two decimals. */
function ratioOf(load: { invoicesPerSecond: number }, against: { invoicesPerSecond: number }): string {
  return (load.invoicesPerSecond / against.invoicesPerSecond).toFixed(2);
}

/**
 * What the issue figures can be read against: the most the API (with its PostgreSQL) could issue if it had every
 * core to itself, from the CPU it spent per invoice in the batch run; what the node alone sustained in the node
 * scenario (pre-signed batches, no API); and what the API issued, measured, when its chain cost almost nothing
 * (the stub chain, on the same cores).
 */
function ceilings(ours: IssueResult, nodeAlone: number | undefined, cores: number | undefined, stub: IssueResult | undefined): string[] {
  const cpu = ours.batch.cpuMicrosPerInvoice;
  if (cpu === undefined || cores === undefined) return [];
  const apiAndDatabase = (cpu.api ?? 0) + (cpu.postgres ?? 0);
  const all = apiAndDatabase + (cpu.chain ?? 0) + (cpu.client ?? 0);
  const measured =
    stub === undefined
      ? ""
      : ` Measured against the stub chain (issuing answered without an EVM: \`scripts/bench/stub-chain/\`; client, API, PostgreSQL and the stub on the same ${cores} cores): **${n(stub.batch.invoicesPerSecond)}/s with batch requests, ${n(stub.full.invoicesPerSecond)}/s with single requests**.`;
  return [
    `Ceilings, from the CPU per invoice of the batch run on ${cores} cores: the API with PostgreSQL alone ${n(Math.round((cores * 1e6) / apiAndDatabase))} invoices/s; all four processes together ${n(Math.round((cores * 1e6) / all))}/s${nodeAlone === undefined ? "" : `; the node alone (node scenario) sustained ${n(nodeAlone)}/s`}.${measured}`,
    "",
  ];
}

/**
 * The restart scenario, read beside the scale scenario's restart: what the engine build took per million slots of
 * the snapshot at each size, so that a reader sees whether a restart follows the state (slots) or the history (blocks).
 */
function restartSection(restart: ScenarioEntry<RestartResult>, scale: ScaleResult | undefined): string[] {
  const r = restart.result;
  const perMillionSlots = (loaded: RestartResult["restart"]["loaded"]) => (loaded == null || loaded.slots === 0 ? undefined : ((loaded.loadMs / loaded.slots) * 1000).toFixed(1));
  const row = (label: string, invoices: number, blocks: number, seconds: number, loaded: RestartResult["restart"]["loaded"], rssAfter: RestartResult["nodeMemoryMb"], allPresent: boolean) =>
    `| ${label} | ${n(invoices)} | ${n(blocks)} | ${loaded == null ? "—" : n(loaded.slots)} | ${seconds} | ${loaded == null ? "—" : `${n(loaded.readMs)} / ${n(loaded.loadMs)}`} | ${perMillionSlots(loaded) ?? "—"} | ${n(rssAfter.afterRestart)} / ${rssAfter.settledAfterRestart === undefined ? "—" : n(rssAfter.settledAfterRestart)} | ${allPresent} |`;
  return [
    `## Restart at ${n(r.invoices)} invoices (the node alone)`,
    "",
    `Settings: ${JSON.stringify(restart.settings)}; ran ${restart.ranAt}. Seeded with pre-signed issueBatch transactions straight to the node (${n(r.seeding.invoicesPerSecond)} invoices/s, ${n(r.seeding.transactions)} transactions in ${n(r.seeding.blocks)} blocks, ${n(r.seeding.seconds)} s), the snapshot let catch up with the head (${n(r.snapshot.behindAtSeedEndBlocks)} blocks behind, ${r.snapshot.catchUpSeconds} s), then kill -9 and a start timed to its ready line.`,
    "",
    `| run | invoices | blocks | snapshot slots | restart s | snapshot read / engine built ms | engine ms per 1,000 slots | RSS at once / ${SETTLED_AFTER_S} s after MB | all present |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...(scale === undefined ? [] : [row("scale scenario", scale.invoices, scale.restart.headBlock, scale.restart.secondsToReady, scale.restart.loaded, scale.nodeMemoryMb, scale.restart.allPresent)]),
    row("this scenario", r.invoices, r.restart.headBlock, r.restart.secondsToReady, r.restart.loaded, r.nodeMemoryMb, r.restart.allPresent),
    "",
    `Chain store on disk ${n(Math.round(r.snapshot.bytesOnDisk / 2 ** 20))} MiB; node peak resident over the seeding ${n(r.nodeMemoryMb.peakWhileSeeding)} MB (VmHWM).${r.snapshot.lastWrite == null ? "" : ` The last snapshot written while running (block ${n(r.snapshot.lastWrite.block)}: ${n(r.snapshot.lastWrite.slots)} slots changed) took ${n(r.snapshot.lastWrite.ms)} ms.`}`,
    "",
  ];
}
