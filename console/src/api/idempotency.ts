/**
 * A fresh Idempotency-Key for one write a person means (a claim, a reimbursement, a registration): drawn once
 * per intent, so a double click or a retry after a lost answer sends the same key and the API does the step
 * once. crypto.getRandomValues works outside secure contexts too (a phone on the office network over plain
 * http), unlike randomUUID. `purpose` (letters, digits, -) only helps a person reading the API's logs.
 */
export function newIdempotencyKey(purpose?: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return purpose === undefined ? `console-${hex}` : `console-${purpose.replace(/[^A-Za-z0-9-]/g, "-")}-${hex}`;
}
