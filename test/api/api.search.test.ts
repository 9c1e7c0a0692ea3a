import { expect } from "chai";
import fc from "fast-check";

import { periodOf } from "../../api/domain/tax-period";
import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Searching invoices (GET /v1/invoices) against a model. A varied set of invoices is issued through the API
 * (two merchants, buyers titled to each enterprise, to an unregistered organisation and to individuals, totals
 * with ties, three issue times; a merchant revoked and registered again, so two sellers under one taxpayer ID)
 * and moved through the lifecycle (claim, transfer, submit, reject, reimburse, file, reverse in full and in part,
 * a credit note left awaiting the buyer's confirmation and one confirmed, freeze, unfreeze). The model is built only from what the API answered when
 * issuing and acting, and the block times of the chain. Then random searches by random viewers, walked to the
 * end by cursor, must give exactly what filtering and sorting the model gives; a party never receives an
 * invoice it may not see. Fixed seeds: the same searches every run.
 */
describe("API invoice search", function () {
  this.timeout(600_000);

  type State = "Issued" | "Locked" | "Reimbursed" | "Filed" | "Reversed" | "Frozen";
  interface Modelled {
    id: string;
    number: bigint;
    reference: string;
    seller: string;
    buyerTaxId: string | null;
    total: bigint;
    state: State;
    holder: string | null;
    enterprise: string | null;
    /** A credit note awaits the buyer's confirmation. */
    reversalPending: boolean;
    /** The issue block's time, ms. */
    issuedAt: number;
  }
  interface InvoiceAnswer {
    id: string;
    number: string;
    state: State;
    seller: { account: string };
    buyerTaxId: string | null;
    total: string;
    holder: string | null;
    enterprise: string | null;
    reversalPending: boolean;
    claimCode?: string;
  }
  interface Viewer {
    label: string;
    role: "bureau" | "merchant" | "enterprise" | "individual";
    account: string;
    taxpayerId?: string;
    employer?: string;
    client: ApiClient;
  }

  let system: TestSystem;
  let cast: Cast;
  let viewers: Viewer[];
  let bureauAccount: string;
  const invoices = new Map<string, Modelled>();
  const claimCodes = new Map<string, string>();
  /** Names as registered, by account. */
  const names = new Map<string, string>();
  /** Sellers' taxpayer IDs, by account. */
  const sellerTaxIds = new Map<string, string>();
  /** A merchant revoked and registered again under the same taxpayer ID: its two accounts, first the revoked one. */
  let reregistered: { taxpayerId: string; accounts: [string, string] };
  const unregisteredTaxId = randomTaxpayerId();
  let run = 0;
  const ref = (what: string) => `s-${what}-${Date.now().toString(36)}-${run++}`;

  const ok = async <T = any>(answer: Promise<ApiAnswer<T>>, status = 200): Promise<T> => {
    const { status: got, body } = await answer;
    expect(got, JSON.stringify(body)).to.equal(status);
    return body;
  };

  /** The model takes what the API answered: state, holder and enterprise after each action. */
  const record = (answer: InvoiceAnswer) => {
    const known = invoices.get(answer.id)!;
    Object.assign(known, { state: answer.state, holder: answer.holder, enterprise: answer.enterprise, reversalPending: answer.reversalPending });
  };

  async function blockTime(blockNumber: number): Promise<number> {
    const response = await fetch(system.node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: [`0x${blockNumber.toString(16)}`, false] }) });
    const { result } = (await response.json()) as { result: { timestamp: string } };
    return Number(result.timestamp) * 1000;
  }

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
    bureauAccount = (await ok(system.bureau.get("/v1/participants?role=bureau"))).participants[0].account;
    for (const org of [cast.merchant, cast.otherMerchant, cast.enterprise, cast.otherEnterprise]) names.set(org.account, org.name);
    names.set(cast.employee.account, "张三");
    names.set(cast.colleague.account, "李四");
    names.set(cast.outsider.account, "王五");
    for (const merchant of [cast.merchant, cast.otherMerchant]) sellerTaxIds.set(merchant.account, merchant.taxpayerId);
    viewers = [
      { label: "bureau", role: "bureau", account: bureauAccount, client: system.bureau },
      { label: "merchant", role: "merchant", account: cast.merchant.account, taxpayerId: cast.merchant.taxpayerId, client: cast.merchant.client },
      { label: "other merchant", role: "merchant", account: cast.otherMerchant.account, taxpayerId: cast.otherMerchant.taxpayerId, client: cast.otherMerchant.client },
      { label: "enterprise", role: "enterprise", account: cast.enterprise.account, taxpayerId: cast.enterprise.taxpayerId, client: cast.enterprise.client },
      { label: "other enterprise", role: "enterprise", account: cast.otherEnterprise.account, taxpayerId: cast.otherEnterprise.taxpayerId, client: cast.otherEnterprise.client },
      { label: "employee", role: "individual", account: cast.employee.account, employer: cast.enterprise.account, client: cast.employee.client },
      { label: "colleague", role: "individual", account: cast.colleague.account, employer: cast.enterprise.account, client: cast.colleague.client },
      { label: "outsider", role: "individual", account: cast.outsider.account, employer: cast.otherEnterprise.account, client: cast.outsider.client },
    ];
  });
  after(async () => system?.close());

  describe("over a varied set of invoices", () => {
    // Buyers: titled to each enterprise, to an organisation nobody registered, and individuals (no title).
    const titledTo = {
      enterprise: () => ({ type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }),
      otherEnterprise: () => ({ type: "organisation" as const, name: cast.otherEnterprise.name, taxpayerId: cast.otherEnterprise.taxpayerId }),
      unregistered: () => ({ type: "organisation" as const, name: "深圳市未注册有限公司", taxpayerId: unregisteredTaxId }),
      individual: () => ({ type: "individual" as const, name: "赵六" }),
    };
    type Buyer = keyof typeof titledTo;
    const issuedBy: Record<Buyer, string[]> = { enterprise: [], otherEnterprise: [], unregistered: [], individual: [] };

    /** Issues a batch and models what the API answered. */
    async function issueBatch(client: ApiClient, plan: { reference: string; body: unknown }[]): Promise<InvoiceAnswer[]> {
      const results = (await ok(client.post("/v1/invoices/batch", { invoices: plan.map((p) => p.body) }), 201)).results as { invoice: InvoiceAnswer; blockNumber: number }[];
      for (const [i, { invoice, blockNumber }] of results.entries()) {
        invoices.set(invoice.id, {
          id: invoice.id,
          number: BigInt(invoice.number),
          reference: plan[i]!.reference,
          seller: invoice.seller.account,
          buyerTaxId: invoice.buyerTaxId,
          total: BigInt(invoice.total),
          state: invoice.state,
          holder: invoice.holder,
          enterprise: invoice.enterprise,
          reversalPending: invoice.reversalPending,
          issuedAt: await blockTime(blockNumber),
        });
        claimCodes.set(invoice.id, invoice.claimCode!);
      }
      return results.map((r) => r.invoice);
    }
    const unitPrices = [100, 2_500, 10_000, 10_000, 99_999, 123_456, 2_500, 10_000];

    before(async () => {
      // Three rounds in three different seconds, so that issue times differ (block times are whole seconds).
      const buyers: Buyer[] = ["enterprise", "enterprise", "otherEnterprise", "enterprise", "individual", "unregistered", "enterprise", "individual"];
      for (let round = 0; round < 3; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 1_100));
        for (const [merchant, count] of [
          [cast.merchant, 8],
          [cast.otherMerchant, 5],
        ] as const) {
          const plan = Array.from({ length: count }, (_, i) => {
            const k = (round * 7 + i * 3 + (merchant === cast.merchant ? 0 : 1)) % unitPrices.length;
            const buyer = buyers[(round + i + (merchant === cast.merchant ? 0 : 3)) % buyers.length]!;
            const reference = ref(`r${round}i${i}`);
            return { buyer, reference, body: invoiceBody(reference, titledTo[buyer](), { quantity: 1 + (i % 2), unitPrice: unitPrices[k]!, taxRate: i % 3 === 0 ? 13 : 6 }) };
          });
          for (const [i, invoice] of (await issueBatch(merchant.client, plan)).entries()) issuedBy[plan[i]!.buyer].push(invoice.id);
        }
      }

      // A merchant revoked and registered again under its taxpayer ID (a new account, its successor), each account
      // with invoices of its own, to individuals: only the bureau and the sellers are party to them.
      const taxpayerId = randomTaxpayerId();
      const name = "深圳市测试重注册餐饮有限公司";
      const accounts: string[] = [];
      for (let registration = 0; registration < 2; registration++) {
        const registered = await ok(system.bureau.post("/v1/participants", { role: "merchant", name, taxpayerId }), 201);
        const account = registered.participant.account as string;
        accounts.push(account);
        names.set(account, name);
        sellerTaxIds.set(account, taxpayerId);
        await ok(system.bureau.put(`/v1/merchants/${account}/quotas/${cast.period}`, { granted: "100000000" }));
        const plan = [0, 1].map((i) => {
          const reference = ref(`rr${registration}i${i}`);
          return { reference, body: invoiceBody(reference, titledTo.individual(), { quantity: 1, unitPrice: unitPrices[registration * 2 + i]!, taxRate: 6 }) };
        });
        await issueBatch(system.bureau.as(registered.apiKey), plan);
        if (registration === 0) await ok(system.bureau.post(`/v1/participants/${account}/revoke`));
      }
      reregistered = { taxpayerId, accounts: accounts as [string, string] };

      // Through the lifecycle; each answer updates the model.
      const act = async (who: { client: ApiClient }, id: string, action: string, body?: unknown) => record((await ok(who.client.post(`/v1/invoices/${id}/${action}`, body))) as InvoiceAnswer);
      const claim = (who: { client: ApiClient }, id: string) => act(who, id, "claim", { claimCode: claimCodes.get(id) });
      const submitTo = async (who: { client: ApiClient }, id: string, enterprise: { account: string }) => {
        await claim(who, id);
        await act(who, id, "submit", { enterprise: enterprise.account });
      };
      const sellerOf = (id: string) => (invoices.get(id)!.seller === cast.merchant.account ? cast.merchant : cast.otherMerchant);
      const reverse = async (id: string, amounts: { total: string; tax: string } | Record<string, never> = {}): Promise<string> => {
        const answer = await ok(sellerOf(id).client.post(`/v1/invoices/${id}/reversals`, { reference: ref("note"), reason: "sales-return", ...amounts }), 201);
        record(answer.invoice);
        return answer.creditNote.id;
      };
      const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13] = issuedBy.enterprise as [string, ...string[]];
      const [b0, b1, b2] = issuedBy.otherEnterprise as [string, ...string[]];
      const [c0] = issuedBy.unregistered as [string, ...string[]];
      const [d0, d1] = issuedBy.individual as [string, ...string[]];
      void a0; // left unclaimed: in the enterprise's pool only
      await claim(cast.employee, a1!);
      await submitTo(cast.employee, a2!, cast.enterprise);
      await submitTo(cast.employee, a3!, cast.enterprise);
      await act(cast.enterprise, a3!, "reimburse");
      await submitTo(cast.employee, a4!, cast.enterprise);
      await act(cast.enterprise, a4!, "reimburse");
      await act(cast.enterprise, a4!, "file", { period: cast.period });
      await submitTo(cast.colleague, a5!, cast.enterprise);
      await act(cast.enterprise, a5!, "reject", { reason: "NOT_BUSINESS" });
      await claim(cast.employee, a6!);
      await act(cast.employee, a6!, "transfer", { to: cast.colleague.account });
      await claim(cast.enterprise, a7!);
      await reverse(a8!);
      await submitTo(cast.employee, a9!, cast.enterprise);
      await reverse(a9!); // a full reversal of a locked invoice cancels the lock: the enterprise is no longer a party
      await reverse(a10!, { total: "100", tax: "6" });
      await act({ client: system.bureau }, a11!, "freeze", { reason: "SUSPECT" });
      await submitTo(cast.employee, a12!, cast.enterprise);
      await act({ client: system.bureau }, a12!, "freeze", { reason: "SUSPECT" });
      await act({ client: system.bureau }, a12!, "unfreeze");
      await claim(cast.outsider, a13!); // titled to the enterprise, held by another employer's employee
      await submitTo(cast.outsider, b0!, cast.otherEnterprise);
      await act(cast.otherEnterprise, b0!, "reimburse");
      void b1;
      await claim(cast.otherEnterprise, b2!);
      await claim(cast.employee, c0!);
      await submitTo(cast.employee, d0!, cast.otherEnterprise); // no title: any enterprise may take it
      await submitTo(cast.colleague, d1!, cast.enterprise);
      await act(cast.enterprise, d1!, "reimburse");
      // A partial reversal of a reimbursed invoice waits for the enterprise's confirmation: a3's waits; d1's is confirmed.
      await reverse(a3!, { total: "100", tax: "6" });
      await ok(cast.enterprise.client.post(`/v1/credit-notes/${await reverse(d1!, { total: "100", tax: "6" })}/confirm`));
      record(await ok(sellerOf(d1!).client.get(`/v1/invoices/${d1}`)));
      expect([invoices.get(a3!)!.reversalPending, invoices.get(d1!)!.reversalPending]).to.deep.equal([true, false]);
      expect(invoices.get(a9!)!.enterprise).to.equal(null);
      expect(new Set([...invoices.values()].map((i) => i.state))).to.have.all.keys("Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen");
    });

    /** What a viewer may see, as the brief states it: the bureau all; a party its own; an enterprise also its pool. */
    const visible = (viewer: Viewer, invoice: Modelled) =>
      viewer.role === "bureau" ||
      [invoice.seller, invoice.holder, invoice.enterprise].includes(viewer.account) ||
      (viewer.role === "enterprise" && invoice.buyerTaxId === viewer.taxpayerId);
    const isPartyTo = (viewer: Viewer, invoice: Modelled) => viewer.role === "bureau" || [invoice.seller, invoice.holder, invoice.enterprise].includes(viewer.account);

    const CST = 8 * 3600 * 1000;
    const DAY = 24 * 3600 * 1000;
    const cstDate = (ms: number) => new Date(ms + CST).toISOString().slice(0, 10);
    const cstDayStart = (date: string) => Date.parse(`${date}T00:00:00Z`) - CST;
    const withOffset = (ms: number) => `${new Date(ms + CST).toISOString().slice(0, 19)}+08:00`;
    const shiftPeriod = (period: number, months: number) => {
      const index = Math.floor(period / 100) * 12 + (period % 100) - 1 + months;
      return Math.floor(index / 12) * 100 + (index % 12) + 1;
    };

    interface Query {
      number?: string;
      reference?: string;
      merchant?: string;
      sellerTaxId?: string;
      buyerTaxId?: string;
      holder?: string;
      enterprise?: string;
      state?: string;
      issuedFrom?: string;
      issuedTo?: string;
      periodFrom?: string;
      periodTo?: string;
      totalMin?: string;
      totalMax?: string;
      reversalPending?: string;
      sort?: string;
      limit?: string;
      expand?: string;
    }

    function matches(invoice: Modelled, q: Query): boolean {
      if (q.number !== undefined && !q.number.split(",").map(BigInt).includes(invoice.number)) return false;
      if (q.reference !== undefined && invoice.reference !== q.reference) return false;
      if (q.merchant !== undefined && invoice.seller.toLowerCase() !== q.merchant.toLowerCase()) return false;
      if (q.sellerTaxId !== undefined && sellerTaxIds.get(invoice.seller) !== q.sellerTaxId) return false;
      if (q.buyerTaxId !== undefined && invoice.buyerTaxId !== q.buyerTaxId) return false;
      if (q.holder !== undefined && invoice.holder?.toLowerCase() !== q.holder.toLowerCase()) return false;
      if (q.enterprise !== undefined && invoice.enterprise?.toLowerCase() !== q.enterprise.toLowerCase()) return false;
      if (q.state !== undefined && !q.state.split(",").includes(invoice.state)) return false;
      if (q.issuedFrom !== undefined && invoice.issuedAt < (q.issuedFrom.length === 10 ? cstDayStart(q.issuedFrom) : Date.parse(q.issuedFrom))) return false;
      if (q.issuedTo !== undefined && !(q.issuedTo.length === 10 ? invoice.issuedAt < cstDayStart(q.issuedTo) + DAY : invoice.issuedAt <= Date.parse(q.issuedTo))) return false;
      const period = periodOf(new Date(invoice.issuedAt));
      if (q.periodFrom !== undefined && period < Number(q.periodFrom)) return false;
      if (q.periodTo !== undefined && period > Number(q.periodTo)) return false;
      if (q.totalMin !== undefined && invoice.total < BigInt(q.totalMin)) return false;
      if (q.totalMax !== undefined && invoice.total > BigInt(q.totalMax)) return false;
      if (q.reversalPending !== undefined && invoice.reversalPending !== (q.reversalPending === "true")) return false;
      return true;
    }

    function ordered(list: Modelled[], sort = "number"): Modelled[] {
      const descending = sort.startsWith("-");
      const key = sort.replace(/^-/, "");
      const value = (i: Modelled) => (key === "number" ? i.number : key === "total" ? i.total : BigInt(i.issuedAt));
      const cmp = (a: Modelled, b: Modelled) => {
        const primary = value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0;
        const tie = a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
        return (primary || tie) * (descending ? -1 : 1);
      };
      return [...list].sort(cmp);
    }

    const queryString = (q: Query) => new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined) as [string, string][]).toString();

    /** Every page of a search, by cursor, checking the shape of each page. */
    async function walk(viewer: Viewer, q: Query): Promise<any[]> {
      const all: any[] = [];
      let cursor: string | null = null;
      const limit = Number(q.limit ?? 50);
      for (let pages = 0; ; pages++) {
        expect(pages, "pages").to.be.below(200);
        const path: string = `/v1/invoices?${queryString(q)}${cursor === null ? "" : `&cursor=${cursor}`}`;
        const body = await ok(viewer.client.get(path));
        expect(body.invoices.length, path).to.be.at.most(limit);
        expect(body.hasMore, path).to.equal(body.nextCursor !== null);
        if (body.hasMore) expect(body.invoices.length, `a page before the last is full: ${path}`).to.equal(limit);
        all.push(...body.invoices);
        if (!body.hasMore) return all;
        cursor = body.nextCursor;
      }
    }

    function checkItem(viewer: Viewer, item: any, expected: Modelled, expand: string | undefined): void {
      const what = `${viewer.label}: ${expected.id}`;
      expect(item, what).to.deep.include({
        id: expected.id,
        number: expected.number.toString(),
        seller: expected.seller,
        buyerTaxId: expected.buyerTaxId,
        total: expected.total.toString(),
        state: expected.state,
        holder: expected.holder,
        enterprise: expected.enterprise,
        issuedAt: new Date(expected.issuedAt).toISOString(),
        issuedPeriod: periodOf(new Date(expected.issuedAt)),
      });
      const expansions = expand?.split(",") ?? [];
      if (expansions.includes("parties")) {
        const mayRead = (account: string) => viewer.role === "bureau" || viewer.account === account || viewer.account === viewers.find((v) => v.account === account)?.employer;
        const named = (account: string | null) => (account === null ? null : { account, name: mayRead(account) ? names.get(account)! : null });
        expect(item.parties, what).to.deep.equal({ seller: { account: expected.seller, name: names.get(expected.seller), taxpayerId: sellerTaxIds.get(expected.seller) }, holder: named(expected.holder), enterprise: named(expected.enterprise) });
      } else expect(item, what).not.to.have.property("parties");
      if (expansions.includes("document") && isPartyTo(viewer, expected)) {
        expect(item.document, what).to.include({ id: expected.id, number: expected.number.toString() });
        expect(item.document.document.reference, what).to.equal(expected.reference);
        expect(item.document, what).not.to.have.property("claimCode");
      } else expect(item, what).not.to.have.property("document");
    }

    it("answers random searches by random viewers exactly as the model, page by page, and never with an invoice the viewer may not see", async () => {
      const all = [...invoices.values()];
      const numbers = all.map((i) => i.number);
      const times = [...new Set(all.map((i) => i.issuedAt))];
      const totals = [...new Set(all.map((i) => i.total))];
      /** Present once in `1 + absent` runs: most searches combine a few filters, so that many find something. */
      const maybe = <T>(arbitrary: fc.Arbitrary<T>, absent = 5) => fc.oneof({ arbitrary: fc.constant(undefined), weight: absent }, { arbitrary, weight: 1 });
      const accounts = [cast.merchant, cast.otherMerchant, cast.enterprise, cast.otherEnterprise, cast.employee, cast.colleague, cast.outsider].map((p) => p.account);
      const anAccount = fc.oneof({ arbitrary: fc.constantFrom(...accounts), weight: 6 }, fc.constant("0x000000000000000000000000000000000000dEaD"));
      const aTime = fc.oneof(
        fc.tuple(fc.constantFrom(...times), fc.constantFrom(-1_000, -1, 0, 1, 1_000)).map(([t, d]) => new Date(t + d).toISOString()),
        fc.tuple(fc.constantFrom(...times), fc.constantFrom(-1_000, 0, 1_000)).map(([t, d]) => withOffset(t + d)),
        fc.tuple(fc.constantFrom(...times), fc.constantFrom(-DAY, 0, DAY)).map(([t, d]) => cstDate(t + d)),
      );
      const aPeriod = fc.constantFrom(-1, 0, 1).map((d) => String(shiftPeriod(cast.period, d)));
      const aTotal = fc.tuple(fc.constantFrom(...totals), fc.constantFrom(-1n, 0n, 1n)).map(([t, d]) => (t + d < 0n ? 0n : t + d).toString());
      const states = ["Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"];
      const query: fc.Arbitrary<Query> = fc
        .record({
          number: maybe(fc.uniqueArray(fc.oneof({ arbitrary: fc.constantFrom(...numbers), weight: 5 }, fc.constant(numbers.reduce((a, b) => (a > b ? a : b)) + 1000n)), { minLength: 1, maxLength: 4 }).map((ns) => ns.join(","))),
          reference: maybe(fc.oneof({ arbitrary: fc.constantFrom(...all.map((i) => i.reference)), weight: 5 }, fc.constant("no-such-reference"))),
          merchant: maybe(fc.oneof({ arbitrary: fc.constantFrom(cast.merchant.account, cast.otherMerchant.account, ...reregistered.accounts), weight: 4 }, anAccount)),
          // The console's filters are rarer, so that they do not make most searches empty or single-page.
          sellerTaxId: maybe(fc.oneof({ arbitrary: fc.constantFrom(cast.merchant.taxpayerId, cast.otherMerchant.taxpayerId, reregistered.taxpayerId), weight: 4 }, fc.constantFrom(cast.enterprise.taxpayerId, unregisteredTaxId)), 8),
          buyerTaxId: maybe(fc.constantFrom(cast.enterprise.taxpayerId, cast.otherEnterprise.taxpayerId, unregisteredTaxId, cast.merchant.taxpayerId)),
          holder: maybe(anAccount),
          enterprise: maybe(anAccount),
          state: maybe(fc.uniqueArray(fc.constantFrom(...states), { minLength: 1, maxLength: 3 }).map((s) => s.join(","))),
          issuedFrom: maybe(aTime),
          issuedTo: maybe(aTime),
          periodFrom: maybe(aPeriod, 8),
          periodTo: maybe(aPeriod, 8),
          totalMin: maybe(aTotal),
          totalMax: maybe(aTotal),
          reversalPending: maybe(fc.constantFrom("true", "false"), 8),
          sort: maybe(fc.constantFrom("number", "-number", "issuedAt", "-issuedAt", "total", "-total"), 1),
          limit: fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: fc.constantFrom("1", "2", "3", "7", "500"), weight: 4 }),
          expand: maybe(fc.constantFrom("parties", "document", "parties,document", "document,parties"), 2),
        })
        .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Query);
      let nonEmpty = 0;
      let pagedAnswers = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...viewers), query, async (viewer, q) => {
          const got = await walk(viewer, q);
          const expected = ordered(all.filter((i) => visible(viewer, i) && matches(i, q)), q.sort);
          const seen = got.map((i: { id: string }) => i.id);
          // Nothing the viewer may not see, whatever the filters.
          for (const id of seen) expect(invoices.has(id) && visible(viewer, invoices.get(id)!), `${viewer.label} received ${id}`).to.equal(true);
          expect(seen, `${viewer.label} ${queryString(q)}`).to.deep.equal(expected.map((i) => i.id));
          got.forEach((item, i) => checkItem(viewer, item, expected[i]!, q.expand));
          if (got.length > 0) nonEmpty++;
          if (got.length > Number(q.limit ?? 50)) pagedAnswers++;
        }),
        { numRuns: 400, seed: 20261126, endOnFailure: true },
      );
      console.log(`      ${nonEmpty} of 400 searches found something; ${pagedAnswers} took more than one page`);
      // The generator is not so narrow that the comparison is vacuous.
      expect(nonEmpty).to.be.greaterThan(100);
      expect(pagedAnswers).to.be.greaterThan(40);
    });

    it("shows an enterprise its invoice pool (titled to its taxpayer ID) before anyone submits one, and nothing more of it", async () => {
      const enterprise = viewers.find((v) => v.label === "enterprise")!;
      const pool = [...invoices.values()].filter((i) => i.buyerTaxId === cast.enterprise.taxpayerId);
      const listed = await walk(enterprise, { buyerTaxId: cast.enterprise.taxpayerId, limit: "4" });
      expect(listed.map((i) => i.id)).to.deep.equal(ordered(pool).map((i) => i.id));
      // Unclaimed, rejected, held by another employer's employee, reversed after its lock was cancelled: all in the pool.
      const outside = pool.filter((i) => !isPartyTo(enterprise, i));
      expect(outside.map((i) => i.state)).to.include.members(["Issued", "Reversed", "Frozen"]);
      expect(outside.some((i) => i.holder === cast.outsider.account)).to.equal(true);
      // Only the list shows them: no document, and the single read still answers 404 as for any invoice it is not party to.
      const expanded = await walk(enterprise, { buyerTaxId: cast.enterprise.taxpayerId, expand: "document,parties" });
      for (const item of expanded) expect(item.document !== undefined, item.id).to.equal(isPartyTo(enterprise, invoices.get(item.id)!));
      const held = expanded.find((i) => i.holder === cast.outsider.account);
      expect(held.parties.holder).to.deep.equal({ account: cast.outsider.account, name: null });
      expect((await cast.enterprise.client.get(`/v1/invoices/${outside[0]!.id}`)).status).to.equal(404);
      // The other enterprise's pool is not this one's; an invoice with no title is only the enterprise's when it is party to it.
      expect(await walk(enterprise, { buyerTaxId: cast.otherEnterprise.taxpayerId })).to.deep.equal([]);
      const untitled = await walk(enterprise, { state: "Reimbursed,Locked" });
      expect(untitled.every((i) => i.buyerTaxId === cast.enterprise.taxpayerId || i.enterprise === cast.enterprise.account)).to.equal(true);
      expect(untitled.some((i) => i.buyerTaxId === null)).to.equal(true);
      // Filters narrow, never widen: a merchant naming another merchant finds nothing (not a 403), an employee the same.
      expect(await walk(viewers.find((v) => v.label === "merchant")!, { merchant: cast.otherMerchant.account })).to.deep.equal([]);
      expect(await walk(viewers.find((v) => v.label === "outsider")!, { holder: cast.employee.account })).to.deep.equal([]);
      expect(await walk(viewers.find((v) => v.label === "other enterprise")!, { buyerTaxId: cast.enterprise.taxpayerId, holder: cast.employee.account })).to.deep.equal([]);
    });

    it("finds a seller by its taxpayer ID under each account registered with it, and invoices awaiting a credit note's confirmation; both only narrow", async () => {
      const [bureau, merchant, , enterprise, otherEnterprise, employee] = viewers as [Viewer, Viewer, Viewer, Viewer, Viewer, Viewer];
      const ids = (list: { id: string }[]) => list.map((i) => i.id);
      const modelled = (keep: (i: Modelled) => boolean) => ordered([...invoices.values()].filter(keep)).map((i) => i.id);
      // Both accounts of the organisation registered again: the revoked one's invoices and its successor's.
      const both = await walk(bureau, { sellerTaxId: reregistered.taxpayerId, limit: "1" });
      expect(ids(both)).to.deep.equal(modelled((i) => reregistered.accounts.includes(i.seller)));
      expect(new Set(both.map((i) => i.seller))).to.deep.equal(new Set(reregistered.accounts));
      expect(ids(await walk(bureau, { sellerTaxId: reregistered.taxpayerId, merchant: reregistered.accounts[0] }))).to.deep.equal(modelled((i) => i.seller === reregistered.accounts[0]));
      expect(await walk(bureau, { sellerTaxId: reregistered.taxpayerId, merchant: cast.merchant.account })).to.deep.equal([]);
      // A taxpayer ID nobody registered, or an enterprise's (it sells nothing): nothing, not an error.
      expect(await walk(bureau, { sellerTaxId: unregisteredTaxId })).to.deep.equal([]);
      expect(await walk(bureau, { sellerTaxId: cast.enterprise.taxpayerId })).to.deep.equal([]);
      // Narrowing only: a merchant naming another's taxpayer ID finds nothing; an enterprise finds in its own list only.
      expect(await walk(merchant, { sellerTaxId: cast.otherMerchant.taxpayerId })).to.deep.equal([]);
      expect(await walk(merchant, { sellerTaxId: reregistered.taxpayerId })).to.deep.equal([]);
      expect(ids(await walk(merchant, { sellerTaxId: cast.merchant.taxpayerId }))).to.deep.equal(modelled((i) => i.seller === cast.merchant.account));
      expect(ids(await walk(enterprise, { sellerTaxId: cast.merchant.taxpayerId }))).to.deep.equal(modelled((i) => i.seller === cast.merchant.account && visible(enterprise, i)));

      const pending = modelled((i) => i.reversalPending);
      expect(pending.length, "invoices awaiting confirmation").to.be.greaterThan(0);
      expect(ids(await walk(bureau, { reversalPending: "true" }))).to.deep.equal(pending);
      expect(ids(await walk(bureau, { reversalPending: "false", sort: "-total" }))).to.deep.equal(ordered([...invoices.values()].filter((i) => !i.reversalPending), "-total").map((i) => i.id));
      expect(ids(await walk(enterprise, { reversalPending: "true" }))).to.deep.equal(modelled((i) => i.reversalPending && visible(enterprise, i)));
      expect(ids(await walk(employee, { reversalPending: "true" }))).to.deep.equal(modelled((i) => i.reversalPending && visible(employee, i)));
      expect(await walk(otherEnterprise, { reversalPending: "true" })).to.deep.equal([]);
      for (const item of await walk(bureau, { reversalPending: "true" })) expect(item.pendingCreditNote, item.id).to.be.a("string");
      for (const item of await walk(bureau, { reversalPending: "false" })) expect(item.pendingCreditNote, item.id).to.equal(null);
    });

    it("keeps `after` (deprecated) paging by number as before", async () => {
      const bureau = viewers[0]!;
      const first = await ok(system.bureau.get("/v1/invoices?limit=3"));
      const next = await ok(system.bureau.get(`/v1/invoices?limit=3&after=${first.invoices[2].number}`));
      const all = ordered([...invoices.values()]);
      expect([...first.invoices, ...next.invoices].map((i: { id: string }) => i.id)).to.deep.equal(all.slice(0, 6).map((i) => i.id));
      const byCursor = await ok(system.bureau.get(`/v1/invoices?limit=3&cursor=${first.nextCursor}`));
      expect(byCursor.invoices).to.deep.equal(next.invoices);
      expect((await walk(bureau, { limit: "500" })).length).to.equal(invoices.size);
    });

    it("refuses invalid parameters with the field, and a cursor that is malformed, altered or from another search", async () => {
      const client = cast.merchant.client;
      const refused = async (query: string, code: string, path: string) => {
        const answer = await client.get(`/v1/invoices?${query}`);
        expect(answer.status, `${query}: ${JSON.stringify(answer.body)}`).to.equal(400);
        expect(answer.body.error.code, query).to.equal(code);
        expect(answer.body.error.details.issues.map((i: { path: string }) => i.path), query).to.include(path);
        expect(answer.body.error.details.issues[0].in, query).to.equal("query");
      };
      const invalid: [string, string][] = [
        ["number=abc", "number"],
        ["number=1,,2", "number"],
        ["number=-1", "number"],
        ["number=1099511627776", "number"],
        [`number=${Array.from({ length: 101 }, (_, i) => i + 1).join(",")}`, "number"],
        ["reference=" + "x".repeat(65), "reference"],
        ["reference=a%20b", "reference"],
        ["merchant=0x123", "merchant"],
        ["holder=nobody", "holder"],
        ["enterprise=", "enterprise"],
        ["buyerTaxId=91440300MA5DC8LQ0X", "buyerTaxId"],
        ["sellerTaxId=91440300MA5DC8LQ0X", "sellerTaxId"],
        ["sellerTaxId=91440300ma5dc8lq03", "sellerTaxId"],
        ["sellerTaxId=", "sellerTaxId"],
        [`sellerTaxId=${cast.merchant.taxpayerId}&sellerTaxId=${cast.merchant.taxpayerId}`, "sellerTaxId"],
        ["reversalPending=yes", "reversalPending"],
        ["reversalPending=True", "reversalPending"],
        ["reversalPending=1", "reversalPending"],
        ["reversalPending=", "reversalPending"],
        ["reversalPending=true&reversalPending=false", "reversalPending"],
        ["state=Bogus", "state"],
        ["state=issued", "state"],
        ["state=Issued&state=Locked", "state"],
        ["state=Issued,", "state"],
        ["issuedFrom=2026-13-01", "issuedFrom"],
        ["issuedFrom=2026-02-30", "issuedFrom"],
        ["issuedFrom=2026-11-25T10:00:00", "issuedFrom"],
        ["issuedFrom=2026-11-25T10:00:00+08:00", "issuedFrom"], // '+' read as a space: it must be sent as %2B
        ["issuedTo=yesterday", "issuedTo"],
        ["issuedTo=1969-12-31", "issuedTo"],
        ["issuedTo=9999-12-31T23:59:59-14:00", "issuedTo"],
        ["periodFrom=202613", "periodFrom"],
        ["periodTo=2026-11", "periodTo"],
        ["totalMin=-1", "totalMin"],
        ["totalMin=1.5", "totalMin"],
        ["totalMin=01", "totalMin"],
        ["totalMin=1e3", "totalMin"],
        [`totalMax=${2n ** 48n}`, "totalMax"],
        ["sort=amount", "sort"],
        ["sort=-", "sort"],
        ["expand=everything", "expand"],
        ["limit=0", "limit"],
        ["limit=501", "limit"],
        ["after=1&sort=-number", "after"],
        ["after=1&cursor=abc", "after"],
        ["seller=0x0000000000000000000000000000000000000001", ""],
      ];
      for (const [query, path] of invalid) await refused(query, "VALIDATION_FAILED", path);
      // The bounds themselves are taken.
      for (const query of [`issuedFrom=${encodeURIComponent("2026-11-25T10:00:00+08:00")}`, "issuedFrom=1970-01-01", "issuedTo=9999-12-31", "issuedTo=9999-12-31T23:59:59.999999999Z", "periodFrom=197001&periodTo=999912", `totalMax=${2n ** 48n - 1n}`, `number=${2n ** 40n - 1n}`]) {
        expect((await client.get(`/v1/invoices?${query}`)).status, query).to.equal(200);
      }

      // Cursors: altered in any character, or sent with another search, by another party, or made up.
      const query = `merchant=${cast.merchant.account}&sort=-total&limit=2`;
      const page = await ok(client.get(`/v1/invoices?${query}`));
      const cursor = page.nextCursor as string;
      expect(cursor).to.match(/^[A-Za-z0-9_-]+$/);
      expect((await client.get(`/v1/invoices?${query}&cursor=${cursor}`)).status).to.equal(200);
      expect((await client.get(`/v1/invoices?merchant=${cast.merchant.account}&sort=-total&limit=5&cursor=${cursor}`)).status, "another page size").to.equal(200);
      const flips = new Set<string>();
      for (let i = 0; i < cursor.length; i += Math.max(1, Math.floor(cursor.length / 40))) {
        const c = cursor[i] === "A" ? "B" : "A";
        flips.add(cursor.slice(0, i) + c + cursor.slice(i + 1));
      }
      for (const altered of flips) await refused(`${query}&cursor=${altered}`, "INVALID_CURSOR", "cursor");
      const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { k: string; n: string };
      const forged = Buffer.from(JSON.stringify({ ...decoded, k: "1" })).toString("base64url");
      await refused(`${query}&cursor=${forged}`, "INVALID_CURSOR", "cursor");
      for (const other of [`merchant=${cast.merchant.account}&sort=total&limit=2`, `sort=-total&limit=2`, `merchant=${cast.merchant.account}&sort=-total&limit=2&state=Issued`]) {
        await refused(`${other}&cursor=${cursor}`, "INVALID_CURSOR", "cursor");
      }
      const stolen = await cast.otherMerchant.client.get(`/v1/invoices?${query}&cursor=${cursor}`);
      expect([stolen.status, stolen.body.error.code]).to.deep.equal([400, "INVALID_CURSOR"]);
      for (const garbage of ["", "!!!", "abc", "e30", Buffer.from("null").toString("base64url"), `${cursor}=`, `${cursor} `, "x".repeat(600)]) {
        await refused(`${query}&cursor=${encodeURIComponent(garbage)}`, "INVALID_CURSOR", "cursor");
      }
    });
  });
});
