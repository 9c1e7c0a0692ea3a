import type { EvmEngine } from "./evm-engine";

/**
 * Options of the memory allocator inside EDR (mimalloc, linked into its native module), as defaults that the
 * environment overrides. mimalloc reads them once, when the native module is loaded, so this module is imported
 * by evm-engine.ts before `@nomicfoundation/edr`: every way the node starts (`npm run node`, `npm start`, the
 * tests' and benchmarks' node processes, the built `dist/`) creates its engine through evm-engine.ts.
 *
 * `MIMALLOC_PURGE_DELAY` (mimalloc's default: 1,000 ms) is how long freed memory stays mapped before it is given
 * back to the operating system. Building a state (a start from a snapshot) builds EDR's state
 * trie twice and frees the first one on the way: with the default, those pages are given back and the second
 * build faults in fresh, zeroed pages again. Kept for 10 s, the second build reuses them; once the build is over,
 * they go back to the system as before (-1, never, would keep the build's peak resident for the node's life).
 * Measured with scripts/bench/snapshot-load.ts (ledger-node/README.md, "Restart").
 *
 * `MIMALLOC_ALLOW_THP=0` turns transparent huge pages off for the node's process (mimalloc calls
 * `prctl(PR_SET_THP_DISABLE)` when it starts; `/proc/<pid>/status` then shows `THP_enabled: 0`), whatever the
 * host's `/sys/kernel/mm/transparent_hugepage/enabled` says. Where the host says `always` (the default of several
 * distributions), every first touch of a fresh 2 MB range faults in a whole huge page, zeroed: building the state
 * spent about a third of its time zeroing pages, and a huge page partly in use is never given back. Measured
 * 2026-11-27 on a host set to `always` (ledger-node/README.md, "Restart"): the engine built from 2 M slots in
 * 30.6-34.9 s instead of 33.8-39.0 s (five runs each, alternated), and the node alone issues ~7 % more a second
 * with a lower peak (`npm run bench:node`).
 */
const DEFAULTS: Record<string, string> = {
  MIMALLOC_PURGE_DELAY: "10000",
  MIMALLOC_ALLOW_THP: "0",
};

for (const [name, value] of Object.entries(DEFAULTS)) process.env[name] ??= value;

/** How long after memory is freed the allocator may give it back: `MIMALLOC_PURGE_DELAY` as mimalloc reads it (0 when never). */
function allocatorPurgeDelayMs(): number {
  const delay = Number(process.env.MIMALLOC_PURGE_DELAY ?? 1_000);
  return Number.isFinite(delay) && delay > 0 ? delay : 0;
}

/** How long after memory is freed `giveBackFreed` can give it back: the allocator's purge delay, and a second. */
export function purgeWaitMs(): number {
  return allocatorPurgeDelayMs() + 1_000;
}

/** The size of a parameter that EDR's allocator takes, and frees, as whole pages of its own. */
const WHOLE_PAGES_BYTES = 8 * 2 ** 20;

/** What `giveBackFreed` asks of an engine (evm-engine.ts's `EvmEngine` has it). */
type Requests = Pick<EvmEngine, "request">;

/**
 * Lets EDR's allocator give back what was freed more than its purge delay ago. mimalloc (v3, src/arena.c) marks
 * freed pages for purging with an expiry, but purges only when some thread later frees or abandons a whole page
 * (or collects its heap, every 10,000 slow allocations): a dropped engine's gigabytes, freed at once, stayed resident
 * for as long as the process ran light requests, which free no whole page (an engine built from 2 M slots, dropped,
 * another engine asked for its block number every second: 4,227 MB for 60 s; with one such request 11 s after the
 * drop, 534 MB; measured 2026-11-27, ledger-node/README.md). One request whose parameter EDR copies and frees is such
 * a free: it is refused, and costs a few milliseconds.
 */
export async function giveBackFreed(engine: Requests): Promise<void> {
  // Made for each request (a few milliseconds, rarely), not held for the node's life.
  await engine.request("eth_chainId", ["0".repeat(WHOLE_PAGES_BYTES)]).catch(() => undefined);
}

/** How many times `giveBackFreedLater` gives back, a purge delay apart. */
export const GIVE_BACK_ROUNDS = 6;

/**
 * `giveBackFreed` once what has been freed by now can be given back (`waitMs`, by default `purgeWaitMs`), and again
 * `rounds` times in all, each `waitMs` after the one before; the timers hold no process open. Once is not enough
 * after a large engine is dropped: its memory is not all freed, or not all due, by the first. Measured 2026-11-28
 * (a renewal at 1,000,000 invoices, the resident size every 2 s): 4,821 MB at the old engine's release, 4,594-4,639
 * MB after the one give-back 12 s later, 2,946 MB right after another 12 s after that, and no lower after four more.
 * Each costs a few milliseconds.
 */
export function giveBackFreedLater(engine: Requests, { rounds = GIVE_BACK_ROUNDS, waitMs = purgeWaitMs() } = {}): void {
  if (rounds <= 0) return;
  setTimeout(() => {
    void giveBackFreed(engine).then(() => giveBackFreedLater(engine, { rounds: rounds - 1, waitMs }));
  }, waitMs).unref();
}
