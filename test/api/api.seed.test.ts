import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

import { isValidTaxpayerId } from "../../api/domain/taxpayer-id";
import { ApiClient } from "../../scripts/lib/api-client";
import type { DemoKeysFile } from "../../scripts/seed/demo-keys";
import { seedDemo } from "../../scripts/seed/seed-demo";
import { startSystem, type TestSystem } from "./helpers/system";

const run = promisify(execFile);

/**
 * The demo seed (`npm start -- --seed`, `npm run seed`) through the API in process against a real ledger node:
 * every demo party's API key is saved in `<data dir>/demo/keys.json`, a secret file, and each key authenticates
 * as the party it is saved for; the commands the seed prints work as printed; a second seed keeps the first one's keys.
 */
describe("the demo seed", function () {
  this.timeout(120_000);
  let system: TestSystem;
  let summary: string;
  let keysFile: string;
  const saved = () => JSON.parse(readFileSync(keysFile, "utf8")) as DemoKeysFile;

  before(async () => {
    system = await startSystem();
    summary = await seedDemo(system.api.url, system.api.bureauKeyFile);
    keysFile = join(system.dataDir, "demo", "keys.json");
  });
  after(async () => system?.close());

  it("saves every party's role, name, account, taxpayer ID and key in <data dir>/demo/keys.json, readable by its owner only", () => {
    expect(statSync(keysFile).mode & 0o777).to.equal(0o600);
    expect(statSync(join(system.dataDir, "demo")).mode & 0o777).to.equal(0o700);
    const { api, parties } = saved();
    expect(api).to.equal(system.api.url);
    const count = (role: string) => parties.filter((p) => p.role === role).length;
    expect([count("bureau"), count("merchant"), count("enterprise"), count("individual")]).to.deep.equal([1, 2, 2, 3]);
    expect(new Set(parties.map((p) => p.account)).size).to.equal(parties.length);
    for (const party of parties) {
      expect(party.name).to.be.a("string").and.not.empty;
      expect(party.apiKey).to.match(/^eil_[0-9a-f]{12}_/);
      if (party.role === "merchant" || party.role === "enterprise") expect(isValidTaxpayerId(party.taxpayerId ?? ""), party.name).to.equal(true);
      if (party.role === "individual") expect(parties.filter((p) => p.role === "enterprise").map((p) => p.account)).to.include(party.employer);
    }
  });

  it("saves keys that each authenticate as their party", async () => {
    for (const party of saved().parties) {
      const answer = await new ApiClient(system.api.url, party.apiKey).get(`/v1/participants/${party.account}`);
      expect(answer.status, `${party.role} ${party.name}`).to.equal(200);
      expect(answer.body).to.include({ account: party.account, role: party.role, name: party.name });
      if (party.taxpayerId !== undefined) expect(answer.body.taxpayerId).to.equal(party.taxpayerId);
    }
  });

  it("prints, for each role, a command that works as printed (its key read from the file, with node)", async () => {
    const commands = summary
      .split("\n")
      .map((line) => line.slice(line.indexOf("curl ")))
      .filter((line) => line.startsWith("curl "));
    for (const role of ["bureau", "merchant", "enterprise", "individual"]) expect(commands.some((c) => c.includes(`p.role === "${role}"`)), role).to.equal(true);
    for (const command of commands) {
      const { stdout } = await run("bash", ["-c", `${command} --fail --silent --show-error`]);
      expect(() => JSON.parse(stdout) as unknown, command).to.not.throw();
    }
  });

  it("keeps the keys of an earlier seed when seeded again", async () => {
    const before = saved().parties;
    await seedDemo(system.api.url, system.api.bureauKeyFile);
    const after = saved().parties;
    expect(after).to.have.length(before.length + 7);
    expect(after.slice(0, before.length - 1)).to.deep.equal(before.filter((p) => p.role !== "bureau"));
    expect(after.filter((p) => p.role === "bureau")).to.have.length(1);
  });
});
