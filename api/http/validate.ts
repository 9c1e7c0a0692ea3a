import type { z } from "zod";

import { ApiError } from "../errors";
import type { FieldIssue, IssueLocation } from "../i18n/field-issue";

/** How deeply any input (body, query) may nest: our documents need 4 levels; recursion over deeper input is a crash waiting. */
export const MAX_INPUT_DEPTH = 32;

/**
 * The first value no field accepts, with why: nested deeper than `maxDepth`, or a string (or key) holding a NUL
 * character, which no text can carry (PostgreSQL's text refuses it, and no name, reference or label needs it).
 * Iterative: input depth cannot exhaust the stack.
 */
export function unacceptable(value: unknown, maxDepth = MAX_INPUT_DEPTH): { path: (string | number)[]; reason: string } | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node === "string") {
      if (node.includes("\u0000")) return { path, reason: "contains a NUL character (U+0000), which no text field accepts" };
      continue;
    }
    if (typeof node !== "object" || node === null) continue;
    if (path.length >= maxDepth) return { path, reason: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(node)) node.forEach((child, i) => stack.push({ value: child, path: [...path, i] }));
    else {
      for (const [key, child] of Object.entries(node)) {
        if (key.includes("\u0000")) return { path: [...path, key], reason: "a field name contains a NUL character (U+0000)" };
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** The type of a refused value, in zod's words ("undefined" for a missing field), so that a catalogue can say it without the value. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isNaN(value)) return "nan";
  return typeof value;
}

const scalar = (value: unknown): number | string | undefined => (typeof value === "bigint" ? value.toString() : typeof value === "number" || typeof value === "string" ? value : undefined);
const primitives = (values: unknown): (string | number | boolean | null)[] | undefined =>
  Array.isArray(values) ? values.map((value) => (typeof value === "bigint" ? value.toString() : value === undefined ? null : (value as string | number | boolean | null))) : undefined;

/**
 * One zod issue as `details.issues[]` carries it (api/i18n/field-issue.ts): where, the English message as the
 * schema or zod words it, and the issue's code and parameters from which each catalogue words it again. Of the
 * input only its type is kept (`received`, for a wrong type): never the value, which may be a claim code.
 */
export function fieldIssueOf(where: IssueLocation, issue: z.core.$ZodIssue): FieldIssue {
  const raw = issue as unknown as Record<string, unknown>;
  const fields: { [K in keyof FieldIssue]?: FieldIssue[K] | undefined } = {
    code: issue.code,
    expected: typeof raw.expected === "string" ? raw.expected : undefined,
    received: issue.code === "invalid_type" ? typeOf(raw.input) : undefined,
    origin: typeof raw.origin === "string" ? raw.origin : undefined,
    minimum: scalar(raw.minimum),
    maximum: scalar(raw.maximum),
    inclusive: typeof raw.inclusive === "boolean" ? raw.inclusive : undefined,
    format: typeof raw.format === "string" ? raw.format : undefined,
    divisor: scalar(raw.divisor),
    keys: Array.isArray(raw.keys) ? raw.keys.map(String) : undefined,
    values: primitives(raw.values ?? raw.options),
  };
  return {
    in: where,
    path: issue.path.map(String).join("."),
    message: issue.message,
    ...(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<FieldIssue>),
  };
}

/**
 * Parses raw input with a strict schema; a refusal names each field and why (400 VALIDATION_FAILED), with
 * `in` (body, query, params, headers) and `path` (e.g. items.0.unitPrice) per issue, and what each catalogue
 * needs to say why in its language (fieldIssueOf). Input nested deeper than MAX_INPUT_DEPTH, or holding a NUL
 * character anywhere, is refused before any schema (or later, canonical JSON, or the database) sees it.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: IssueLocation): z.output<S> {
  const problem = unacceptable(value);
  if (problem !== undefined) {
    const path = problem.path.map(String).join(".");
    const issue: FieldIssue = { in: where, path, message: problem.reason, code: "custom" };
    throw new ApiError(400, "VALIDATION_FAILED", `${where}${path ? `.${path}` : ""}: ${problem.reason}`, { issues: [issue] });
  }
  // reportInput: the type of a wrong value (fieldIssueOf keeps nothing more of it).
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => fieldIssueOf(where, issue));
  const first = issues[0];
  const message = first === undefined ? `invalid ${where}` : `${where}${first.path ? `.${first.path}` : ""}: ${first.message}`;
  throw new ApiError(400, "VALIDATION_FAILED", message, { issues });
}
