import { existsSync, readFileSync } from "node:fs";

/** The lines of a transaction stream's acknowledgement file (fixtures/transaction-stream.ts): one per acknowledged transaction. */
export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l.length > 0) : [];
}

/** Waits until `condition` holds, at most `ms`; the failure says what `context` tells (e.g. the stream's stderr). */
export async function waitUntil(condition: () => boolean, ms: number, context: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; stream said: ${context().slice(-2_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
