import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseQueryString } from "node:querystring";
import { gzipSync } from "node:zlib";

import { expect } from "chai";
import { getAddress } from "ethers";
import fc from "fast-check";
import type { z } from "zod";

import { lineAmount, lineTax, TAX_RATES, type TaxRate } from "../../../api/domain/money";
import { address, creditNoteId, invoiceId, period, reference, taxpayerId } from "../../../api/http/schemas/common";
import { lineItem } from "../../../api/http/schemas/invoice-document";
import { documentFileUpload } from "../../../api/http/schemas/verification";
import { unacceptable } from "../../../api/http/validate";
import { randomTaxpayerId } from "../../../scripts/lib/demo-data";
import type { CataloguedRoute } from "./route-catalogue";
import { ABSENT, mutatedArbitrary, strip, validArbitrary, type Overrides, type Sample, type Value } from "./zod-arbitrary";

/**
 * The schema-aware fuzzer: for every route, as each role that may call it (and now and then as one that may
 * not, or with no key or a forged one), requests whose params, query and body come from the route's own zod
 * schemas (valid, boundary and mutated values, nested), sent plain, gzip'd, as garbage under a
 * Content-Encoding, as text that is not JSON, nested 10,000 deep, with odd content types and Idempotency-Keys.
 *
 * The property of every answer: never a 5xx; every 4xx is `{ error: { code, message, details? } }` with a
 * code the API defines; a caller who may not use the route never gets a 2xx; an input the route's schema
 * refuses is a 400 (never a 2xx, never a service's answer); an input it accepts is never VALIDATION_FAILED.
 */

export type Role = "bureau" | "merchant" | "enterprise" | "individual";

/** What the fuzzer knows of the running system: a client per role and pools of real objects. */
export interface FuzzWorld {
  baseUrl: string;
  keys: Record<Role, string>;
  period: number;
  accounts: string[];
  buyerTaxpayerId: string;
  buyerName: string;
  invoiceIds: string[];
  creditNoteIds: string[];
  claimCodes: string[];
  documentFiles: unknown[];
  /** Participants that may be suspended or revoked, by whom (the fuzz must not lock out its own cast). */
  sacrificial: { byBureau: string[]; byEnterprise: string[]; merchants: string[] };
  keyIds: string[];
}

export interface FuzzOptions {
  /** Requests per route and role. */
  runs: number;
  seed: number;
}

export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, Record<string, number>>;
  invalidRefused: number;
  validAccepted: number;
}

const MALFORMED_PATH_SEGMENTS = ["%E0%A4%A", "%", "%zz", "%C0%AF", "%FF%FE", "..", "%2e%2e", "%2F", "%00", "a%20b", "%F0%9F%A7%BE", "x".repeat(5_000)];
const BAD_IDEMPOTENCY_KEYS = ["", "a b", "x".repeat(129), "%%", "é", "a/b", "{}"];
const GARBAGE = new TextEncoder().encode("\u001f\u008b definitely not compressed");

/** Every string literal that looks like an error code in the API's source: the codes a client may be answered with. */
export function knownErrorCodes(): Set<string> {
  const codes = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".ts")) for (const match of readFileSync(path, "utf8").matchAll(/"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})"/g)) codes.add(match[1]!);
    }
  };
  walk(join(__dirname, "../../../api"));
  return codes;
}

