import fc from "fast-check";
import type { z } from "zod";

/**
 * fast-check arbitraries derived from the zod schemas the routes enforce, by walking `schema._zod.def`
 * (the definitions zod itself parses with). We walk the zod definitions rather than `z.toJSONSchema` or the
 * OpenAPI document because only the definitions keep everything: pipes and transforms (whose input side is
 * what a client sends), each check's exact bound (a bigint maximum after a transform has no JSON Schema
 * form), and the identity of shared schemas, which is how a caller supplies generators for what no
 * definition can describe (a refinement such as a taxpayer ID's check character, or a line item's
 * arithmetic).
 *
 * Three kinds of values per schema:
 * - valid: what the schema accepts (a leaf's candidates are filtered through the leaf itself);
 * - boundary: each bound and its neighbours (lengths min-1/min/max/max+1, numbers -1/0/min/max/max+1,
 *   2^40, 2^48, 2^53, 2^64), the strings clients get wrong ("1e3", "0x1", " 1", "1.5", unicode, long);
 * - invalid: wrong types, null, missing required fields, unknown extra fields (including `__proto__`),
 *   arrays too short or too long; nested, one node at a time inside an otherwise valid value.
 * Whether a value is in fact valid is decided by the schema itself (`safeParse`), never guessed here.
 */

type Schema = z.ZodType;
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  options?: Schema[];
  values?: unknown[];
  entries?: Record<string, string | number>;
  defaultValue?: unknown;
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp | string;
  minimum?: number;
  maximum?: number;
  value?: number | bigint;
  inclusive?: boolean;
}

/** A key left out of an object (an optional field not sent, or a required one removed). */
export const ABSENT: unique symbol = Symbol("absent");
export type Value = unknown;

/** One generated value and, for a mutated one, what was changed where (for failure messages). */
export interface Sample {
  value: Value;
  mutation?: string;
}

/** Generators the definitions cannot give: by field name (the more specific), or by schema identity (shared schemas). */
export interface Overrides {
  bySchema?: Map<Schema, fc.Arbitrary<Value>>;
  byField?: Record<string, fc.Arbitrary<Value>>;
}

const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (schema: Schema): CheckDef[] => (defOf(schema).checks ?? []).map((c) => c._zod.def);
const patternOf = (check: CheckDef): RegExp | undefined =>
  check.check === "string_format" && check.pattern !== undefined ? (check.pattern instanceof RegExp ? check.pattern : new RegExp(check.pattern)) : undefined;

/** Strings clients get wrong, numbers at the ledger's widths, and the texts that break naive parsers. */
export const AWKWARD_STRINGS = [
  "",
  " ",
  "0",
  "-1",
  "1.5",
  "1e3",
  "1E3",
  "0x1",
  " 1",
  "1 ",
  "01",
  "+1",
  "NaN",
  "Infinity",
  "null",
  "true",
  String(2n ** 40n),
  String(2n ** 48n),
  String(2n ** 53n),
  String(2n ** 53n + 1n),
  String(2n ** 64n),
  "9".repeat(40),
  "张三",
  "🧾",
  "\u0000",
  "\u202e",
  "\ud800",
  "%E0%A4%A",
  "__proto__",
  "constructor",
  "<script>",
  "' OR 1=1 --",
  "a".repeat(10_000),
];
export const AWKWARD_NUMBERS = [-1, 0, 1, 1.5, -0.5, 2 ** 40, 2 ** 48, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e308, -1e308, Number.MIN_VALUE];
const WRONG_TYPES: Value[] = [null, true, false, 0, 1, "x", "", [], {}, [1, 2], { a: 1 }];
const UNKNOWN_KEYS = ["__proto__", "constructor", "prototype", "extra", "state", "seller", "role", "account", "id"];

