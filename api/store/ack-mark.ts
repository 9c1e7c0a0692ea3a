import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";

import { writeFileDurably } from "../../lib/durable-file";

/**
 * The acknowledgement mark: the highest write sequence number the store ever acknowledged, kept outside
 * LevelDB so that a LevelDB that lost the tail of its log (it drops a damaged or truncated tail silently)
 * cannot pass for a shorter valid history. Two fixed 32-byte slots written alternately, each with its own
 * checksum, each write followed by fdatasync: a torn write spoils at most the slot being written, and the
 * other still holds the previous mark. Updated in place, so it never needs new blocks on a full disk.
 */
const SLOT = 32;
const MAGIC = Buffer.from("EILACK01");

function slotBytes(sequence: number): Buffer {
  const slot = Buffer.alloc(SLOT);
  MAGIC.copy(slot, 0);
  slot.writeBigUInt64BE(BigInt(sequence), 8);
  createHash("sha256").update(slot.subarray(0, 16)).digest().copy(slot, 16, 0, 16);
  return slot;
}

function readSlot(slot: Buffer): number | undefined {
  if (slot.length !== SLOT || !slot.subarray(0, 8).equals(MAGIC)) return undefined;
  const sum = createHash("sha256").update(slot.subarray(0, 16)).digest().subarray(0, 16);
  return sum.equals(slot.subarray(16, 32)) ? Number(slot.readBigUInt64BE(8)) : undefined;
}

export class AckMark {
  private slot = 0;

  private constructor(
    private readonly handle: FileHandle,
    private current: number,
  ) {}

  /** Creates the file (durably) holding `sequence`. */
  static async create(path: string, sequence: number): Promise<AckMark> {
    await writeFileDurably(path, Buffer.concat([slotBytes(sequence), slotBytes(sequence)]));
    return new AckMark(await open(path, "r+"), sequence);
  }

  /** The mark in the file; undefined when neither slot is valid. */
  static async read(path: string): Promise<number | undefined> {
    const handle = await open(path, "r");
    try {
      const bytes = Buffer.alloc(2 * SLOT);
      const { bytesRead } = await handle.read(bytes, 0, 2 * SLOT, 0);
      const values = [readSlot(bytes.subarray(0, Math.min(SLOT, bytesRead))), bytesRead >= 2 * SLOT ? readSlot(bytes.subarray(SLOT, 2 * SLOT)) : undefined].filter((v): v is number => v !== undefined);
      return values.length === 0 ? undefined : Math.max(...values);
    } finally {
      await handle.close();
    }
  }

  static async openExisting(path: string): Promise<AckMark> {
    const value = await AckMark.read(path);
    if (value === undefined) throw new Error(`${path}: no valid acknowledgement mark`);
    return new AckMark(await open(path, "r+"), value);
  }

  get value(): number {
    return this.current;
  }

  /** Records `sequence` (never lowers the mark); resolves once it is on the disk. */
  async write(sequence: number): Promise<void> {
    if (sequence <= this.current) return;
    this.slot ^= 1;
    await this.handle.write(slotBytes(sequence), 0, SLOT, this.slot * SLOT);
    await this.handle.datasync();
    this.current = sequence;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
