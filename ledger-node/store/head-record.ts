import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { writeFileDurably } from "../../lib/durable-file";
import { StoreCorruptedError } from "../errors";

/** The newest block the node ever acknowledged: a block is visible to clients only once this names it (or a later one). */
export interface AcknowledgedHead {
  number: number;
  hash: string;
}

const FORMAT = 1;

/**
 * An independent record of the acknowledged head, outside LevelDB: `<dataDir>/chain-head`.
 *
 * LevelDB recovers a damaged log by dropping its damaged tail without an error (classic-level does not pass
 * LevelDB's `paranoid_checks`), so a flipped byte in the newest `.log` made the node start at an earlier head
 * and issue acknowledged invoice numbers again. This file is written after each block is journaled and
 * before any client can see the block, durably and atomically (lib/durable-file.ts): the record is either
 * the old or the new head, never half.
 * Its checksum catches a damaged record. At start a journal that ends below the record is refused.
 */
export class HeadRecord {
  private constructor(readonly file: string) {}

  static at(dataDir: string): HeadRecord {
    return new HeadRecord(join(dataDir, "chain-head"));
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  /** The recorded head; throws STORE_CORRUPTED when the record is unreadable or its checksum is wrong. */
  async read(): Promise<AcknowledgedHead> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.file, "utf8"));
    } catch (error) {
      throw new StoreCorruptedError(`the record of the acknowledged head (${this.file}) cannot be read`, { file: this.file }, { cause: error });
    }
    const { format, number, hash, checksum } = (parsed ?? {}) as { format?: unknown; number?: unknown; hash?: unknown; checksum?: unknown };
    if (format !== FORMAT || typeof number !== "number" || !Number.isSafeInteger(number) || number < 0 || typeof hash !== "string" || checksum !== checksumOf(number, hash)) {
      throw new StoreCorruptedError(`the record of the acknowledged head (${this.file}) is damaged: its checksum does not match`, { file: this.file });
    }
    return { number, hash };
  }

  /** Replaces the record durably and atomically. */
  async write(head: AcknowledgedHead): Promise<void> {
    await writeFileDurably(this.file, `${JSON.stringify({ format: FORMAT, number: head.number, hash: head.hash, checksum: checksumOf(head.number, head.hash) })}\n`);
  }
}

function checksumOf(number: number, hash: string): string {
  return createHash("sha256").update(`chain-head:${FORMAT}:${number}:${hash.toLowerCase()}`).digest("hex");
}
