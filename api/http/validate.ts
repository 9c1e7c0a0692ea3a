import type { z } from "zod";

import { ApiError } from "../errors";

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

/**
 * Parses raw input with a strict schema; a refusal names each field and why (400 VALIDATION_FAILED), with
 * `in` (body, query, params, headers) and `path` (e.g. items.0.unitPrice) per issue. Input nested deeper
 * than MAX_INPUT_DEPTH, or holding a NUL character anywhere, is refused before any schema (or later,
 * canonical JSON, or the database) sees it.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "params" | "headers"): z.output<S> {
  const problem = unacceptable(value);
  if (problem !== undefined) {
    const path = problem.path.map(String).join(".");
    throw new ApiError(400, "VALIDATION_FAILED", `${where}${path ? `.${path}` : ""}: ${problem.reason}`, { issues: [{ in: where, path, message: problem.reason }] });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ in: where, path: issue.path.map(String).join("."), message: issue.message }));
  const first = issues[0];
  const message = first === undefined ? `invalid ${where}` : `${where}${first.path ? `.${first.path}` : ""}: ${first.message}`;
  throw new ApiError(400, "VALIDATION_FAILED", message, { issues });
}