/** Valid values for what no schema definition can describe, from the running system. */
function overridesFor(world: FuzzWorld, route: CataloguedRoute): Overrides {
  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
  const randomAddress = hex(40).map((h) => getAddress(`0x${h}`));
  const anAddress = fc.oneof({ arbitrary: fc.constantFrom(...world.accounts), weight: 4 }, randomAddress);
  const aPeriod = fc.oneof(fc.constantFrom(world.period, String(world.period)), fc.integer({ min: 1970, max: 2100 }).chain((year) => fc.integer({ min: 1, max: 12 }).map((month) => year * 100 + month)));
  const fen = (value: bigint) => fc.constantFrom<Value>(value.toString(), ...(value <= BigInt(Number.MAX_SAFE_INTEGER) ? [Number(value)] : []));
  // A line whose amount and tax follow from its quantity, unit price and rate, at ordinary and at ledger-sized amounts.
  const item = fc
    .record({
      name: fc.constantFrom("餐饮服务", "设备", "Consulting", "🧾 receipt"),
      quantity: fc.constantFrom("1", "2", "0.5", "3.333", "0.00000001", "999999999.99999999"),
      unitPrice: fc.oneof({ arbitrary: fc.bigInt({ min: 0n, max: 1_000_000n }), weight: 6 }, fc.constantFrom(0n, 1n, 2n ** 40n, 2n ** 42n, 2n ** 43n, 2n ** 47n, 2n ** 48n - 1n, BigInt(Number.MAX_SAFE_INTEGER))),
      taxRate: fc.constantFrom(...TAX_RATES),
      unit: fc.option(fc.constantFrom("次", "台", "h"), { nil: undefined }),
    })
    .chain(({ name, quantity, unitPrice, taxRate, unit }) => {
      const amount = lineAmount(quantity, unitPrice);
      const tax = lineTax(amount, taxRate as TaxRate);
      return fc.record({ unitPrice: fen(unitPrice), amount: fen(amount), tax: fen(tax) }).map((amounts) => ({ name, quantity, taxRate, ...(unit === undefined ? {} : { unit }), ...amounts }));
    });
  const bySchema = new Map<z.ZodType, fc.Arbitrary<Value>>([
    [taxpayerId, fc.oneof(fc.constant(world.buyerTaxpayerId), fc.noShrink(fc.integer().map(() => randomTaxpayerId())))],
    [address, anAddress],
    [invoiceId, fc.oneof({ arbitrary: fc.constantFrom(...world.invoiceIds), weight: 4 }, hex(64).map((h) => `0x${h}`))],
    [creditNoteId, fc.oneof({ arbitrary: fc.constantFrom(...world.creditNoteIds), weight: 3 }, hex(64).map((h) => `0x${h}`))],
    [period, aPeriod],
    [reference, fc.oneof({ arbitrary: fc.stringMatching(/^fz-[a-z0-9]{16}$/), weight: 5 }, fc.constantFrom("fz-replayed", "fz-replayed-2"))],
    [lineItem, item],
    [documentFileUpload, fc.constantFrom(...world.documentFiles)],
  ]);
  const byField: Record<string, fc.Arbitrary<Value>> = {
    claimCode: fc.oneof(fc.constantFrom(...world.claimCodes), hex(64)),
    keyId: fc.oneof(fc.constantFrom(...world.keyIds), hex(12)),
    buyer: fc.oneof(fc.constant({ type: "organisation", name: world.buyerName, taxpayerId: world.buyerTaxpayerId }), fc.constant({ type: "individual", name: "张三" })),
    // An API key's expiry: valid only ahead of now and within the horizon, so times on both sides of each.
    expiresAt: fc.integer({ min: -30, max: 400 }).map((days) => new Date(Date.now() + days * 86_400_000 + 3_600_000).toISOString()),
  };
  // Status changes and quotas only on participants that exist to be changed, so the cast keeps working.
  if (/\/participants\/\{account\}\/(suspend|reinstate|revoke)$/.test(route.path)) byField.account = fc.oneof(fc.constantFrom(...world.sacrificial.byBureau, ...world.sacrificial.byEnterprise), randomAddress);
  if (route.path.startsWith("/v1/merchants/") && route.method === "put") byField.account = fc.oneof(fc.constantFrom(...world.sacrificial.merchants), randomAddress);
  // A series spans at most a year: days around today, so that a pair is often a valid range, and the calendar's ends.
  if (route.path === "/v1/reports/series") {
    const aDay = fc.oneof(
      { arbitrary: fc.integer({ min: -400, max: 400 }).map((offset) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10)), weight: 8 },
      fc.constantFrom("1970-01-01", "2024-02-29", "9999-12-31"),
    );
    byField.from = aDay;
    byField.to = aDay;
  }
  return { bySchema, byField };
}

interface Transport {
  kind: "json" | "gzip" | "garbage-encoding" | "not-json" | "deep" | "text-plain" | "latin1" | "none";
  encoding?: string;
}

