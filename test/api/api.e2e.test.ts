import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

import { scanChain, scanDatabase, scanLevelDb } from "./helpers/privacy-scan";
import { RealProcesses } from "./helpers/processes";
import { runStory, STORY_EVENTS } from "./helpers/story";
import { builtProgram } from "../../scripts/lib/built-program";

const run = promisify(execFile);

/**
 * The whole story over HTTP against the real processes, started the way `npm start` starts them; then both
 * are killed with SIGKILL, restarted on the same data, and every answer must be the same.
 */
describe("end to end: the story over HTTP, then kill -9 and restart", function () {
  this.timeout(600_000);
  let system: RealProcesses;

  before(async () => {
    system = await RealProcesses.start();
  });
  after(async () => system?.close());

  it("issues, claims, reimburses once, files, reverses, verifies and traces; all of it survives SIGKILL", async () => {
    const { personalData, answers } = await runStory(system.api.url, system.bureau());
    const before = await answers();

    // Privacy: no personal data in any transaction input, any event, or the chain's own store.
    const onChain = await scanChain(system.node.url, personalData);
    expect(onChain.transactions).to.be.greaterThan(15);
    expect(onChain.hits).to.deep.equal([]);

    await system.api.kill();
    await system.node.kill();
    const chainStore = await scanLevelDb(join(system.dataDir, "chain"), personalData);
    expect(chainStore.entries).to.be.greaterThan(20);
    expect(chainStore.hits).to.deep.equal([]);
    // The scan can see personal data where it is meant to be in clear: the participants' names, in the API's
    // private database. A document's personal fields (the ride's buyer and remarks) are there only encrypted
    // under a key of that document, which an erasure deletes (test/api/api.erasure.test.ts).
    const apiStore = await scanDatabase(join(system.dataDir, "postgres"), personalData);
    expect(new Set(apiStore.hits.map((h) => h.needle))).to.deep.equal(new Set(["张三", "李四", "王五"]));
    await system.restartNode();
    // The index is derived: rebuild it from the chain with the one command, then start the API on it.
    const { stdout } = await run(process.execPath, [builtProgram("api/reindex"), "--rpc-url", system.node.url], { env: { ...process.env, LEDGER_DATA_DIR: system.dataDir } });
    const rebuilt = JSON.parse(stdout.trim().split("\n").pop()!) as { events: number };
    expect(rebuilt.events).to.equal(STORY_EVENTS); // registrations, quotas, issues, claim..file, reversal
    await system.restartApi(); // on the same ports: the clients keep their address

    const after = await answers();
    expect(after).to.deep.equal(before);
    expect(before.all.invoices).to.have.length(5);
  });
});
