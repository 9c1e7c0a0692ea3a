import { expect } from "chai";
import pino from "pino";

import type { EvmEngine } from "../../ledger-node/chain/evm-engine";
import { SnapshotWriter } from "../../ledger-node/snapshot/snapshot-writer";
import type { PrestateDiff, StateDiff } from "../../ledger-node/snapshot/state-diff";
import type { ChainStore, ServedBlock, SnapshotMark } from "../../ledger-node/store/chain-store";

const LEDGER = "0x" + "1e".repeat(20);
const word = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}`;
const hashOf = (number: number) => word(BigInt(number) + 1000n);

/** A transaction's traced change: slot `slot` of the ledger set to `value`. */
const sets = (slot: bigint, value: bigint): PrestateDiff => ({ pre: { [LEDGER]: { storage: {} } }, post: { [LEDGER]: { storage: { [word(slot)]: word(value) } } } });

/**
 * The snapshot writer on its own, with a stand-in store and engine: what it writes, and when. Blocks are traced by
 * whoever applies them; a write can start at any moment (its timer), and must hold whole blocks only.
 */
describe("SnapshotWriter: whole blocks only", () => {
  function setup(blocks: Record<number, Record<string, PrestateDiff>>) {
    const written: { mark: SnapshotMark; diff: StateDiff }[] = [];
    let mark: SnapshotMark = { number: 0, hash: hashOf(0), stateRoot: word(0n) };
    const store = {
      snapshotMark: async () => mark,
      writeSnapshot: async (next: SnapshotMark, diff: StateDiff) => {
        written.push({ mark: next, diff });
        mark = next;
      },
    } as unknown as ChainStore;
    const held = new Map<string, () => void>();
    const engine = {
      request: async (method: string, params: unknown[]) => {
        if (method !== "debug_traceTransaction") throw new Error(`unexpected ${method}`);
        const hash = params[0] as string;
        if (hash.startsWith("held:")) await new Promise<void>((release) => held.set(hash, release));
        for (const transactions of Object.values(blocks)) if (transactions[hash] !== undefined) return transactions[hash];
        throw new Error(`no transaction ${hash}`);
      },
    } as unknown as EvmEngine;
    /** The header of block `number` as whoever applied it hands it over. */
    const header = (number: number): ServedBlock => ({ number: `0x${number.toString(16)}`, hash: hashOf(number), parentHash: hashOf(number - 1), timestamp: "0x0", stateRoot: word(BigInt(number)), transactions: Object.keys(blocks[number] ?? {}) });
    return { store, engine, written, held, header };
  }
  const slotsOf = (diff: StateDiff) => Object.fromEntries([...(diff.get(LEDGER)?.storage ?? new Map())].map(([slot, value]) => [BigInt(slot).toString(), value === null ? null : BigInt(value).toString()]));

  it("writes the state after the last whole block when its timer comes while a block is half traced", async () => {
    const blocks = { 1: { a: sets(1n, 11n) }, 2: { b: sets(2n, 22n), "held:c": sets(3n, 33n) } };
    const { store, engine, written, held, header } = setup(blocks);
    // Written every 100 ms: block 1 is traced well before that, and the timer writes while block 2 is held.
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1_000, everyMs: 100 }, pino({ level: "silent" }));
    await writer.traceBlock(header(1));
    const second = writer.traceBlock(header(2));
    // Block 2's first transaction is traced, its second held.
    for (let i = 0; i < 100 && held.size === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(written.map((w) => w.mark.number)).to.deep.equal([1]);
    expect(slotsOf(written[0]!.diff)).to.deep.equal({ "1": "11" });
    held.get("held:c")!();
    await second;
    await writer.stop();
    expect(written.map((w) => w.mark)).to.deep.equal([
      { number: 1, hash: hashOf(1), stateRoot: word(1n) },
      { number: 2, hash: hashOf(2), stateRoot: word(2n) },
    ]);
    expect(slotsOf(written[1]!.diff)).to.deep.equal({ "2": "22", "3": "33" });
  });

  it("passes over blocks the snapshot holds, and stops for good at a block out of order, writing nothing after it", async () => {
    const blocks = { 1: { a: sets(1n, 11n) }, 2: { b: sets(2n, 22n) }, 3: { c: sets(3n, 33n) } };
    const { store, engine, written, header } = setup(blocks);
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1, everyMs: 60_000 }, pino({ level: "silent" }));
    await writer.traceBlock(header(0)); // genesis: already in the snapshot
    await writer.traceBlock(header(1));
    await writer.traceBlock(header(3)); // block 2 was never traced: a snapshot past it would miss its changes
    await writer.traceBlock(header(2));
    await writer.stop();
    expect(written.map((w) => w.mark.number)).to.deep.equal([1]);
    expect(writer.snapshotBlock).to.equal(1);
  });
});
