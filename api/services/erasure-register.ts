import { existsSync } from "node:fs";
import { mkdir, open, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { syncDirectory } from "../../lib/durable-file";
import type { Erasure } from "../db/erasures";

/**
 * The erasure register: every erasure the bureau made, one JSON line each (the invoice's id, when, by which
 * bureau account, on what basis, for which request: ids, times and short codes, nothing personal), appended and
 * fsynced before the erasure is done in the database, in a 0600 file beside the master key in the API's data
 * directory (`<dataDir>/erasures.register`).
 *
 * It exists for backups. A backup taken before an erasure holds the document's data key (sealed under the master
 * key) and its salt; restored, it would bring the person's data back. The register, like the master key, is in
 * no backup and no restore replaces it, and the API applies it at every start before serving (and
 * `npm run restore` right after loading the database): each listed erasure is done again wherever the database
 * does not hold it. Lines are only ever appended; a line a crash cut short (the last, without its newline) was
 * never acknowledged and is skipped.
 */
export const REGISTER_FILE = "erasures.register";

export const registerFile = (dataDir: string) => join(dataDir, REGISTER_FILE);

const ID = /^0x[0-9a-f]{64}$/;

function parseLine(line: string): Erasure | undefined {
  try {
    const entry = JSON.parse(line) as Partial<Record<"id" | "at" | "by" | "basis" | "ref", unknown>>;
    if (typeof entry.id !== "string" || !ID.test(entry.id) || typeof entry.at !== "string" || typeof entry.by !== "string" || typeof entry.basis !== "string" || typeof entry.ref !== "string") return undefined;
    return { id: entry.id, erasedAt: entry.at, erasedBy: entry.by, basis: entry.basis, requestReference: entry.ref };
  } catch {
    return undefined;
  }
}

const lineOf = (erasure: Erasure) => `${JSON.stringify({ id: erasure.id.toLowerCase(), at: erasure.erasedAt, by: erasure.erasedBy.toLowerCase(), basis: erasure.basis, ref: erasure.requestReference })}\n`;

export class ErasureRegister {
  /** Appends one at a time, so that lines never interleave. */
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly listed: Map<string, Erasure>,
    /** Whether the file ends in the middle of a line (a torn append), to be ended before the next line. */
    private torn: boolean,
  ) {}

  /** Reads the register (none yet: empty). A damaged line other than a torn last one stops the start: the register is what keeps erasures erased. */
  static async open(file: string): Promise<ErasureRegister> {
    if (!existsSync(file)) return new ErasureRegister(file, new Map(), false);
    const text = await readFile(file, "utf8");
    const lines = text.split("\n");
    const torn = !text.endsWith("\n") && text.length > 0;
    const listed = new Map<string, Erasure>();
    lines.forEach((line, i) => {
      if (line === "") return;
      const entry = parseLine(line);
      if (entry === undefined) {
        if (torn && i === lines.length - 1) return;
        throw new Error(`${file}, line ${i + 1}: not an erasure; the register is append-only and must not be edited`);
      }
      if (!listed.has(entry.id)) listed.set(entry.id, entry);
    });
    return new ErasureRegister(file, listed, torn);
  }

  entries(): Erasure[] {
    return [...this.listed.values()];
  }

  has(id: string): boolean {
    return this.listed.has(id.toLowerCase());
  }

  get(id: string): Erasure | undefined {
    return this.listed.get(id.toLowerCase());
  }

  /** Appends these erasures (those not listed yet) and syncs the file, creating it (0600) and syncing its directory the first time. */
  async append(erasures: readonly Erasure[]): Promise<void> {
    const append = async () => {
      const fresh = erasures.filter((erasure, i) => !this.listed.has(erasure.id.toLowerCase()) && erasures.findIndex((e) => e.id.toLowerCase() === erasure.id.toLowerCase()) === i);
      if (fresh.length === 0) return;
      const created = !existsSync(this.file);
      if (created) await mkdir(dirname(this.file), { recursive: true });
      const handle = await open(this.file, "a", 0o600);
      try {
        await handle.write(`${this.torn ? "\n" : ""}${fresh.map(lineOf).join("")}`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.torn = false;
      if (created) await syncDirectory(dirname(this.file));
      for (const erasure of fresh) this.listed.set(erasure.id.toLowerCase(), { ...erasure, id: erasure.id.toLowerCase() });
    };
    const done = this.tail.then(append);
    this.tail = done.catch(() => undefined);
    return done;
  }
}