/** An object with own keys, `__proto__` included (an assignment would set the prototype instead). */
function withKey(base: Record<string, Value>, key: string, value: Value): Record<string, Value> {
  const copy: Record<string, Value> = {};
  for (const [k, v] of Object.entries(base)) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
function withoutKey(base: Record<string, Value>, key: string): Record<string, Value> {
  const copy = withKey(base, "\u0000placeholder", undefined);
  delete copy["\u0000placeholder"];
  delete copy[key];
  return copy;
}
const show = (value: Value): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : typeof value === "symbol" ? "(absent)" : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/** Boundary and awkward values for one schema node, derived from its checks. */
export function boundaryValues(schema: Schema): Value[] {
  const def = defOf(schema);
  const checks = checksOf(schema);
  switch (def.type) {
    case "string": {
      const out: Value[] = [...AWKWARD_STRINGS];
      for (const c of checks) {
        if (c.check === "min_length" && c.minimum !== undefined) out.push("a".repeat(Math.max(0, c.minimum - 1)), "a".repeat(c.minimum));
        if (c.check === "max_length" && c.maximum !== undefined) out.push("a".repeat(c.maximum), "a".repeat(c.maximum + 1), "张".repeat(c.maximum + 1));
        const pattern = patternOf(c);
        if (pattern !== undefined) {
          // A valid match with a prefix, a suffix or one character too many: anchors are what regexes forget.
          const sample = fc.sample(fc.stringMatching(pattern), { numRuns: 1, seed: 1 })[0] ?? "";
          out.push(` ${sample}`, `${sample} `, `${sample}\n`, `${sample}${sample.slice(-1)}`, sample.slice(1), sample.toUpperCase(), sample.toLowerCase());
        }
      }
      return out;
    }
    case "number": {
      const out: Value[] = [...AWKWARD_NUMBERS];
      for (const c of checks) {
        if ((c.check === "greater_than" || c.check === "less_than") && typeof c.value === "number") out.push(c.value - 1, c.value, c.value + 1, c.value + 0.5);
      }
      return out;
    }
    case "literal":
      return (def.values ?? []).flatMap((v) => (typeof v === "string" ? [v.toUpperCase(), ` ${v}`, `${v}x`] : typeof v === "number" ? [v + 1, v - 1, String(v)] : [String(v)]));
    case "enum":
      return Object.values(def.entries ?? {}).flatMap((v) => (typeof v === "string" ? [v.toUpperCase(), v.toLowerCase(), ` ${v}`, `${v}s`] : [v + 1, String(v)]));
    case "pipe":
      return boundaryValues(def.in!);
    case "default":
    case "optional":
    case "nullable":
      return boundaryValues(def.innerType!);
    case "union":
      return (def.options ?? []).flatMap(boundaryValues);
    case "array":
      return [[], "x", {}];
    case "object":
      return [[], "x", 1];
    default:
      return [];
  }
}

/** What the schema accepts: structure from the definition, leaves filtered through the leaf itself. */
const built = new WeakMap<Overrides, Map<Schema, Map<string, fc.Arbitrary<Value>>>>();
const NO_OVERRIDES: Overrides = {};

export function validArbitrary(schema: Schema, overrides: Overrides = NO_OVERRIDES, field?: string): fc.Arbitrary<Value> {
  const override = (field === undefined ? undefined : overrides.byField?.[field]) ?? overrides.bySchema?.get(schema);
  if (override !== undefined) return override;
  // Built once per schema and field: mutations rebuild their valid surroundings for every run.
  const bySchema = built.get(overrides) ?? new Map<Schema, Map<string, fc.Arbitrary<Value>>>();
  built.set(overrides, bySchema);
  const byField = bySchema.get(schema) ?? new Map<string, fc.Arbitrary<Value>>();
  bySchema.set(schema, byField);
  const known = byField.get(field ?? "");
  if (known !== undefined) return known;
  const arbitrary = deriveValid(schema, overrides, field);
  byField.set(field ?? "", arbitrary);
  return arbitrary;
}

function deriveValid(schema: Schema, overrides: Overrides, field: string | undefined): fc.Arbitrary<Value> {
  const def = defOf(schema);
  const checks = checksOf(schema);
  const leaf = (candidates: fc.Arbitrary<Value>, what: string) => {
    // A few known-good values for when the candidate is refused (a refinement the structure cannot see).
    const fallback = fc.sample(candidates, { numRuns: 200, seed: 7 }).filter((v) => schema.safeParse(v).success);
    if (fallback.length === 0) throw new Error(`no valid ${what} could be derived for ${field ?? "a field"}: give an override`);
    return fc.tuple(candidates, fc.constantFrom(...fallback.slice(0, 10))).map(([candidate, known]) => (schema.safeParse(candidate).success ? candidate : known));
  };
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      const record: Record<string, fc.Arbitrary<Value>> = {};
      for (const [key, child] of Object.entries(shape)) {
        const childDef = defOf(child);
        record[key] = childDef.type === "optional" || childDef.type === "default" ? fc.option(validArbitrary(childDef.innerType!, overrides, key), { nil: ABSENT, freq: 3 }) : validArbitrary(child, overrides, key);
      }
      return fc.record(record).map((value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== ABSENT)));
    }
    case "array": {
      const min = checks.find((c) => c.check === "min_length")?.minimum ?? 0;
      const max = checks.find((c) => c.check === "max_length")?.maximum ?? min + 3;
      return fc.array(validArbitrary(def.element!, overrides, field), { minLength: min, maxLength: Math.min(max, min + 3) });
    }
    case "string": {
      const pattern = checks.map(patternOf).find((p) => p !== undefined);
      const min = checks.find((c) => c.check === "min_length")?.minimum ?? 0;
      const max = checks.find((c) => c.check === "max_length")?.maximum ?? 64;
      const candidates = pattern !== undefined ? fc.stringMatching(pattern) : fc.string({ unit: "grapheme", minLength: Math.max(min, 1), maxLength: Math.min(max, 40) });
      return leaf(fc.oneof({ arbitrary: candidates, weight: 4 }, fc.constantFrom(...boundaryValues(schema))), "string");
    }
    case "number": {
      const lower = checks.find((c) => c.check === "greater_than")?.value;
      const upper = checks.find((c) => c.check === "less_than")?.value;
      const integer = fc.integer({ min: typeof lower === "number" ? Math.max(lower, -(2 ** 31)) : -(2 ** 31), max: typeof upper === "number" ? Math.min(upper, 2 ** 31) : 2 ** 31 });
      return leaf(fc.oneof({ arbitrary: integer, weight: 4 }, fc.constantFrom(...boundaryValues(schema))), "number");
    }
    case "boolean":
      return fc.boolean();
    case "literal":
      return fc.constantFrom(...(def.values ?? []));
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case "union":
      return fc.oneof(...(def.options ?? []).map((option) => validArbitrary(option, overrides, field)));
    case "pipe": {
      // The client sends the input side; the output side's checks (a bigint maximum, a period's month) filter it.
      const input = validArbitrary(def.in!, overrides, field);
      return leaf(fc.oneof({ arbitrary: input, weight: 4 }, fc.constantFrom(...boundaryValues(schema))), "value");
    }
    case "optional":
    case "default":
    case "nullable":
      return validArbitrary(def.innerType!, overrides, field);
    case "unknown":
    case "any":
      return fc.jsonValue({ maxDepth: 2 });
    default:
      throw new Error(`no arbitrary for a zod ${def.type} (${field ?? "?"}): give an override`);
  }
}

