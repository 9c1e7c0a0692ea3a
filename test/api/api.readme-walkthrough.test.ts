import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

import { RealProcesses } from "./helpers/processes";
import { verdictOf } from "./helpers/verdict";

const run = promisify(execFile);

/**
 * README.md's "Your first hour", executed: its one ```sh block marked `# first-hour` is taken from the README as
 * it is and run with bash (errors and failed pipes stop it, as a careful reader would notice them) against the
 * ledger node and the API started as `npm start` starts them, with API and DATA set as the block reads them, from
 * a directory outside the repository. It must end with an invoice reimbursed, verified as such, and traced step
 * by step; and it must run again on the same data.
 */
describe("README: your first hour, executed", function () {
  this.timeout(180_000);
  let system: RealProcesses;
  let block: string;

  before(async () => {
    block = firstHourBlock(readFileSync(join(__dirname, "..", "..", "README.md"), "utf8"));
    system = await RealProcesses.start();
  });
  after(async () => system?.close());

  const walk = async () => (await run("bash", ["-e", "-o", "pipefail", "-c", block], { cwd: tmpdir(), env: { ...process.env, API: system.api.url, DATA: system.dataDir } })).stdout;

  it("goes from the banner to an invoice issued, claimed, submitted, reimbursed, verified and traced", async () => {
    const stdout = await walk();
    const lines = stdout.split("\n");
    // What anyone's verification answered, as printed.
    const verdicts = lines.filter((line) => line.startsWith("{\"authentic\"")).map((line) => verdictOf(JSON.parse(line)));
    expect(verdicts).to.deep.equal([{ authentic: true, state: "Reimbursed", kind: "invoice" }]);
    // The PDF it saved, and the verification page it named, which answers authentic.
    const [, pdf, page] = /^PDF: (\S+); verification page: (\S+)$/m.exec(stdout) ?? [];
    expect(readFileSync(join(tmpdir(), pdf!)).subarray(0, 5).toString()).to.equal("%PDF-");
    const shown = await fetch(page!);
    expect(shown.status).to.equal(200);
    expect(await shown.text()).to.include('data-authentic="true"');
    // What the bureau's trace printed: the steps in order, each by its party.
    const bureau = system.bureau();
    const parties = (await bureau.get("/v1/participants?limit=500")).body.participants as { account: string; role: string; taxpayerId?: string; name: string }[];
    const merchant = parties.find((p) => p.taxpayerId === "91440300MA5FH1R8X2")!;
    const enterprise = parties.find((p) => p.taxpayerId === "91440300MA5FH2K3WY")!;
    const employee = (parties as { account: string; employer?: string }[]).find((p) => p.employer === enterprise.account)!;
    const traced = lines.filter((line) => /^Invoice[A-Za-z]+ 0x/.test(line)).map((line) => line.split(" ").slice(0, 2));
    expect(traced).to.deep.equal([
      ["InvoiceIssued", merchant.account],
      ["InvoiceClaimed", employee.account],
      ["InvoiceSubmitted", employee.account],
      ["InvoiceReimbursed", enterprise.account],
    ]);
    // And the ledger agrees: one invoice, reimbursed at the enterprise, held by the employee.
    const reimbursed = (await bureau.get("/v1/invoices?state=Reimbursed")).body.invoices as { seller: string; holder: string; enterprise: string }[];
    expect(reimbursed).to.have.length(1);
    expect(reimbursed[0]).to.include({ seller: merchant.account, holder: employee.account, enterprise: enterprise.account });
  });

  it("runs again on the same data: the same parties, one more invoice", async () => {
    const before = (await system.bureau().get("/v1/participants?limit=500")).body.participants as unknown[];
    await walk();
    expect((await system.bureau().get("/v1/participants?limit=500")).body.participants).to.have.length(before.length);
    expect((await system.bureau().get("/v1/invoices?state=Reimbursed")).body.invoices).to.have.length(2);
  });
});

/** The one ```sh block of the README whose first line is `# first-hour`. */
function firstHourBlock(readme: string): string {
  const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!).filter((text) => text.startsWith("# first-hour\n"));
  expect(blocks, "README.md has one ```sh block starting with # first-hour").to.have.length(1);
  return blocks[0]!;
}