interface FuzzRequest {
  caller: { kind: "allowed"; role: Role } | { kind: "other-role"; role: Role } | { kind: "no-key" } | { kind: "forged" };
  params: Sample;
  rawSegments: (string | undefined)[];
  query: Sample;
  body: Sample;
  transport: Transport;
  idempotencyKey: string | undefined;
}

function requestArbitrary(world: FuzzWorld, route: CataloguedRoute, role: Role | undefined): fc.Arbitrary<FuzzRequest> {
  const overrides = overridesFor(world, route);
  const sample = (schema: z.ZodType | undefined) => (schema === undefined ? fc.constant<Sample>({ value: ABSENT }) : fc.oneof({ arbitrary: validArbitrary(schema, overrides).map((value): Sample => ({ value })), weight: 3 }, { arbitrary: mutatedArbitrary(schema, overrides), weight: 2 }));
  const pathNames = Object.keys(route.params?.shape ?? {});
  const others = (["bureau", "merchant", "enterprise", "individual"] as const).filter((r) => route.roles !== "public" && !route.roles.includes(r));
  const caller: fc.Arbitrary<FuzzRequest["caller"]> =
    role === undefined
      ? fc.constant({ kind: "no-key" as const })
      : fc.oneof(
          { arbitrary: fc.constant({ kind: "allowed" as const, role }), weight: 30 },
          ...(others.length > 0 ? [{ arbitrary: fc.constantFrom(...others).map((r) => ({ kind: "other-role" as const, role: r })), weight: 2 }] : []),
          { arbitrary: fc.constant({ kind: "no-key" as const }), weight: 1 },
          { arbitrary: fc.constant({ kind: "forged" as const }), weight: 1 },
        );
  const hasBody = route.method !== "get";
  const transport: fc.Arbitrary<Transport> = hasBody
    ? fc.oneof(
        { arbitrary: fc.constant<Transport>({ kind: "json" }), weight: 40 },
        { arbitrary: fc.constant<Transport>({ kind: "gzip", encoding: "gzip" }), weight: 2 },
        { arbitrary: fc.constantFrom<Transport>({ kind: "garbage-encoding", encoding: "gzip" }, { kind: "garbage-encoding", encoding: "deflate" }, { kind: "garbage-encoding", encoding: "br" }), weight: 2 },
        { arbitrary: fc.constant<Transport>({ kind: "not-json" }), weight: 1 },
        { arbitrary: fc.constant<Transport>({ kind: "deep" }), weight: 1 },
        { arbitrary: fc.constant<Transport>({ kind: "text-plain" }), weight: 1 },
        { arbitrary: fc.constant<Transport>({ kind: "latin1" }), weight: 1 },
        { arbitrary: fc.constant<Transport>({ kind: "none" }), weight: 1 },
      )
    : fc.constant<Transport>({ kind: "none" });
  return fc.record({
    caller,
    params: sample(route.params),
    rawSegments: fc.tuple(...pathNames.map(() => fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, fc.constantFrom(...MALFORMED_PATH_SEGMENTS)))),
    query: sample(route.query),
    body: sample(route.body),
    transport,
    idempotencyKey: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/), fc.constantFrom(...BAD_IDEMPOTENCY_KEYS)),
  });
}

/** The query string a client would send for a value: arrays as repeated keys, objects in brackets. */
function queryString(value: Value): string {
  const pairs: [string, string][] = [];
  const scalar = (v: Value) => (typeof v === "string" ? v : v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (v === ABSENT || v === undefined) continue;
      if (Array.isArray(v)) for (const e of v) pairs.push([key, scalar(e)]);
      else if (typeof v === "object" && v !== null) for (const [sub, e] of Object.entries(v)) pairs.push([`${key}[${sub}]`, scalar(e)]);
      else pairs.push([key, scalar(v)]);
    }
  } else if (value !== ABSENT && value !== undefined) pairs.push([scalar(value), ""]);
  return new URLSearchParams(pairs).toString();
}

