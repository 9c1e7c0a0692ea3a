/** PostgreSQL's unique_violation: an insert or update that a primary key or unique constraint refused. */
const UNIQUE_VIOLATION = "23505";

/** Whether `error` is a unique violation, optionally of the named constraint (e.g. `taxpayer_accounts_pkey`). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: violated } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && (constraint === undefined || violated === constraint);
}
