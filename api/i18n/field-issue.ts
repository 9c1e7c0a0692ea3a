/**
 * One refused field of a request, as `details.issues[]` of a 400 carries it: where (`in`, `path`), what is
 * wrong in English as the schema words it (`message`, the same in every language), and, language-neutral, the
 * kind of problem (`code`, zod's issue code) with its parameters, from which each catalogue says it in its
 * own words. Nothing of the input itself is kept, only the type it had (`received`).
 */
export type IssueLocation = "body" | "query" | "params" | "headers";

export interface FieldIssue {
  in: IssueLocation;
  /** Dot-separated path inside `in`, e.g. `items.0.tax`; empty for the whole body or query. */
  path: string;
  message: string;
  code?: string;
  expected?: string;
  received?: string;
  origin?: string;
  minimum?: number | string;
  maximum?: number | string;
  inclusive?: boolean;
  format?: string;
  divisor?: number | string;
  keys?: string[];
  values?: (string | number | boolean | null)[];
}

/** Whether `value` has the shape of a FieldIssue (details come back from JSON in a client). */
export function isFieldIssue(value: unknown): value is FieldIssue {
  if (typeof value !== "object" || value === null) return false;
  const issue = value as Record<string, unknown>;
  return typeof issue.in === "string" && typeof issue.path === "string" && typeof issue.message === "string";
}
