import { expect } from "chai";

import { anvilBinary } from "../../scripts/bench/engines/anvil";
import { ENGINES, runEngines, type EngineFigures } from "../../scripts/bench/scenarios/engines";

/**
 * The engine comparison behind ledger-node/README.md, at a tiny size: every candidate runs the workload,
 * survives its crash with its own recovery, and the harness reads back the ledger's state from it. Keeps the
 * benchmark that justifies the choice of engine runnable; the figures themselves come from `npm run bench`.
 */
describe("engine comparison harness (npm run bench -- --only engines)", function () {
  this.timeout(120_000);

  it("issues the same invoices on EDR, anvil and @ethereumjs/vm and finds all of them after each one's restart", async () => {
    const result = await runEngines({ engines: [...ENGINES], invoices: 10, batch: 5 });
    expect(Object.keys(result)).to.deep.equal([...ENGINES]);
    // anvil's binary comes in a per-platform package; where none is installed the harness says so instead.
    const measured: readonly string[] = anvilBinary() === undefined ? ENGINES.filter((name) => name !== "anvil") : ENGINES;
    if (anvilBinary() === undefined) expect(result.anvil).to.have.property("skipped").that.matches(/no anvil binary/);
    for (const name of measured) {
      const figures = result[name] as EngineFigures;
      expect(figures, name).to.not.have.property("skipped");
      expect(figures.invoices, name).to.equal(10);
      expect(figures.transactions, name).to.equal(2);
      expect(figures.restart.nothingLost, name).to.equal(true);
      expect(figures.invoicesPerSecond, name).to.be.greaterThan(0);
    }
    // Only anvil needs a dump taken before the crash; the others recover from what they wrote per block.
    if (measured.includes("anvil")) expect((result.anvil as EngineFigures).restart.snapshot?.MiB).to.be.greaterThan(0);
    expect((result.edr as EngineFigures).restart).to.not.have.property("snapshot");
  });

  it("refuses an engine name it does not know rather than measuring nothing", async () => {
    const fail = await runEngines({ engines: ["geth" as never], invoices: 10, batch: 5 }).catch((error: unknown) => error);
    expect(fail).to.be.instanceOf(Error);
    expect((fail as Error).message).to.match(/unknown engine geth; choose among edr, anvil, ethereumjs/);
  });
});
