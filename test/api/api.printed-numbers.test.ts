import { expect } from "chai";

import { invoiceBody } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";
import { verdictOf } from "./helpers/verdict";

/**
 * The 20-digit printed number (api/domain/printed-number.ts) through the API: every answer that shows an invoice
 * or credit note shows it, every route that takes a number takes it (verify, search, claim by scan), and a number
 * whose prefix was not printed so (another year, region or channel) names nothing.
 */
describe("API: printed invoice numbers and claim by scan", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cast: Cast;
  let run = 0;
  const ref = () => `pn-${Date.now().toString(36)}-${run++}`;
  const altered = (printed: string, at: number, digit: string) => `${printed.slice(0, at)}${digit === printed[at] ? String((Number(digit) + 1) % 10) : digit}${printed.slice(at + 1)}`;

  before(async () => {
    system = await startSystem({ numberForm: { region: "44", channel: "3" } });
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  async function issue(buyer = { type: "individual" as const, name: "扫码领取人" }) {
    const answer = await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer));
    expect(answer.status).to.equal(201);
    return answer.body.invoice as { id: string; number: string; printedNumber: string; checkCode: string; total: string; claimCode: string; document: { document: { issuedAt: string } } };
  }

  it("prints year of issue (China Standard Time), region, channel and the ledger's number in 15 digits, in every view", async () => {
    const invoice = await issue();
    const year = String(new Date(Date.parse(invoice.document.document.issuedAt) + 8 * 3600_000).getUTCFullYear() % 100).padStart(2, "0");
    expect(invoice.printedNumber).to.equal(`${year}443${invoice.number.padStart(15, "0")}`);
    expect((await cast.merchant.client.get(`/v1/invoices/${invoice.id}`)).body.printedNumber).to.equal(invoice.printedNumber);
    expect((await system.bureau.get(`/v1/invoices/${invoice.id}/trace`)).body.invoice.printedNumber).to.equal(invoice.printedNumber);
    // A search lists it with its printed number, for the bureau and the merchant alike.
    for (const viewer of [system.bureau, cast.merchant.client]) {
      const listed = (await viewer.get(`/v1/invoices?number=${invoice.number}`)).body.invoices as { id: string; printedNumber: string | null }[];
      expect(listed.map((i) => [i.id, i.printedNumber])).to.deep.equal([[invoice.id, invoice.printedNumber]]);
    }
    const note = (await cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "issue-error" })).body.creditNote;
    expect(note.printedNumber).to.equal(`${year}443${note.number.padStart(15, "0")}`);
    // The credit note verifies by its printed number too (one that took effect at once: its seal read from the ledger by the index).
    const verified = await system.bureau.get(`/v1/verify?number=${note.printedNumber}&checkCode=${note.checkCode}&total=${note.total}`);
    expect(verified.body).to.deep.include({ authentic: true, kind: "credit-note", creditNoteStatus: "Effective" });
    const alteredNote = await system.bureau.get(`/v1/verify?number=${altered(note.printedNumber, 0, "1")}&checkCode=${note.checkCode}&total=${note.total}`);
    expect(verdictOf(alteredNote.body)).to.deep.equal({ authentic: false, state: null });
  });

  it("verifies by the printed number or the ledger's; an altered year, region or channel is not authentic", async () => {
    const invoice = await issue();
    const verify = async (number: string) => verdictOf((await system.bureau.get(`/v1/verify?number=${number}&checkCode=${invoice.checkCode}&total=${invoice.total}`)).body);
    expect(await verify(invoice.printedNumber)).to.deep.equal({ authentic: true, state: "Issued", kind: "invoice" });
    expect(await verify(invoice.number)).to.deep.equal({ authentic: true, state: "Issued", kind: "invoice" });
    for (const [at, what] of [[0, "year"], [1, "year"], [2, "region"], [3, "region"], [4, "channel"]] as const) {
      expect(await verify(altered(invoice.printedNumber, at, "9")), what).to.deep.equal({ authentic: false, state: null });
    }
    // Another invoice's sequence under this prefix: the check code decides, as always.
    expect(await verify(altered(invoice.printedNumber, 19, String((Number(invoice.number.slice(-1)) + 1) % 10)))).to.deep.include({ authentic: false });
    const malformed = await system.bureau.get(`/v1/verify?number=2644300000000000001&checkCode=${invoice.checkCode}&total=${invoice.total}`);
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.code).to.equal("VALIDATION_FAILED");
  });

  it("verifies a document file whose number is the printed one, and refuses an altered prefix", async () => {
    const invoice = await issue();
    const file = (await cast.merchant.client.get(`/v1/invoices/${invoice.id}`)).body.document;
    expect((await system.bureau.post("/v1/verify/document", { ...file, number: invoice.printedNumber })).body).to.deep.include({ authentic: true });
    expect((await system.bureau.post("/v1/verify/document", { ...file, number: altered(invoice.printedNumber, 2, "5") })).body).to.deep.include({ authentic: false, mismatch: "number" });
  });

  it("finds invoices by printed number in a search, and nothing for an altered prefix", async () => {
    const [a, b] = [await issue(), await issue()];
    const search = async (numbers: string) => ((await cast.merchant.client.get(`/v1/invoices?number=${numbers}`)).body.invoices as { id: string }[]).map((i) => i.id);
    expect(await search(`${a.printedNumber},${b.number}`)).to.deep.equal([a.id, b.id]);
    expect(await search(altered(a.printedNumber, 0, "1"))).to.deep.equal([]);
    expect(await search(`${altered(a.printedNumber, 4, "7")},${b.printedNumber}`)).to.deep.equal([b.id]);
  });

  it("claims by scan with number, check code and claim code; anything wrong reads as not found", async () => {
    const invoice = await issue();
    const scan = { number: invoice.printedNumber, checkCode: invoice.checkCode, claimCode: invoice.claimCode };
    const notFound = async (body: Record<string, string>) => {
      const answer = await cast.employee.client.post("/v1/claims", body);
      expect(answer.status, JSON.stringify(body)).to.equal(404);
      expect(answer.body.error.code).to.equal("NOT_FOUND");
    };
    await notFound({ ...scan, checkCode: "00000000000000000001" });
    await notFound({ ...scan, number: altered(invoice.printedNumber, 1, "0") });
    await notFound({ ...scan, claimCode: `0x${"11".repeat(32)}` });
    await notFound({ ...scan, number: "1099511627775" });
    const merchant = await cast.merchant.client.post("/v1/claims", scan);
    expect(merchant.status).to.equal(403);
    const claimed = await cast.employee.client.post("/v1/claims", { ...scan, claimCode: scan.claimCode.slice(2) });
    expect(claimed.status).to.equal(200);
    expect(claimed.body).to.include({ id: invoice.id, state: "Issued", holder: cast.employee.account });
    const again = await cast.colleague.client.post("/v1/claims", scan);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal("ALREADY_CLAIMED");
    // A credit note's number and check code are not an invoice's to claim.
    const note = (await cast.merchant.client.post(`/v1/invoices/${(await issue()).id}/reversals`, { reference: ref(), reason: "issue-error" })).body.creditNote;
    await notFound({ number: note.printedNumber, checkCode: note.checkCode, claimCode: scan.claimCode });
    const invalid = await cast.employee.client.post("/v1/claims", { number: "x", checkCode: "1", claimCode: "zz" });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.error.details.issues.map((i: { path: string }) => i.path).sort()).to.deep.equal(["checkCode", "claimCode", "number"]);
  });
});
