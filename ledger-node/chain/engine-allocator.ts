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
 */
const DEFAULTS: Record<string, string> = {
  MIMALLOC_PURGE_DELAY: "10000",
};

for (const [name, value] of Object.entries(DEFAULTS)) process.env[name] ??= value;
