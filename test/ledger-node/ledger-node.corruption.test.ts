import { closeSync, openSync, readdirSync, readSync, rmSync, statSync, truncateSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { connect, issueSome, registerMerchant } from "./helpers/clients";
import { freshDataDir, startNodeProcess, type ExitedEarly, type NodeProcess } from "../../scripts/lib/node-process";

/**
 * LevelDB recovers a damaged log by dropping its damaged tail without an error; the node must notice that
 * its journal ends below what it acknowledged (the record in <dataDir>/chain-head) and refuse to start.
 */
describe("ledger-node: a store that lost acknowledged blocks is refused", function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const running: NodeProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((n) => (n.child.exitCode === null ? n.kill() : undefined)));
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A chain with some blocks, stopped cleanly; returns its data directory. `blocksLast`: killed instead, with no
   * state snapshot written since its start, so that the newest records of the log are the last blocks (a clean
   * stop writes the snapshot last, and a flipped byte there only costs the snapshot: the node then starts, rightly,
   * from the previous one).
   */
  async function chainWithBlocks(blocksLast = false): Promise<string> {
    const dir = freshDataDir();
    dirs.push(dir);
    const node = await startNodeProcess(dir, blocksLast ? { LEDGER_SNAPSHOT_MS: "3600000" } : {});
    running.push(node);
    const c = connect(node, dir);
    const { ledger } = await registerMerchant(c);
    await issueSome(ledger, 3);
    c.provider.destroy();
    if (blocksLast) await node.kill();
    else expect(await node.stop()).to.equal(0);
    return dir;
  }

  function newestLog(dir: string): string {
    const logs = readdirSync(join(dir, "chain")).filter((f) => f.endsWith(".log"));
    const newest = logs.sort().pop();
    expect(newest, "a LevelDB log file").to.not.equal(undefined);
    return join(dir, "chain", newest!);
  }

  async function refusedAtStart(dir: string): Promise<void> {
    const outcome = await startNodeProcess(dir).then(
      (node) => {
        running.push(node);
        return expect.fail("the node served a store that lost acknowledged blocks");
      },
      (error: ExitedEarly) => error,
    );
    expect(outcome.exitCode).to.equal(3);
    expect(outcome.logs.some((l) => l.code === "STORE_CORRUPTED")).to.equal(true);
  }

  it("refuses to start after one flipped byte in the newest LevelDB log", async () => {
    const dir = await chainWithBlocks(true);
    const log = newestLog(dir);
    const size = statSync(log).size;
    expect(size).to.be.greaterThan(1_000);
    // A byte inside the last records: LevelDB drops the damaged block of the log and everything after it.
    const at = size - 200;
    const fd = openSync(log, "r+");
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    writeSync(fd, Buffer.of(byte[0]! ^ 0xff), 0, 1, at);
    closeSync(fd);
    await refusedAtStart(dir);
  });

  it("refuses to start when the newest LevelDB log was truncated", async () => {
    const dir = await chainWithBlocks();
    const log = newestLog(dir);
    truncateSync(log, Math.floor(statSync(log).size / 2));
    await refusedAtStart(dir);
  });

  it("refuses to start when the record of the acknowledged head is damaged or missing", async () => {
    const dir = await chainWithBlocks();
    const record = join(dir, "chain-head");
    const fd = openSync(record, "r+");
    writeSync(fd, "9", 0, "utf8"); // breaks the JSON or the checksum
    closeSync(fd);
    await refusedAtStart(dir);
    unlinkSync(record);
    await refusedAtStart(dir);
  });

  it("restarts as before when nothing was damaged", async () => {
    const dir = await chainWithBlocks();
    const node = await startNodeProcess(dir);
    running.push(node);
    expect(node.child.exitCode).to.equal(null);
  });
});
