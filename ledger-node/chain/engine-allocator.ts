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
