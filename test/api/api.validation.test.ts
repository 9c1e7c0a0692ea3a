import { gzipSync } from "node:zlib";

import { expect } from "chai";

import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { lineAmount, lineTax } from "../../api/domain/money";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Client mistakes are 4xx with a code, never 5xx, and every bound the ledger encodes (total uint48 fen, tax
 * uint40 fen, quota uint64, period uint24 YYYYMM, number uint40, check code uint64) is refused at the edge
 * with a 400 that names the field. Each case here was answered 500 or 502 (or accepted and sent on) before.
 */
describe("API validation at the edge", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  let run = 0;
  const ref = () => `v-${Date.now().toString(36)}-${run++}`;
  const buyer = () => ({ type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId });

  /** A 400 VALIDATION_FAILED whose issues name `path` (in `where`). */
  const expectFieldRefused = (answer: ApiAnswer, where: string, path: string, what: string, match: "exact" | "prefix" = "exact") => {
    expect(answer.status, `${what}: ${JSON.stringify(answer.body).slice(0, 2000)}`).to.equal(400);
    expect(answer.body.error.code, what).to.equal("VALIDATION_FAILED");
    expect(answer.body.error.message, what).to.be.a("string").and.not.be.empty;
    const issues = (answer.body.error.details.issues as { in: string; path: string }[]).map((i) => `${i.in}:${i.path}`);
    if (match === "exact") expect(issues, what).to.include(`${where}:${path}`);
    else expect(issues.some((i) => i.startsWith(`${where}:${path}`)), `${what}: ${issues.join(", ").slice(0, 500)}`).to.equal(true);
  };
  const expectCoded = (answer: ApiAnswer, status: number, code: string, what: string) => {
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.equal(status);
    expect(answer.body?.error?.code, what).to.equal(code);
    expect(answer.body.error.message, what).to.be.a("string").and.not.be.empty;
  };

  before(async () => {
    system = await startSystem();
    // A quota far beyond the amounts below, so that only the edge (not the quota) can refuse them.
    cast = await registerCast(system.bureau, "999999999999999");
  });
  after(async () => system?.close());

  /** An invoice whose one line is `quantity` x `unitPrice` at `rate`, with consistent amount and tax. */
  const oneLine = (unitPrice: bigint, rate: 0 | 1 | 3 | 5 | 6 | 9 | 13 = 13, quantity = "1") => {
    const amount = lineAmount(quantity, unitPrice);
    const tax = lineTax(amount, rate);
    return { reference: ref(), buyer: buyer(), items: [{ name: "设备", quantity, unitPrice: unitPrice.toString(), amount: amount.toString(), taxRate: rate, tax: tax.toString() }] };
  };

  describe("malformed numbers inside line items", () => {
    const bad: [string, unknown][] = [
      ["negative", "-1"],
      ["negative number", -1],
      ["decimal", "1.5"],
      ["decimal number", 100.5],
      ["exponent", "1e3"],
      ["hex", "0x1"],
      ["leading space", " 1"],
      ["leading zero", "01"],
      ["empty", ""],
      ["beyond 2^53 as a string", "9007199254740993"],
      ["beyond 2^53 as a number", 2 ** 60],
      ["boolean", true],
      ["null", null],
      ["object", { value: 1 }],
    ];
    for (const field of ["unitPrice", "amount", "tax"] as const) {
      it(`refuses a malformed ${field} with 400 naming items.0.${field}, in a single and a batch issue`, async () => {
        for (const [what, value] of bad) {
          const body = invoiceBody(ref(), buyer());
          const item = { ...body.items[0]!, [field]: value };
          expectFieldRefused(await cast.merchant.client.post("/v1/invoices", { ...body, items: [item] }), "body", `items.0.${field}`, `${field} ${what}`);
          const batch = { invoices: [invoiceBody(ref(), buyer()), { ...body, items: [body.items[0]!, item] }] };
          expectFieldRefused(await cast.merchant.client.post("/v1/invoices/batch", batch), "body", `invoices.1.items.1.${field}`, `batch ${field} ${what}`);
        }
      });
    }

    it("refuses a malformed quantity with 400 naming items.0.quantity", async () => {
      for (const value of ["-1", "1e3", "0x1", " 1", "1.", ".5", "1.123456789", "1000000000", 2, null]) {
        const body = invoiceBody(ref(), buyer());
        expectFieldRefused(await cast.merchant.client.post("/v1/invoices", { ...body, items: [{ ...body.items[0]!, quantity: value }] }), "body", "items.0.quantity", `quantity ${String(value)}`);
      }
    });

    it("still checks the arithmetic of well-formed lines, naming the line's field", async () => {
      const body = invoiceBody(ref(), buyer());
      expectFieldRefused(await cast.merchant.client.post("/v1/invoices", { ...body, items: [{ ...body.items[0]!, amount: "1" }] }), "body", "items.0.amount", "amount is not quantity x unit price");
      expectFieldRefused(await cast.merchant.client.post("/v1/invoices", { ...body, items: [{ ...body.items[0]!, tax: "1" }] }), "body", "items.0.tax", "tax is not amount x rate");
    });
  });

  describe("bounds the ledger encodes", () => {
    it("refuses an invoice whose tax exceeds uint40 fen with 400 naming the field, and issues the same merchant's concurrent invoice", async () => {
      // 2^43 fen at 13 %: the total (~9.9e12) fits uint48, the tax (~1.14e12) does not fit uint40 (~1.10e12).
      const tooMuchTax = oneLine(2n ** 43n);
      const good = invoiceBody(ref(), buyer());
      const [refused, issued] = await Promise.all([cast.merchant.client.post("/v1/invoices", tooMuchTax), cast.merchant.client.post("/v1/invoices", good)]);
      expectFieldRefused(refused, "body", "items.0.tax", "line tax beyond uint40");
      expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
      // Two lines whose taxes each fit, but whose sum does not: the invoice's items are named.
      const half = oneLine(2n ** 42n).items[0]!;
      const twoLines = { reference: ref(), buyer: buyer(), items: [half, half] };
      expectFieldRefused(await cast.merchant.client.post("/v1/invoices", twoLines), "body", "items", "sum of tax beyond uint40");
      // In a batch, the invoice at fault is named.
      const batch = await cast.merchant.client.post("/v1/invoices/batch", { invoices: [invoiceBody(ref(), buyer()), { ...twoLines, reference: ref() }] });
      expectFieldRefused(batch, "body", "invoices.1.items", "batch tax beyond uint40");
    });

    it("refuses a line or an invoice whose total exceeds uint48 fen", async () => {
      // One line beyond what an invoice can hold at 0 %.
      expectFieldRefused(await cast.merchant.client.post("/v1/invoices", oneLine(2n ** 48n, 0)), "body", "items.0.amount", "line amount beyond uint48");
      // Lines that each fit, whose sum does not.
      const line = oneLine(2n ** 47n, 0).items[0]!;
      expectFieldRefused(await cast.merchant.client.post("/v1/invoices", { reference: ref(), buyer: buyer(), items: [line, line] }), "body", "items", "sum beyond uint48");
      // The largest tax the ledger holds is accepted (2^40 - 1 fen would need a line of ~8.5e12 fen at 13 %: one at 1 % instead).
      const largest = oneLine(109_951_162_777_500n, 1);
      expect(BigInt(largest.items[0]!.tax)).to.equal(2n ** 40n - 1n);
      const answer = await cast.merchant.client.post("/v1/invoices", largest);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      expect(answer.body.invoice.tax).to.equal((2n ** 40n - 1n).toString());
    });

    it("refuses reversal amounts beyond uint48 / uint40 fen with 400 naming the field", async () => {
      const invoice = (await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()))).body.invoice as { id: string };
      const reverse = (body: Record<string, unknown>) => cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "discount", ...body });
      expectFieldRefused(await reverse({ total: (2n ** 48n).toString(), tax: "1" }), "body", "total", "reversal total 2^48");
      expectFieldRefused(await reverse({ total: (2n ** 48n - 1n).toString(), tax: (2n ** 40n).toString() }), "body", "tax", "reversal tax 2^40");
      expectFieldRefused(await reverse({ total: "-1", tax: "1" }), "body", "total", "reversal total -1");
      expectFieldRefused(await reverse({ total: "1e3", tax: "1" }), "body", "total", "reversal total 1e3");
      expectFieldRefused(await reverse({ total: "10", tax: "11" }), "body", "tax", "tax above total");
      // In range but more than the invoice: the ledger's rule, a 422.
      expectCoded(await reverse({ total: (2n ** 48n - 1n).toString(), tax: "0" }), 422, "REVERSAL_EXCEEDS_REMAINING", "more than the invoice");
    });

    it("accepts a quota up to uint64 and refuses one beyond, naming body.granted", async () => {
      const path = `/v1/merchants/${cast.otherMerchant.account}/quotas/${cast.period}`;
      const max = await system.bureau.put(path, { granted: (2n ** 64n - 1n).toString() });
      expect(max.status, JSON.stringify(max.body)).to.equal(200);
      expect(max.body.granted).to.equal((2n ** 64n - 1n).toString());
      for (const granted of [(2n ** 64n).toString(), "-1", "1e3", 2 ** 64, "0x10"]) expectFieldRefused(await system.bureau.put(path, { granted }), "body", "granted", `quota ${String(granted)}`);
    });

    it("takes a tax period only as YYYYMM (path, query and body), not whatever a number coerces from", async () => {
      const quotas = (period: string) => cast.merchant.client.get(`/v1/merchants/${cast.merchant.account}/quotas/${period}`);
      expect((await quotas(String(cast.period))).status).to.equal(200);
      for (const period of ["2.02611e5", "0x3174B", "%20" + String(cast.period), `${cast.period}.0`, "16777216", "202613", "196912"]) expectFieldRefused(await quotas(period), "params", "period", `path period ${period}`);
      for (const period of ["2.02611e5", `${cast.period}.0`, "1e6"]) expectFieldRefused(await system.bureau.get(`/v1/reports/totals?period=${period}`), "query", "period", `query period ${period}`);
      const invoice = (await cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer()))).body.invoice as { id: string };
      for (const period of [[cast.period], `${cast.period}.0`, String(cast.period * 1.0) + "e0", true, 202611.5, null]) {
        expectFieldRefused(await cast.enterprise.client.post(`/v1/invoices/${invoice.id}/file`, { period }), "body", "period", `body period ${JSON.stringify(period)}`);
      }
    });

    it("takes page sizes and list filters only as plain values", async () => {
      for (const query of ["limit=1e2", "limit=0x10", "limit=%205", "limit=5&limit=6", "limit=0", "limit=501", "after=-1", "after=1&after=2"]) {
        expectFieldRefused(await cast.merchant.client.get(`/v1/invoices?${query}`), "query", query.split("=")[0]!, `invoices?${query}`);
      }
      expectFieldRefused(await cast.merchant.client.get("/v1/invoices?state=Issued&state=Locked"), "query", "state", "two states");
      expectFieldRefused(await system.bureau.get("/v1/participants?role=merchant&role=enterprise"), "query", "role", "two roles");
      expect((await cast.merchant.client.get("/v1/invoices?limit=5&state=Issued")).status).to.equal(200);
    });

    it("verifies only numbers, check codes and totals the ledger can hold", async () => {
      const anyone = new ApiClient(system.api.url);
      expectFieldRefused(await anyone.get(`/v1/verify?number=${2n ** 40n}&checkCode=${"1".repeat(20)}&total=1`), "query", "number", "number 2^40");
      expectFieldRefused(await anyone.get(`/v1/verify?number=1&checkCode=${2n ** 64n}&total=1`), "query", "checkCode", "check code 2^64");
      expectFieldRefused(await anyone.get(`/v1/verify?number=1&checkCode=${"1".repeat(20)}&total=${2n ** 48n}`), "query", "total", "total 2^48");
      expectFieldRefused(await anyone.get(`/v1/verify?number=1&number=2&checkCode=${"1".repeat(20)}&total=1`), "query", "number", "two numbers");
      const file = { id: `0x${"11".repeat(32)}`, number: (2n ** 40n).toString(), document: { kind: "invoice", totals: { total: "1", tax: "0" } }, salt: `0x${"22".repeat(32)}`, claimKeyAddress: `0x${"33".repeat(20)}` };
      expectFieldRefused(await anyone.post("/v1/verify/document", file), "body", "number", "document number 2^40");
      expectFieldRefused(await anyone.post("/v1/verify/document", { ...file, number: "1", checkCode: "x".repeat(10_000) }), "body", "checkCode", "document check code");
    });
  });

  describe("text no database column can hold", () => {
    it("refuses a NUL character in any string or field name with 400 naming it, and stores nothing", async () => {
      const label = await cast.merchant.client.post("/v1/api-keys", { label: "till\u00002" });
      expectFieldRefused(label, "body", "label", "api key label");
      const remarks = await cast.merchant.client.post("/v1/invoices", { ...invoiceBody(ref(), buyer()), remarks: "a\u0000b" });
      expectFieldRefused(remarks, "body", "remarks", "invoice remarks");
      const name = await cast.enterprise.client.post("/v1/employees", { name: "张\u0000三" });
      expectFieldRefused(name, "body", "name", "employee name");
      const query = await cast.merchant.client.get(`/v1/invoices?state=${encodeURIComponent("Issued\u0000")}`);
      expectFieldRefused(query, "query", "state", "query value");
      expect((await cast.merchant.client.get("/v1/api-keys")).body.keys.map((k: { label: string }) => k.label)).to.not.include("till\u00002");
    });
  });

  describe("bodies, paths and headers that cannot be read", () => {
    const raw = (path: string, body: Uint8Array | string, headers: Record<string, string>, apiKey?: string) =>
      fetch(`${system.api.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }), ...headers } }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) as any, headers: r.headers }));

    it("answers a compressed body that does not decompress 400, on authenticated and public routes", async () => {
      const garbage = new TextEncoder().encode("this is not compressed at all");
      for (const encoding of ["gzip", "deflate", "br"]) {
        expectCoded(await raw("/v1/invoices", garbage, { "content-encoding": encoding }, cast.merchant.client.apiKey), 400, "MALFORMED_BODY", `${encoding} garbage`);
        expectCoded(await raw("/v1/verify/document", garbage, { "content-encoding": encoding }), 400, "MALFORMED_BODY", `${encoding} garbage, public`);
      }
      // A truncated gzip stream too, and an unknown encoding is 415.
      const truncated = gzipSync(JSON.stringify(invoiceBody(ref(), buyer()))).subarray(0, 20);
      expectCoded(await raw("/v1/invoices", truncated, { "content-encoding": "gzip" }, cast.merchant.client.apiKey), 400, "MALFORMED_BODY", "truncated gzip");
      expectCoded(await raw("/v1/invoices", garbage, { "content-encoding": "compress" }, cast.merchant.client.apiKey), 415, "UNSUPPORTED_ENCODING", "unknown encoding");
      // A well-formed gzip body is read.
      const ok = await raw("/v1/invoices", gzipSync(JSON.stringify(invoiceBody(ref(), buyer()))), { "content-encoding": "gzip" }, cast.merchant.client.apiKey);
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    });

    it("answers malformed %-encoding in a path 400", async () => {
      for (const path of ["/v1/invoices/%E0%A4%A", "/v1/invoices/%E0%A4%A/trace", "/v1/participants/%FF", "/v1/merchants/%C0/quotas/202611", "/v1/credit-notes/%"]) {
        expectCoded(await cast.merchant.client.get(path), 400, "MALFORMED_PATH", path);
        expectCoded(await new ApiClient(system.api.url).get(path), 400, "MALFORMED_PATH", `${path} without a key`);
      }
      expectCoded(await cast.merchant.client.request("POST", "/v1/invoices/%E0%A4%A/claim", { claimCode: "0".repeat(64) }), 400, "MALFORMED_PATH", "claim");
      // In a query string a malformed escape is kept as it is, and refused as a value.
      expectFieldRefused(await new ApiClient(system.api.url).get(`/v1/verify?number=%E0%A4%A&checkCode=${"1".repeat(20)}&total=1`), "query", "number", "query escape");
    });

    it("refuses very deep JSON with 400 on the public document verification and elsewhere", async () => {
      const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
      const file = `{"id":"0x${"11".repeat(32)}","number":"1","document":{"kind":"invoice","totals":{"total":"1","tax":"0"},"x":${deep(10_000)}},"salt":"0x${"22".repeat(32)}","claimKeyAddress":"0x${"33".repeat(20)}"}`;
      expectFieldRefused(await raw("/v1/verify/document", file, {}), "body", "document.x", "deep document", "prefix");
      const deepObject = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
      expectFieldRefused(await raw("/v1/verify/document", file.replace(deep(10_000), deepObject), {}), "body", "document.x", "deep object in document", "prefix");
      expectFieldRefused(await raw("/v1/invoices", `{"reference":"x","remarks":${deep(10_000)}}`, {}, cast.merchant.client.apiKey), "body", "remarks", "deep remarks", "prefix");
      // A deep body with a valid shape around it never gets past the edge either.
      expectFieldRefused(await raw("/v1/invoices/batch", `{"invoices":${deep(5_000)}}`, {}, cast.merchant.client.apiKey), "body", "invoices", "deep batch", "prefix");
    });

    it("refuses prototype keys in bodies as unknown fields and stores nothing", async () => {
      const body = invoiceBody(ref(), buyer());
      const text = JSON.stringify(body).replace(/^\{/, '{"__proto__":{"state":"Reimbursed"},');
      expectFieldRefused(await raw("/v1/invoices", text, {}, cast.merchant.client.apiKey), "body", "", "__proto__ at the top");
      const nested = JSON.stringify(body).replace('"buyer":{', '"buyer":{"__proto__":{"taxpayerId":"x"},');
      expect((await raw("/v1/invoices", nested, {}, cast.merchant.client.apiKey)).status).to.equal(400);
      const constructor = JSON.stringify({ ...body, constructor: { prototype: { polluted: true } } });
      expect((await raw("/v1/invoices", constructor, {}, cast.merchant.client.apiKey)).status).to.equal(400);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect((await cast.merchant.client.get(`/v1/invoices?limit=500`)).body.invoices.map((i: { id: string }) => i.id)).to.be.an("array");
    });

    it("answers odd Authorization and X-Api-Key headers 401 with a code", async () => {
      const odd: Record<string, string>[] = [
        { authorization: `Bearer ${"x".repeat(10_000)}` },
        { authorization: "Bearer " },
        { authorization: "Bearer \t" },
        { authorization: "Basic dXNlcjpwYXNz" },
        { authorization: `Bearer ${cast.merchant.client.apiKey!}\u00e9` },
        { authorization: "Bearer eil_%E0%A4%A_x" },
        { "x-api-key": "\u00e9\u00ff" },
        { "x-api-key": "__proto__" },
      ];
      for (const headers of odd) {
        const answer = await fetch(`${system.api.url}/v1/invoices`, { headers }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) as any, headers: r.headers }));
        expectCoded(answer, 401, "UNAUTHENTICATED", JSON.stringify(headers).slice(0, 80));
      }
    });

    it("refuses a malformed Idempotency-Key with 400 naming the header", async () => {
      for (const key of ["", "x".repeat(129), "a b", "a/b?", "%E0%A4%A"]) {
        const answer = await raw("/v1/invoices", JSON.stringify(invoiceBody(ref(), buyer())), { "idempotency-key": key }, cast.merchant.client.apiKey);
        expectFieldRefused(answer, "headers", "idempotency-key", `key ${JSON.stringify(key)}`);
      }
    });
  });
});