/** %-encodes a path segment; a lone surrogate (no UTF-8 form) goes as the bytes a careless client would send. */
function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[\ud800-\udfff]/g, "%ED%A0%80").replace(/[^%A-Za-z0-9]/g, (c) => encodeURIComponent(c));
  }
}

const validates = (schema: z.ZodType | undefined, value: Value): boolean => unacceptable(value) === undefined && (schema ?? (undefined as never)).safeParse(value).success;

/** Runs the fuzz over every route and role, asserting the property of each answer; returns what was seen. */
export async function fuzzApi(world: FuzzWorld, routes: CataloguedRoute[], options: FuzzOptions): Promise<FuzzReport> {
  const codes = knownErrorCodes();
  const report: FuzzReport = { requests: 0, byStatus: {}, byRoute: {}, invalidRefused: 0, validAccepted: 0 };
  let pair = 0;
  for (const route of routes) {
    const roles: (Role | undefined)[] = route.roles === "public" ? [undefined] : (route.roles as Role[]);
    for (const role of roles) {
      const label = `${route.method.toUpperCase()} ${route.path}${role ? ` as ${role}` : ""}`;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(world, route, role), async (request) => {
          await sendAndCheck(world, route, request, codes, report, label);
        }),
        { numRuns: options.runs, seed: options.seed + pair++, endOnFailure: true },
      );
    }
  }
  return report;
}

