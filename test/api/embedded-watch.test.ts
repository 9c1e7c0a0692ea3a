import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import pino from "pino";

import type { Database } from "../../api/db/database";
import type { StorageStatus } from "../../api/db/database-status";
import { watchEmbeddedServer } from "../../api/db/embedded-watch";

/**
 * The watcher of the embedded server on its own, with a probe the test answers: it starts a server that stopped,
 * and once told to stop it waits for the tick in flight and acts no more (before, a probe answered as the API was
 * closing could start the server again, or write its mark, into a directory being removed).
 */
describe("embedded server watch", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "watch-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function fakeDatabase(): { database: Database; starts: () => number } {
    let starts = 0;
    const embedded = {
      url: "",
      dir,
      started: true,
      ensureRunning: () => {
        starts += 1;
        return Promise.resolve(true);
      },
      stop: () => Promise.resolve(),
    };
    return { database: { embedded } as unknown as Database, starts: () => starts };
  }

  it("starts the server again while the database does not answer", async () => {
    const { database, starts } = fakeDatabase();
    const stop = watchEmbeddedServer(database, { probe: () => Promise.resolve({ status: "unavailable" } as StorageStatus) }, pino({ level: "silent" }), 5);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await stop();
    expect(starts()).to.be.greaterThan(0);
  });

  it("waits for the probe in flight when stopped, and neither starts the server nor writes a mark after", async () => {
    const { database, starts } = fakeDatabase();
    let answer: ((state: StorageStatus) => void) | undefined;
    let probes = 0;
    const probe = () => {
      probes += 1;
      return new Promise<StorageStatus>((resolve) => (answer = resolve));
    };
    const stop = watchEmbeddedServer(database, { probe }, pino({ level: "silent" }), 5);
    while (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped, "stop returned before the probe in flight answered").to.equal(false);
    answer({ status: "unavailable" } as StorageStatus);
    await stopping;
    expect(starts()).to.equal(0);
    expect(probes).to.equal(1);
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});
