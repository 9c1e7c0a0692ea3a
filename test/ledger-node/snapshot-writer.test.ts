import { expect } from "chai";
import pino from "pino";

import type { EvmEngine } from "../../ledger-node/chain/evm-engine";
import { EnginePriority } from "../../ledger-node/chain/engine-priority";
import { MAX_UNTRACED_BLOCKS } from "../../ledger-node/chain/engine-state-cache";
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
describe("SnapshotWriter: whole blocks only, traced in the background", () => {
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
    /** The transactions traced, in the order the engine was asked. */
    const asked: string[] = [];
    const engine = {
      request: async (method: string, params: unknown[]) => {
        if (method !== "debug_traceTransaction") throw new Error(`unexpected ${method}`);
        const hash = params[0] as string;
        asked.push(hash);
        if (hash.startsWith("held:")) await new Promise<void>((release) => held.set(hash, release));
        for (const transactions of Object.values(blocks)) if (transactions[hash] !== undefined) return transactions[hash];
        throw new Error(`no transaction ${hash}`);
      },
    } as unknown as EvmEngine;
    /** The header of block `number` as whoever applied it hands it over. */
    const header = (number: number): ServedBlock => ({ number: `0x${number.toString(16)}`, hash: hashOf(number), parentHash: hashOf(number - 1), timestamp: "0x0", stateRoot: word(BigInt(number)), transactions: Object.keys(blocks[number] ?? {}) });
    return { store, engine, written, held, header, asked };
  }
  const slotsOf = (diff: StateDiff) => Object.fromEntries([...(diff.get(LEDGER)?.storage ?? new Map())].map(([slot, value]) => [BigInt(slot).toString(), value === null ? null : BigInt(value).toString()]));

  it("writes the state after the last whole block when its timer comes while a block is half traced", async () => {
    const blocks = { 1: { a: sets(1n, 11n) }, 2: { b: sets(2n, 22n), "held:c": sets(3n, 33n) } };
    const { store, engine, written, held, header } = setup(blocks);
    // Written every 100 ms: block 1 is traced well before that, and the timer writes while block 2 is held.
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1_000, everyMs: 100 }, pino({ level: "silent" }), new EnginePriority());
    await writer.blockApplied(header(1));
    const second = writer.blockApplied(header(2));
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
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1, everyMs: 60_000 }, pino({ level: "silent" }), new EnginePriority());
    await writer.blockApplied(header(0)); // genesis: already in the snapshot
    await writer.blockApplied(header(1));
    await writer.blockApplied(header(3)); // block 2 was never traced: a snapshot past it would miss its changes
    await writer.blockApplied(header(2));
    await writer.stop();
    expect(written.map((w) => w.mark.number)).to.deep.equal([1]);
    expect(writer.snapshotBlock).to.equal(1);
  });

  it("traces in the background: a block handed over is traced later, and whoever hands over waits only when too many wait", async () => {
    const blocks: Record<number, Record<string, PrestateDiff>> = {};
    for (let n = 1; n <= MAX_UNTRACED_BLOCKS + 2; n++) blocks[n] = { [n === 1 ? "held:1" : `t${n}`]: sets(BigInt(n), BigInt(n * 10)) };
    const { store, engine, written, held, header } = setup(blocks);
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1_000, everyMs: 60_000 }, pino({ level: "silent" }), new EnginePriority());
    // Block 1's trace is held: the blocks after it wait untraced, and handing them over returns at once...
    for (let n = 1; n <= MAX_UNTRACED_BLOCKS; n++) await writer.blockApplied(header(n));
    expect(writer.untracedBlocks).to.equal(MAX_UNTRACED_BLOCKS);
    // ...until more than MAX_UNTRACED_BLOCKS wait: the next hand-over waits for a block to be traced.
    let returned = false;
    const next = writer.blockApplied(header(MAX_UNTRACED_BLOCKS + 1)).then(() => (returned = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(returned).to.equal(false);
    held.get("held:1")!();
    await next;
    await writer.blockApplied(header(MAX_UNTRACED_BLOCKS + 2));
    // Stopping traces everything handed over, then writes it.
    await writer.stop();
    expect(writer.untracedBlocks).to.equal(0);
    expect(written.map((w) => w.mark.number)).to.deep.equal([MAX_UNTRACED_BLOCKS + 2]);
    expect(Object.keys(slotsOf(written[0]!.diff))).to.have.length(MAX_UNTRACED_BLOCKS + 2);
  });

  it("asks the engine for no trace while urgent work (a block being mined) is under way", async () => {
    const blocks = { 1: { a: sets(1n, 11n) }, 2: { b: sets(2n, 22n) } };
    const { store, engine, written, header, asked } = setup(blocks);
    const priority = new EnginePriority();
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1, everyMs: 60_000 }, pino({ level: "silent" }), priority);
    let finishMining!: () => void;
    const mining = priority.urgently(() => new Promise<void>((resolve) => (finishMining = resolve)));
    await writer.blockApplied(header(1));
    await writer.blockApplied(header(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).to.deep.equal([]);
    finishMining();
    await mining;
    await writer.stop();
    expect(asked).to.deep.equal(["a", "b"]);
    expect(written.map((w) => w.mark.number)).to.deep.equal([1, 2]);
  });

  it("traces in turn with urgent work while more than half the blocks allowed wait, so that a stream of it cannot hold the sealer back, and at shutdown regardless", async () => {
    const blocks: Record<number, Record<string, PrestateDiff>> = {};
    for (let n = 1; n <= MAX_UNTRACED_BLOCKS / 2 + 1; n++) blocks[n] = { [`t${n}`]: sets(BigInt(n), BigInt(n)) };
    const { store, engine, written, header, asked } = setup(blocks);
    const priority = new EnginePriority();
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1_000, everyMs: 60_000 }, pino({ level: "silent" }), priority);
    // Urgent work that never ends: the first blocks wait for it...
    void priority.urgently(() => new Promise<void>(() => undefined));
    for (let n = 1; n <= MAX_UNTRACED_BLOCKS / 2; n++) await writer.blockApplied(header(n));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).to.deep.equal([]);
    // ...until one more makes more than half wait: then one is traced all the same, and the rest wait again...
    await writer.blockApplied(header(MAX_UNTRACED_BLOCKS / 2 + 1));
    for (let i = 0; i < 100 && asked.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).to.deep.equal(["t1"]);
    expect(writer.untracedBlocks).to.equal(MAX_UNTRACED_BLOCKS / 2);
    // ...and at shutdown nothing waits: everything handed over is traced and written.
    await writer.stop();
    expect(asked).to.have.length(MAX_UNTRACED_BLOCKS / 2 + 1);
    expect(written.map((w) => w.mark.number)).to.deep.equal([MAX_UNTRACED_BLOCKS / 2 + 1]);
  });

  it("traces every block handed over, whenever it comes: also one that comes just as the tracing of the others ends", async () => {
    // The engine answers after a random number of microtask turns, and blocks are handed over after another: over
    // many blocks, some arrive in the turns between the tracing finding nothing left and its end.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await Promise.resolve();
    };
    const count = 400;
    const blocks: Record<number, Record<string, PrestateDiff>> = {};
    for (let n = 1; n <= count; n++) blocks[n] = { [`t${n}`]: sets(BigInt(n), BigInt(n)) };
    const { store, written, header } = setup(blocks);
    const engine = {
      request: async (_method: string, params: unknown[]) => {
        await turns(Math.floor(random() * 6));
        return blocks[Number((params[0] as string).slice(1))]![params[0] as string];
      },
    } as unknown as EvmEngine;
    const writer = await SnapshotWriter.open(engine, store, { everyBlocks: 1, everyMs: 60_000 }, pino({ level: "silent" }), new EnginePriority());
    // In pairs: the second block of each comes a few turns after the first, and is then the last for a while:
    // it must be traced on its own, without a block after it and without stopping the writer.
    for (let n = 2; n <= count; n += 2) {
      await writer.blockApplied(header(n - 1));
      await turns(Math.floor(random() * 12));
      await writer.blockApplied(header(n));
      for (let i = 0; i < 50 && written.at(-1)?.mark.number !== n; i++) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(written.at(-1)?.mark.number, `block ${n}`).to.equal(n);
    }
    expect(writer.untracedBlocks).to.equal(0);
    await writer.stop();
  });
});
