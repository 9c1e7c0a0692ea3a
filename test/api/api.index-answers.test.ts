import { expect } from "chai";
import fc from "fast-check";
import { sql } from "kysely";
import pino from "pino";

import { openDatabase, type Database } from "../../api/db/database";
import { invoiceTrace } from "../../api/db/event-index";
import { recordAtNumber, recordOfDocument } from "../../api/db/verification-index";
import { commitmentOf, sealOf } from "../../api/domain/commitment";
import { parseNumber, type NumberInput } from "../../api/domain/printed-number";
import type { LedgerDocument } from "../../api/domain/invoice-document";
import { indexedRecordOf } from "../../api/services/invoices";
import type { Party } from "../../api/services/parties";
import { createVerification, createVerificationSources, type DocumentFileInput, type Verdict } from "../../api/services/verification";
import { ApiClient } from "../../scripts/lib/api-client";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";
import { verdictOf } from "./helpers/verdict";

/**
 * Verification and the trace answer from the API's event index (api/services/verification.ts, reports.ts) with
 * exactly the chain's verdicts and views. For invoices and credit notes in every state the lifecycle has (issued,
 * claimed, locked, rejected, reimbursed, filed, frozen from each, unfrozen, reversed in part and in full, a credit
 * note pending, effective at once or once confirmed, cancelled; an organisation's and an individual's, one whose
 * personal data was erased), the index's answer is held to the chain's answer for the same question, for every
 * number, check code and total, printed or not, and every document file, right or wrong; and the trace's
 * invoice to the chain's view of it (GET /v1/invoices/{id}), for every party and a stranger. The index must
 * answer each question it holds the answer to: a test in which the chain answered everything would prove nothing.
 */
