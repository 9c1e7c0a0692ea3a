import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";

import { CliError, EXIT } from "./exit-codes";

/**
 * What a run of `einvoice issue` has had issued, in a file beside the orders file (`<orders>.einvoice-progress`),
 * so that a run killed at any moment resumes where it stopped: one JSON line per issued invoice, appended and
 * synced after each batch is answered. A line torn by a kill is dropped on reading; an invoice whose line was
 * lost is sent again, and the API answers with the same invoice (its reference makes the reissue safe). An
 * entry counts only for the same contents (a changed order is sent again, and the API says whether its
 * reference was used for other contents) and for the API and merchant the file was started with.
 */
const FORMAT = "einvoice-issue-progress@1";

export interface IssuedEntry {
  reference: string;
  fingerprint: string;
  id: string;
  number: string;
}

export interface IssueProgress {
  readonly path: string;
  /** Issued before, by reference. */
  readonly issued: ReadonlyMap<string, IssuedEntry>;
  record(entries: IssuedEntry[]): void;
  close(): void;
}

/** The fingerprint of an invoice's contents as sent. */
export function fingerprintOf(body: unknown): string {
  return createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 32);
}

export function progressPathFor(ordersPath: string): string {
  return `${ordersPath}.einvoice-progress`;
}

export function openIssueProgress(path: string, owner: { api: string; key: string }, options: { restart?: boolean } = {}): IssueProgress {
  // The key is identified by a digest only: the file never holds a secret.
  const header = { format: FORMAT, api: owner.api, key: createHash("sha256").update(owner.key).digest("hex").slice(0, 16) };
  if (options.restart === true) rmSync(path, { force: true });
  const issued = new Map<string, IssuedEntry>();
  let tornTail = false;
  const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  // Not even the header line was written whole: nothing was issued through this file yet.
  const fresh = existing === undefined || !existing.includes("\n");
  if (!fresh) {
    const text = existing;
    const lines = text.split("\n");
    tornTail = text.length > 0 && !text.endsWith("\n");
    const first = lines[0] === undefined ? undefined : (safeParse(lines[0]) as typeof header | undefined);
    if (first?.format !== FORMAT) throw new CliError(EXIT.USAGE, "PROGRESS_FILE_UNREADABLE", `${path} is not a progress file of einvoice issue: move it away, or pass --restart`);
    if (first.api !== header.api || first.key !== header.key) {
      throw new CliError(EXIT.USAGE, "PROGRESS_OF_ANOTHER_API", `${path} records a run against another API or with another key: pass --restart to start over (references keep a rerun safe)`, { api: first.api });
    }
    for (const line of lines.slice(1)) {
      const entry = safeParse(line) as IssuedEntry | undefined;
      if (entry !== undefined && typeof entry.reference === "string" && typeof entry.fingerprint === "string") issued.set(entry.reference, entry);
    }
  }
  const fd = openSync(path, fresh ? "w" : "a");
  const write = (text: string) => {
    writeSync(fd, text);
    fsyncSync(fd);
  };
  if (fresh) write(`${JSON.stringify(header)}\n`);
  // A line a kill tore is ended, so that the next one starts on its own line.
  if (tornTail) write("\n");
  return {
    path,
    issued,
    record(entries) {
      if (entries.length === 0) return;
      write(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
      for (const entry of entries) issued.set(entry.reference, entry);
    },
    close() {
      closeSync(fd);
    },
  };
}

function safeParse(line: string): unknown {
  try {
    return line === "" ? undefined : JSON.parse(line);
  } catch {
    return undefined;
  }
}