async function sendAndCheck(world: FuzzWorld, route: CataloguedRoute, request: FuzzRequest, codes: Set<string>, report: FuzzReport, label: string): Promise<void> {
  // Path: each parameter from its sample, %-encoded, or now and then a raw malformed segment.
  const params = strip(request.params.value) as Record<string, Value> | undefined;
  let path = route.path;
  let pathDecodes = true;
  let pathRoutable = true;
  const decoded: Record<string, string> = {};
  Object.keys(route.params?.shape ?? {}).forEach((name, i) => {
    const raw = request.rawSegments[i];
    const value = params?.[name];
    const segment = raw ?? (value === undefined ? "" : encodeSegment(typeof value === "string" ? value : JSON.stringify(value) ?? ""));
    try {
      decoded[name] = decodeURIComponent(segment);
    } catch {
      pathDecodes = false;
    }
    if (segment === "" || segment === "." || segment === ".." || /%2f|%2e%2e|^\.+$/i.test(segment) || (decoded[name] ?? "").includes("/")) pathRoutable = false;
    path = path.replace(`{${name}}`, segment);
  });
  const query = route.method === "get" || route.query !== undefined ? queryString(strip(request.query.value)) : "";
  const bodyValue = strip(request.body.value);

  const headers: Record<string, string> = {};
  const { caller } = request;
  if (caller.kind === "allowed" || caller.kind === "other-role") headers.authorization = `Bearer ${world.keys[caller.role]}`;
  if (caller.kind === "forged") headers.authorization = "Bearer eil_000000000000_forged";
  if (request.idempotencyKey !== undefined) headers["idempotency-key"] = request.idempotencyKey;
  let payload: Uint8Array | string | undefined;
  const json = bodyValue === undefined ? "" : JSON.stringify(bodyValue);
  switch (request.transport.kind) {
    case "json":
      if (bodyValue !== undefined) [payload, headers["content-type"]] = [json, "application/json"];
      break;
    case "gzip":
      [payload, headers["content-type"], headers["content-encoding"]] = [gzipSync(json || "{}"), "application/json", "gzip"];
      break;
    case "garbage-encoding":
      [payload, headers["content-type"], headers["content-encoding"]] = [GARBAGE, "application/json", request.transport.encoding!];
      break;
    case "not-json":
      [payload, headers["content-type"]] = [json.slice(0, Math.max(1, json.length - 1)) + "}{", "application/json"];
      break;
    case "deep":
      [payload, headers["content-type"]] = [`{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`, "application/json"];
      break;
    case "text-plain":
      [payload, headers["content-type"]] = [json || "{}", "text/plain"];
      break;
    case "latin1":
      [payload, headers["content-type"]] = [json || "{}", "application/json; charset=latin1"];
      break;
    case "none":
      break;
  }

  const url = `${world.baseUrl}${path}${query ? `?${query}` : ""}`;
  const response = await fetch(url, { method: route.method.toUpperCase(), headers, ...(payload === undefined ? {} : { body: payload }) });
  const text = await response.text();
  let answer: { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
  try {
    answer = text === "" ? undefined : (JSON.parse(text) as typeof answer);
  } catch {
    answer = undefined;
  }
  const status = response.status;
  report.requests++;
  report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
  const byRoute = (report.byRoute[`${route.method.toUpperCase()} ${route.path}`] ??= {});
  byRoute[status] = (byRoute[status] ?? 0) + 1;

  const what = () =>
    `${label}: ${route.method.toUpperCase()} ${url.slice(0, 300)} caller=${JSON.stringify(caller)} transport=${request.transport.kind} idempotency=${JSON.stringify(request.idempotencyKey)} ` +
    `mutations=${JSON.stringify([request.params.mutation, request.query.mutation, request.body.mutation].filter(Boolean))} body=${json.slice(0, 400)} -> ${status} ${text.slice(0, 400)}`;

  // 1. Never a 5xx.
  expect(status, what()).to.be.below(500);
  // 2. Every refusal has the error shape and a code the API defines.
  if (status >= 400) {
    const error = answer?.error;
    expect(error, what()).to.be.an("object");
    expect(error!.code, what()).to.be.a("string").that.matches(/^[A-Z][A-Z0-9_]+$/);
    expect(codes.has(error!.code as string), `unknown code ${String(error!.code)}: ${what()}`).to.equal(true);
    expect(error!.message, what()).to.be.a("string").and.not.be.empty;
    if (error!.details !== undefined) expect(error!.details, what()).to.be.an("object");
    if (error!.code === "VALIDATION_FAILED") {
      const issues = (error!.details as { issues?: { in?: unknown; path?: unknown; message?: unknown }[] } | undefined)?.issues;
      expect(issues, what()).to.be.an("array").that.is.not.empty;
      for (const issue of issues!) {
        expect(issue.in, what()).to.be.oneOf(["body", "query", "params", "headers"]);
        expect(issue.path, what()).to.be.a("string");
        expect(issue.message, what()).to.be.a("string").and.not.be.empty;
      }
    }
  }
  // 3. A caller who may not use the route never succeeds.
  if (route.roles !== "public" && caller.kind !== "allowed") expect(status, what()).to.be.at.least(400);

  // 4. What the route's own schemas say of this input decides between 400 and anything else.
  const authorized = route.roles === "public" || caller.kind === "allowed";
  const readable = request.transport.kind === "json" || request.transport.kind === "gzip" || request.transport.kind === "none";
  if (!authorized || !pathDecodes || !pathRoutable || !readable || status === 429) return;
  const sentBody: Value = request.transport.kind === "none" ? undefined : request.transport.kind === "gzip" ? JSON.parse(json || "{}") : bodyValue === undefined ? undefined : JSON.parse(json);
  const paramsValid = route.params === undefined || validates(route.params, decoded);
  const queryValid = validates(route.query ?? ({ safeParse: (v: Value) => ({ success: typeof v === "object" && v !== null && Object.keys(v).length === 0 }) } as unknown as z.ZodType), parseQueryString(query) as Value);
  const bodyValid = route.body === undefined ? sentBody === undefined || (typeof sentBody === "object" && sentBody !== null && !Array.isArray(sentBody) && Object.keys(sentBody).length === 0) : validates(route.body, sentBody);
  const keyValid = !route.idempotent || request.idempotencyKey === undefined || /^[A-Za-z0-9._:-]{1,128}$/.test(request.idempotencyKey);
  if (!paramsValid || !queryValid || !bodyValid) {
    expect(status, `the schema refuses this input, the route must answer 400: ${what()}`).to.equal(400);
    report.invalidRefused++;
  } else if (keyValid) {
    expect(answer?.error?.code, `the schema accepts this input, the route must not refuse it as invalid: ${what()}`).not.to.equal("VALIDATION_FAILED");
    if (status < 300) report.validAccepted++;
  }
}
