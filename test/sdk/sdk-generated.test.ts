import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { sdkSources } from "../../scripts/sdk/sdk-sources";

const ROOT = join(__dirname, "..", "..");

/**
 * The SDK cannot drift from the API: its generated files are what the generator makes of the route definitions
 * now (run `npm run sdk:generate` after changing a route), and the SDK itself imports nothing of Node's, so it
 * runs in browsers too.
 */
describe("the SDK's generated sources", function () {
  this.timeout(120_000);

  it("are what `npm run sdk:generate` writes from the route definitions now", async () => {
    const sources = await sdkSources();
    expect(Object.keys(sources)).to.have.members(["sdk/src/generated/openapi.d.ts", "sdk/src/generated/operations.ts"]);
    const stale = Object.entries(sources)
      .filter(([path, text]) => readFileSync(join(ROOT, path), "utf8") !== text)
      .map(([path]) => path);
    expect(stale, "run `npm run sdk:generate` and commit what it writes").to.deep.equal([]);
  });

  it("have one action per operation of the OpenAPI document, each listing the error codes its responses document", async () => {
    const { OPERATIONS, actions } = await import("../../sdk/src/generated/operations");
    expect(Object.keys(actions).sort()).to.deep.equal(Object.keys(OPERATIONS).sort());
    expect(OPERATIONS.issueInvoice).to.include({ method: "post", path: "/v1/invoices", idempotent: true, answer: "json" });
    expect(OPERATIONS.issueInvoice.errorCodes).to.include.members(["DUPLICATE_REFERENCE", "QUOTA_EXCEEDED", "VALIDATION_FAILED", "UNAUTHENTICATED"]);
    expect(OPERATIONS.getInvoicePdf.answer).to.equal("bytes");
    expect(OPERATIONS.getInvoiceUbl.answer).to.equal("text");
    expect(OPERATIONS.verifyByNumber.roles).to.equal("public");
  });

  it("import nothing of Node's in the SDK's own sources", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry.endsWith(".ts")) files.push(path);
      }
    };
    walk(join(ROOT, "sdk", "src"));
    const nodeOnly = /from "(node:[^"]+|fs|path|crypto|http|https|os|child_process|net|stream|url|zlib)"/;
    const offending = files.filter((file) => nodeOnly.test(readFileSync(file, "utf8"))).map((file) => file.slice(ROOT.length + 1));
    expect(files.length).to.be.greaterThan(5);
    expect(offending).to.deep.equal([]);
  });
});
