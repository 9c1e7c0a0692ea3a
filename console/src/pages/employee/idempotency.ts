/**
 * A fresh Idempotency-Key for one intended write (a claim, a submission): drawn once per intent, so a double
 * tap or a retry after a lost answer sends the same key and the API does the step once. crypto.getRandomValues
 * works outside secure contexts too (a phone on the office network over plain http), unlike randomUUID.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