describe("API: verification and trace from the event index, against the chain", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  let database: Database;
  let sources: ReturnType<typeof createVerificationSources>;
  let run = 0;
  const ref = () => `ix-${Date.now().toString(36)}-${run++}`;

  interface Known {
    what: string;
    kind: "invoice" | "credit-note";
    id: string;
    number: string;
    printedNumber: string;
    checkCode: string;
    total: string;
    /** The file as its parties get it (none once the personal data is erased: it no longer verifies by document). */
    file: DocumentFileInput | undefined;
  }
  const known: Known[] = [];
  const invoiceIds: { what: string; id: string }[] = [];

  async function ok(answer: Promise<{ status: number; body: any }>, status = 200): Promise<any> {
    const { status: actual, body } = await answer;
    expect(actual, JSON.stringify(body)).to.equal(status);
    return body;
  }

  const fileOf = (served: { id: string; number: string; document: LedgerDocument; salt: string | null; claimKeyAddress: string }): DocumentFileInput | undefined =>
    served.salt === null ? undefined : { id: served.id, number: parseNumber(served.number)!, document: served.document, salt: served.salt, claimKeyAddress: served.claimKeyAddress };

  async function remember(what: string, id: string): Promise<void> {
    const view = await ok(cast.merchant.client.get(`/v1/invoices/${id}`));
    invoiceIds.push({ what, id });
    known.push({ what, kind: "invoice", id, number: view.number, printedNumber: view.printedNumber, checkCode: view.checkCode, total: view.total, file: fileOf(view.document) });
  }

  async function rememberNote(what: string, noteId: string): Promise<void> {
    const note = await ok(cast.merchant.client.get(`/v1/credit-notes/${noteId}`));
    known.push({ what, kind: "credit-note", id: noteId, number: note.number, printedNumber: note.printedNumber, checkCode: note.checkCode, total: note.total, file: fileOf(note.document) });
  }

  const toIndividual = () => ({ type: "individual" as const, name: "索引测试人" });
  const toEnterprise = () => ({ type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId });
  const issue = async (buyer: ReturnType<typeof toIndividual> | ReturnType<typeof toEnterprise> = toEnterprise()) =>
    (await ok(cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer)), 201)).invoice as { id: string; claimCode: string };
  const claimed = async () => {
    const invoice = await issue();
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    return invoice;
  };
  const locked = async () => {
    const invoice = await claimed();
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }));
    return invoice;
  };
  const reimbursed = async () => {
    const invoice = await locked();
    await ok(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`));
    return invoice;
  };
  const filed = async () => {
    const invoice = await reimbursed();
    await ok(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period: cast.period }));
    return invoice;
  };
  const reverse = async (id: string, amounts: { total: string; tax: string } | undefined) =>
    (await ok(cast.merchant.client.post(`/v1/invoices/${id}/reversals`, { reference: ref(), reason: "discount", ...amounts }), 201)).creditNote.id as string;
  const freeze = (id: string) => ok(system.bureau.post(`/v1/invoices/${id}/freeze`, { reason: "AUDIT" }));
  const part = { total: "1060", tax: "60" };

  before(async () => {
    system = await startSystem({ numberForm: { region: "44", channel: "3" } });
    cast = await registerCast(system.bureau);
    database = await openDatabase({ databaseUrl: undefined, embeddedDir: system.api.ctx.config.databaseDir }, pino({ level: "silent" }));
    const { ctx } = system.api;
    sources = createVerificationSources({ database, client: ctx.client, indexer: ctx.indexer, numberForm: ctx.config.numberForm });

    await remember("issued to an individual, unclaimed", (await issue(toIndividual())).id);
    await remember("issued to an organisation, unclaimed", (await issue()).id);
    await remember("claimed", (await claimed()).id);
    await remember("locked", (await locked()).id);
    const rejected = await locked();
    await ok(cast.enterprise.client.post(`/v1/invoices/${rejected.id}/reject`, { reason: "WRONG_TITLE" }));
    await remember("rejected", rejected.id);
    await remember("reimbursed", (await reimbursed()).id);
    await remember("filed", (await filed()).id);
    for (const [what, made] of [["frozen when issued", issue], ["frozen when locked", locked], ["frozen when filed", filed]] as const) {
      const invoice = await made();
      await freeze(invoice.id);
      await remember(what, invoice.id);
    }
    const thawed = await reimbursed();
    await freeze(thawed.id);
    await ok(system.bureau.post(`/v1/invoices/${thawed.id}/unfreeze`));
    await remember("frozen and unfrozen", thawed.id);

    const whole = await issue();
    await rememberNote("credit note reversing an issued invoice whole (effective at once)", await reverse(whole.id, undefined));
    await remember("reversed whole", whole.id);
    const lockedPart = await locked();
    await rememberNote("credit note reversing a locked invoice in part (effective at once)", await reverse(lockedPart.id, part));
    await remember("locked, reversed in part (back to issued)", lockedPart.id);
    const pending = await reimbursed();
    await rememberNote("credit note waiting for the buyer's confirmation", await reverse(pending.id, part));
    await remember("reimbursed, reversal pending", pending.id);
    const confirmed = await filed();
    const confirmedNote = await reverse(confirmed.id, undefined);
    await ok(cast.enterprise.client.post(`/v1/credit-notes/${confirmedNote}/confirm`));
    await rememberNote("credit note confirmed by the buyer", confirmedNote);
    await remember("filed, reversed whole once confirmed", confirmed.id);
    const cancelled = await reimbursed();
    const cancelledNote = await reverse(cancelled.id, part);
    await ok(cast.merchant.client.post(`/v1/credit-notes/${cancelledNote}/cancel`));
    await rememberNote("credit note cancelled", cancelledNote);
    await remember("reimbursed, reversal cancelled", cancelled.id);
    const frozenNote = await reimbursed();
    await rememberNote("credit note of an invoice frozen since", await reverse(frozenNote.id, part));
    await freeze(frozenNote.id);
    await remember("frozen with a reversal pending", frozenNote.id);

    const erased = await claimed();
    const again = await issue(toIndividual());
    await ok(cast.employee.client.post(`/v1/invoices/${again.id}/claim`, { claimCode: again.claimCode }));
    await ok(system.bureau.post(`/v1/invoices/${again.id}/erase`, { basis: "PIPL-47", requestReference: "IX-1" }));
    await remember("claimed by an individual, personal data erased", again.id);
    await remember("claimed by an organisation's employee", erased.id);

    // Every write waited for the index; the indexer has also seen the chain's head since (it polls every 10 ms).
    await waitUntilCurrent();
  });
  after(async () => {
    await database?.close();
    await system?.close();
  });

  async function waitUntilCurrent(): Promise<void> {
    const head = await system.api.ctx.client.provider.getBlockNumber();
    await system.api.ctx.indexer.waitFor(head);
    for (let i = 0; i < 200 && !system.api.ctx.indexer.isCurrent(head); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  const strip = ({ asOfBlock: _, ...verdict }: Verdict) => verdict;

  /** The verdict today's chain path gives: a printed number's prefix checked against its document here, then `InvoiceLedger.verify`. */
  async function chainByCode(input: { number: NumberInput; checkCode: bigint; total: bigint }, at: number): Promise<Verdict> {
    if (!(await system.api.ctx.services.invoices.numbers.accepts(input.number))) return { authentic: false, state: null, asOfBlock: at };
    return sources.chain.byCode(input, at);
  }

  async function compareByCode(input: { number: NumberInput; checkCode: bigint; total: bigint }, mustAnswer: boolean): Promise<Verdict> {
    const read = await recordAtNumber(database, input.number.sequence, { withIssueTime: input.number.printed !== undefined });
    const fromIndex = sources.index.byCode(input, read);
    const at = await system.api.ctx.client.provider.getBlockNumber();
    const fromChain = await chainByCode(input, at);
    if (mustAnswer) expect(fromIndex, `the index answers ${JSON.stringify(input, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`).to.not.equal(undefined);
    if (fromIndex !== undefined) {
      expect(strip(fromIndex)).to.deep.equal(strip(fromChain));
      expect(fromIndex.asOfBlock).to.equal(at);
    }
    return fromIndex ?? fromChain;
  }

  it("holds every invoice and credit note, with its seal, at the chain's head", async () => {
    expect(known.map((k) => k.kind)).to.include("credit-note");
    for (const item of known) {
      const read = await recordAtNumber(database, BigInt(item.number), { withIssueTime: true });
      expect(read.record, item.what).to.deep.include({ kind: item.kind, id: item.id });
      expect(read.record!.seal, item.what).to.match(/^0x[0-9a-f]{48}$/);
      expect(system.api.ctx.indexer.isCurrent(read.indexedBlock), item.what).to.equal(true);
    }
  });

  it("verifies by number exactly as the chain does: right and wrong check codes, totals and prefixes, printed or not", async () => {
    for (const item of known) {
      const code = BigInt(item.checkCode);
      const total = BigInt(item.total);
      const printed = parseNumber(item.printedNumber)!;
      const ledger = parseNumber(item.number)!;
      const otherPrefix = parseNumber(`${item.printedNumber.slice(0, 2)}45${item.printedNumber.slice(4)}`)!;
      const answers = await Promise.all([
        compareByCode({ number: ledger, checkCode: code, total }, true),
        compareByCode({ number: printed, checkCode: code, total }, true),
        compareByCode({ number: otherPrefix, checkCode: code, total }, true),
        compareByCode({ number: ledger, checkCode: code ^ 1n, total }, true),
        compareByCode({ number: printed, checkCode: code, total: total + 1n }, true),
      ]);
      expect(answers.map((a) => a.authentic), item.what).to.deep.equal([true, true, false, false, false]);
    }
  });

  it("answers any number, check code and total as the chain does (property)", async () => {
    const numbers = known.map((k) => BigInt(k.number));
    const top = numbers.reduce((a, b) => (a > b ? a : b));
    const codes = known.map((k) => BigInt(k.checkCode));
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1n, max: top + 3n }), fc.oneof(fc.constantFrom(...codes), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), fc.constantFrom(10_600n, 1_060n, 9_540n, 1n), async (sequence, checkCode, total) => {
        // The index answers every number it holds; one beyond the chain's numbers is the chain's to answer.
        await compareByCode({ number: { sequence }, checkCode, total }, numbers.includes(sequence) || sequence < top);
      }),
      { numRuns: 150, seed: 18 },
    );
  });

  it("verifies document files exactly as the chain does; a file whose seal it holds is the index's to answer", async () => {
    let answered = 0;
    for (const item of known) {
      if (item.file === undefined) continue;
      const file = item.file;
      const variants: [string, DocumentFileInput, boolean][] = [
        ["as served", file, true],
        ["another number", { ...file, number: { sequence: file.number.sequence + 1n } }, true],
        ["an altered printed prefix", { ...file, number: parseNumber(`${item.printedNumber.slice(0, 4)}9${item.printedNumber.slice(5)}`)! }, true],
        ["an altered item", { ...file, document: { ...file.document, seller: { ...file.document.seller, name: "另一家" } } as LedgerDocument }, false],
        ["an unknown id", { ...file, id: `0x${"cd".repeat(32)}` }, false],
      ];
      for (const [how, variant, sealMatches] of variants) {
        const seal = sealOf(commitmentOf(variant.salt, variant.document), variant.claimKeyAddress).toLowerCase();
        const read = await recordOfDocument(database, variant.document.kind, variant.id);
        const fromIndex = sources.index.byDocument(variant, seal, read);
        const at = await system.api.ctx.client.provider.getBlockNumber();
        const fromChain = await sources.chain.byDocument(variant, seal, at);
        // Until its seal matches, a file is the chain's to answer, as an unknown id is (they read alike).
        expect(fromIndex === undefined, `${item.what}, ${how}`).to.equal(!sealMatches);
        if (fromIndex === undefined) continue;
        answered++;
        expect(strip(fromIndex), `${item.what}, ${how}`).to.deep.equal(strip(fromChain));
      }
    }
    expect(answered).to.be.greaterThan(30);
  });

  it("answers the same through the API: an unknown id and a wrong document alike, a lagging index never refusing", async () => {
    const anyone = new ApiClient(system.api.url);
    for (const item of known) {
      const byNumber = await ok(anyone.get(`/v1/verify?number=${item.printedNumber}&checkCode=${item.checkCode}&total=${item.total}`));
      const at = await system.api.ctx.client.provider.getBlockNumber();
      expect(verdictOf(byNumber), item.what).to.deep.equal(strip(await chainByCode({ number: parseNumber(item.printedNumber)!, checkCode: BigInt(item.checkCode), total: BigInt(item.total) }, at)));
      expect(byNumber.asOfBlock).to.equal(at);
    }
    const file = known.find((k) => k.file !== undefined)!.file!;
    const served = { id: file.id, number: file.number.sequence.toString(), document: file.document, salt: file.salt, claimKeyAddress: file.claimKeyAddress };
    const wrong = await anyone.post("/v1/verify/document", { ...served, document: { ...served.document, remarks: "改过" } });
    const unknown = await anyone.post("/v1/verify/document", { ...served, id: `0x${"ef".repeat(32)}` });
    expect([unknown.status, unknown.body]).to.deep.equal([wrong.status, wrong.body]);
    expect(verdictOf(unknown.body)).to.deep.equal({ authentic: false, state: null, mismatch: "document" });
  });

  it("traces each invoice from the index with the chain's view of it, for each party and a stranger alike", async () => {
    const { ctx } = system.api;
    const viewers: [string, ApiClient][] = [
      ["bureau", system.bureau],
      ["seller", cast.merchant.client],
      ["another merchant", cast.otherMerchant.client],
      ["holder", cast.employee.client],
      ["enterprise", cast.enterprise.client],
      ["another enterprise's employee", cast.outsider.client],
    ];
    for (const { what, id } of invoiceIds) {
      const indexed = await invoiceTrace(database, id);
      expect(indexed.invoice?.seal, what).to.be.a("string");
      for (const [who, client] of viewers) {
        const [traced, viewed] = await Promise.all([client.get(`/v1/invoices/${id}/trace`), client.get(`/v1/invoices/${id}`)]);
        expect(traced.status, `${what}, ${who}`).to.equal(viewed.status);
        if (viewed.status !== 200) {
          expect(traced.body, `${what}, ${who}`).to.deep.equal(viewed.body);
          continue;
        }
        expect(traced.body.invoice, `${what}, ${who}`).to.deep.equal(viewed.body);
        expect(traced.body.asOfBlock).to.equal(indexed.indexedBlock);
        expect(traced.body.events).to.deep.equal(indexed.events);
      }
      // The view made from the index's record, in process: the same as the chain's, field by field.
      const party = (await ctx.services.parties.get(cast.merchant.account)) as Party;
      expect(await ctx.services.invoices.viewOf(party, indexedRecordOf({ ...indexed.invoice!, seal: indexed.invoice!.seal! }))).to.deep.equal(await ctx.services.invoices.view(party, id));
    }
  });

  it("asks the chain when the index is behind it or does not hold the invoice yet, and answers for the chain's head", async () => {
    const { ctx } = system.api;
    const item = known.find((k) => k.what === "reimbursed")!;
    const input = { number: parseNumber(item.number)!, checkCode: BigInt(item.checkCode), total: BigInt(item.total) };
    const expected = { authentic: true, state: "Reimbursed", kind: "invoice" };
    // Behind the head as the API last saw it (as if another API instance had just written): the chain answers.
    const behind = { isCurrent: () => false, waitFor: async () => undefined };
    expect(createVerificationSources({ database, client: ctx.client, indexer: behind, numberForm: ctx.config.numberForm }).index.byCode(input, await recordAtNumber(database, input.number.sequence, { withIssueTime: false }))).to.equal(undefined);
    const fromChain = await createVerification({ database, client: ctx.client, indexer: behind, numberForm: ctx.config.numberForm }).byCode(input);
    expect(strip(fromChain)).to.deep.equal(expected);
    expect(fromChain.asOfBlock).to.equal(await ctx.client.provider.getBlockNumber());

    // Not held yet (as if issued a moment ago elsewhere): taken out of the index, then put back as it was.
    const { rows } = await sql<{ row: unknown }>`select row_to_json(i) as row from invoices i where id = ${item.id}`.execute(database.db);
    await sql`delete from invoices where id = ${item.id}`.execute(database.db);
    try {
      const anyone = new ApiClient(system.api.url);
      expect(verdictOf(await ok(anyone.get(`/v1/verify?number=${item.number}&checkCode=${item.checkCode}&total=${item.total}`)))).to.deep.equal(expected);
      expect(verdictOf(await ok(anyone.post("/v1/verify/document", { ...item.file!, number: item.number })))).to.deep.equal(expected);
      const [traced, viewed] = await Promise.all([ok(system.bureau.get(`/v1/invoices/${item.id}/trace`)), ok(system.bureau.get(`/v1/invoices/${item.id}`))]);
      expect(traced.invoice).to.deep.equal(viewed);
    } finally {
      await sql`insert into invoices select * from json_populate_record(null::invoices, ${JSON.stringify(rows[0]!.row)}::json)`.execute(database.db);
    }
  });
});
