import type { z } from "zod";

import { ApiError } from "../errors";

/** How deeply any input (body, query) may nest: our documents need 4 levels; recursion over deeper input is a crash waiting. */
export const MAX_INPUT_DEPTH = 32;

/** The path to the first value nested deeper than `maxDepth`, or undefined. Iterative: input depth cannot exhaust the stack. */
export function tooDeep(value: unknown, maxDepth = MAX_INPUT_DEPTH): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (path.length >= maxDepth) return path;
    if (Array.isArray(node)) node.forEach((child, i) => stack.push({ value: child, path: [...path, i] }));
    else for (const [key, child] of Object.entries(node)) stack.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

/**
 * Parses raw input with a strict schema; a refusal names each field and why (400 VALIDATION_FAILED), with
 * `in` (body, query, params, headers) and `path` (e.g. items.0.unitPrice) per issue. Input nested deeper
 * than MAX_INPUT_DEPTH is refused before any schema (or later, canonical JSON) recurses into it.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "params" | "headers"): z.output<S> {
  const deep = tooDeep(value);
  if (deep !== undefined) {
    const path = deep.map(String).join(".");
    throw new ApiError(400, "VALIDATION_FAILED", `${where}.${path}: nested deeper than ${MAX_INPUT_DEPTH} levels`, { issues: [{ in: where, path, message: `nested deeper than ${MAX_INPUT_DEPTH} levels` }] });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ in: where, path: issue.path.map(String).join("."), message: issue.message }));
  const first = issues[0];
  const message = first === undefined ? `invalid ${where}` : `${where}${first.path ? `.${first.path}` : ""}: ${first.message}`;
  throw new ApiError(400, "VALIDATION_FAILED", message, { issues });
}
