import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { startSystem, type TestSystem } from "../api/helpers/system";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROOT, ensureBuilt } = require("../../bin/build-state") as { ROOT: string; ensureBuilt(): void };

/** How the API serves the built console (api/http/console.ts): one page for every console path, cached assets. */
describe("the console as the API serves it", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let unbuilt: TestSystem;
  let emptyDir: string;
  before(async () => {
    ensureBuilt();
    system = await startSystem();
    emptyDir = mkdtempSync(join(tmpdir(), "no-console-"));
    unbuilt = await startSystem({ consoleDir: emptyDir });
  });
  after(async () => {
    await system?.close();
    await unbuilt?.close();
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it("answers its one page at /console and at any path under it, never cached, with a strict Content-Security-Policy", async () => {
    const built = readFileSync(join(ROOT, "dist", "console", "index.html"), "utf8");
    for (const path of ["/console", "/console/", "/console/bureau/search", "/console/me/invoices/0x12"]) {
      const answer = await fetch(`${system.api.url}${path}`);
      expect(answer.status, path).to.equal(200);
      expect(await answer.text(), path).to.equal(built);
      expect(answer.headers.get("cache-control"), path).to.equal("no-store");
      const policy = Object.fromEntries((answer.headers.get("content-security-policy") ?? "").split(";").map((d) => [d.trim().split(" ")[0], d.trim().split(" ").slice(1)]));
      expect(policy["script-src"], path).to.deep.equal(["'self'"]);
      expect(policy["frame-ancestors"], path).to.deep.equal(["'self'"]);
    }
  });

  it("serves the hashed assets for a year, and a missing one is a 404 with a code, not the page", async () => {
    const html = await (await fetch(`${system.api.url}/console/`)).text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).to.be.a("string");
    const asset = await fetch(`${system.api.url}${script!}`);
    expect(asset.status).to.equal(200);
    expect(asset.headers.get("content-type")).to.match(/javascript/);
    expect(asset.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
    const missing = await fetch(`${system.api.url}/console/assets/nothing-here.js`);
    expect(missing.status).to.equal(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).to.equal("NO_SUCH_ROUTE");
  });

  it("says CONSOLE_NOT_BUILT (503) when the console was not built, while the API itself works", async () => {
    const answer = await fetch(`${unbuilt.api.url}/console/`);
    expect(answer.status).to.equal(503);
    expect(((await answer.json()) as { error: { code: string } }).error.code).to.equal("CONSOLE_NOT_BUILT");
    expect((await unbuilt.bureau.get("/v1/me")).status).to.equal(200);
  });
});
