/**
 * How many blocks' states the engine keeps, and so how far back the node serves state.
 *
 * EDR keeps the state after every block it mines in a cache (`__EDR_MAX_CACHED_STATES`, 100,000 by default),
 * and each cached state holds the trie nodes its block changed: about 0.6 MB per block of the issue benchmark's
 * load, so the node's memory grew with its history for as long as a chain has blocks to give (measured over
 * 45 s of single and 45 s of batch requests, scripts/bench: peak resident 1,919 MiB with the default, 1,386 MiB
 * with 128). A state that is not cached is rebuilt by EDR from the engine's first state and every block's
 * changes since: the cost of the whole history, for one read.
 *
 * So the engine keeps `ENGINE_CACHED_STATES`, and the node serves state reads (eth_call, eth_getBalance,
 * eth_getStorageAt, eth_getProof...) for the newest `RECENT_STATE_BLOCKS` blocks only, refusing older ones as a
 * geth full node does (128 blocks there); every other read (blocks, transactions, receipts, logs) comes from the
 * node's own store, whatever its age. The snapshot writer traces each block at most `MAX_UNTRACED_BLOCKS`
 * blocks after it is applied (snapshot/snapshot-writer.ts), while its parent's state is still among these. Set
 * before EDR creates a provider, which is when it reads the variable; the environment may override it.
 */
export const RECENT_STATE_BLOCKS = 64;

/**
 * How many applied blocks may wait to be traced for the snapshot: whoever applies one more waits until one of them
 * is traced, so the oldest one's parent state is never much more than this many blocks behind the head, well
 * within the states the engine keeps.
 */
export const MAX_UNTRACED_BLOCKS = RECENT_STATE_BLOCKS / 2;

/**
 * The states EDR keeps: the newest 64 the node serves (the snapshot writer traces within them), and a few more so
 * that the oldest served is never the one EDR evicts as the next block is mined. Each cached state holds the trie
 * nodes its block changed, which grow with the depth of the state's trie: with the node alone under a batch load
 * (4 merchants, 100 invoices per transaction, scripts/bench), resident 10 s after 180,000 invoices was 1,186 /
 * 1,149 MB with 72 states against 1,498 / 1,325 MB with 128 (2026-11-27, alternated); issue throughput the same
 * within the runs' spread (2,829 / 2,943 against 2,941 / 2,586 invoices/s over 120,000).
 */
const ENGINE_CACHED_STATES = RECENT_STATE_BLOCKS + 8;

process.env.__EDR_MAX_CACHED_STATES ??= String(ENGINE_CACHED_STATES);