/**
 * A valid value with one node changed: replaced by a boundary value or a wrong type, removed, or given an
 * unknown sibling; at any depth (objects, arrays, line items). The mutation says what was done where.
 */
export function mutatedArbitrary(schema: Schema, overrides: Overrides = NO_OVERRIDES, path = "", field?: string): fc.Arbitrary<Sample> {
  const def = defOf(schema);
  const here = fc.constantFrom(...WRONG_TYPES, ...boundaryValues(schema)).map((value): Sample => ({ value, mutation: `${path || "(root)"} = ${show(value)}` }));
  const valid = () => validArbitrary(schema, overrides, field);
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      const keys = Object.keys(shape);
      if (keys.length === 0) return fc.oneof(here, fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => ({ value: withKey({}, key, value), mutation: `${path}.${key} added` })));
      const inner = (key: string) => {
        const child = shape[key]!;
        const childDef = defOf(child);
        return childDef.type === "optional" || childDef.type === "default" ? childDef.innerType! : child;
      };
      return fc.oneof(
        { arbitrary: here, weight: 1 },
        {
          arbitrary: fc.oneof(
            ...keys.map((key) =>
              fc.tuple(valid(), mutatedArbitrary(inner(key), overrides, path ? `${path}.${key}` : key, key)).map(([base, m]): Sample => ({ value: withKey(base as Record<string, Value>, key, m.value), ...(m.mutation === undefined ? {} : { mutation: m.mutation }) })),
            ),
          ),
          weight: 6,
        },
        { arbitrary: fc.tuple(valid(), fc.constantFrom(...keys)).map(([base, key]): Sample => ({ value: withoutKey(base as Record<string, Value>, key), mutation: `${path ? `${path}.` : ""}${key} removed` })), weight: 2 },
        {
          arbitrary: fc.tuple(valid(), fc.constantFrom(...UNKNOWN_KEYS), fc.jsonValue({ maxDepth: 2 })).map(([base, key, value]): Sample => ({ value: withKey(base as Record<string, Value>, key, value), mutation: `${path ? `${path}.` : ""}${key} added` })),
          weight: 2,
        },
      );
    }
    case "array": {
      const max = checksOf(schema).find((c) => c.check === "max_length")?.maximum;
      return fc.oneof(
        here,
        fc.tuple(valid(), mutatedArbitrary(def.element!, overrides, `${path}.0`, field)).map(([base, m]): Sample => ({ value: [m.value, ...(base as Value[]).slice(1)], ...(m.mutation === undefined ? {} : { mutation: m.mutation }) })),
        fc.constant<Sample>({ value: [], mutation: `${path} = []` }),
        ...(max === undefined || max > 600 ? [] : [fc.tuple(valid(), validArbitrary(def.element!, overrides, field)).map(([base, element]): Sample => ({ value: [...(base as Value[]), ...Array.from({ length: max + 1 - (base as Value[]).length }, () => element)], mutation: `${path} with ${max + 1} elements` }))]),
      );
    }
    case "union":
      return fc.oneof(here, ...(def.options ?? []).map((option) => mutatedArbitrary(option, overrides, path, field)));
    case "optional":
    case "default":
      return fc.oneof(mutatedArbitrary(def.innerType!, overrides, path, field), fc.constant<Sample>({ value: ABSENT, mutation: `${path} absent` }));
    case "pipe":
      return def.in !== undefined && ["object", "array"].includes(defOf(def.in).type) ? mutatedArbitrary(def.in, overrides, path, field) : here;
    default:
      return here;
  }
}

/** Valid values (weighted) and mutated ones, each with its mutation (if any). */
export function sampleArbitrary(schema: Schema, overrides: Overrides = NO_OVERRIDES, validWeight = 1, mutatedWeight = 2): fc.Arbitrary<Sample> {
  return fc.oneof(
    { arbitrary: validArbitrary(schema, overrides).map((value): Sample => ({ value })), weight: validWeight },
    { arbitrary: mutatedArbitrary(schema, overrides), weight: mutatedWeight },
  );
}

/** Drops ABSENT markers (a removed field) the way JSON.stringify would drop undefined. */
export function strip(value: Value): Value {
  if (value === ABSENT) return undefined;
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(value)) if (v !== ABSENT) Object.defineProperty(out, k, { value: strip(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
