import type { z } from "zod";

import { ApiError } from "../errors";

/** Parses raw input with a strict schema; a refusal names each field and why (400 VALIDATION_FAILED). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "params" | "headers"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ in: where, path: issue.path.map(String).join("."), message: issue.message }));
  const first = issues[0];
  const message = first === undefined ? `invalid ${where}` : `${where}${first.path ? `.${first.path}` : ""}: ${first.message}`;
  throw new ApiError(400, "VALIDATION_FAILED", message, { issues });
}
