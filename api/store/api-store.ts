import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";

import { Level } from "level";

import { writeFileDurably } from "../../lib/durable-file";
import { AckMark } from "./ack-mark";
import { keys } from "./keys";
import { isLevelCorruption, isStorageFault, StorageUnavailableError, StoreCorruptedError } from "./store-errors";

/**
 * The only module that touches the API's LevelDB. Values are JSON. Writes that acknowledge something to a
 * client (`sync: true`) reach the disk before the call returns; batches are atomic.
 *
 * Integrity (what cannot be rebuilt from the chain lives here: documents, salts, claim keys, party keys,
 * participants, API keys):
 * - every value is stored with a checksum of its key and bytes, verified on every read; a mismatch is
 *   STORE_CORRUPTED and the value is never served;
 * - every synced write carries the next write sequence number (`meta:seq`), and once it is on disk the
 *   sequence goes to the acknowledgement mark, a file outside LevelDB (`<path>.ack`). At open, a LevelDB
 *   holding less than the mark lost acknowledged writes (LevelDB drops a damaged or truncated log tail
 *   silently), and so does one whose recovery reported dropped bytes in its LOG: both refuse to open, and
 *   the refusal is recorded (`<path>.damaged`) because LevelDB's recovery makes the loss permanent.
 *
 * Faults: writes go through one queue that groups concurrent writers into one LevelDB batch (one fsync,
 * one mark update). A write that fails for the storage (disk full, quota, I/O error, read-only) is a
 * retryable STORAGE_UNAVAILABLE and acknowledged nothing; LevelDB then refuses every later write, so the
 * store reopens itself every second until a synced probe write succeeds, and `status()` says so meanwhile.
 */
export type StoreOperation = { type: "put"; key: string; value: unknown } | { type: "del"; key: string };

export interface RangeOptions {
  /** Keys strictly after this one (for paging). */
  after?: string;
  limit?: number;
  reverse?: boolean;
}

export interface StoreOpenOptions {
  /** Accept the store as it is: clear a recorded refusal and set the mark to what the store holds (operator's decision after a restore). */
  acceptCurrentState?: boolean;
  /** How often a store that hit a storage fault tries to reopen (ms). */
  recoveryIntervalMs?: number;
  /** Tests only: an error to fail the next LevelDB write with, as if the disk had refused it. */
  writeFault?: () => Error | undefined;
}

export type StorageStatus =
  | { status: "ok" }
  | { status: "unavailable"; code: "STORAGE_UNAVAILABLE"; since: string }
  | { status: "corrupted"; code: "STORE_CORRUPTED"; since: string; reason: string };

const FORMAT = 1;
const CHECKSUM_LENGTH = 16;

const checksumOf = (key: string, json: string) => createHash("sha256").update(key).update("\0").update(json).digest("hex").slice(0, CHECKSUM_LENGTH);

function encodeValue(key: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`store: the value of ${key} is not JSON`);
  return `${checksumOf(key, json)}${json}`;
}

type WriteJob =
  | { kind: "batch"; operations: StoreOperation[]; sync: boolean; resolve(): void; reject(error: unknown): void }
  | { kind: "task"; run(): Promise<void>; resolve(): void; reject(error: unknown): void };

export class ApiStore {
  private queue: WriteJob[] = [];
  private draining = false;
  private health: StorageStatus = { status: "ok" };
  private recoveryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly db: Level<string, string>,
    readonly path: string,
    private readonly mark: AckMark,
    private sequence: number,
    private readonly options: StoreOpenOptions,
  ) {}

  /** Opens the store and checks it against its acknowledgement mark; throws StoreCorruptedError if it lost anything. */
  static async open(path: string, options: StoreOpenOptions = {}): Promise<ApiStore> {
    await mkdir(dirname(path), { recursive: true });
    const markFile = `${path}.ack`;
    const damagedFile = `${path}.damaged`;
    const db = new Level<string, string>(path, { valueEncoding: "utf8" });
    await db.open();
    let mark: AckMark | undefined;
    try {
      const accept = options.acceptCurrentState === true;
      if (existsSync(damagedFile) && !accept) {
        const recorded = JSON.parse(await readFile(damagedFile, "utf8")) as Record<string, unknown>;
        throw new StoreCorruptedError("the API's store was found damaged before and has not been restored", { path, ...recorded });
      }
      const dropped = await droppedByRecovery(path);
      if (dropped.length > 0 && !accept) {
        const details = { reason: "log-records-dropped", detectedAt: new Date().toISOString(), levelDbReport: dropped.slice(0, 5) };
        await writeFileDurably(damagedFile, `${JSON.stringify(details)}\n`);
        throw new StoreCorruptedError("LevelDB dropped damaged records of the API's store while opening it", { path, ...details });
      }
      const format = await readRaw<number>(db, keys.meta.format);
      const stored = (await readRaw<number>(db, keys.meta.sequence)) ?? 0;
      if (!existsSync(markFile)) {
        if (format !== undefined && !accept) throw new StoreCorruptedError("the API store's acknowledgement mark is missing", { path, reason: "ack-mark-missing", markFile });
        if (format === undefined) await migrate(db);
        mark = await AckMark.create(markFile, stored);
      } else {
        const acknowledged = await AckMark.read(markFile);
        if (acknowledged === undefined && !accept) throw new StoreCorruptedError("the API store's acknowledgement mark is unreadable", { path, reason: "ack-mark-unreadable", markFile });
        if (format === undefined && !accept) throw new StoreCorruptedError("the API store lost its format record", { path, reason: "format-missing" });
        if (acknowledged !== undefined && acknowledged > stored && !accept) {
          throw new StoreCorruptedError("the API's store holds fewer writes than it acknowledged", { path, reason: "acknowledged-writes-missing", acknowledged, present: stored });
        }
        mark = accept ? await AckMark.create(markFile, stored) : await AckMark.openExisting(markFile);
      }
      if (accept) await rm(damagedFile, { force: true });
      return new ApiStore(db, path, mark, Math.max(stored, mark.value), options);
    } catch (error) {
      await mark?.close();
      await db.close();
      throw error;
    }
  }

  /** Whether the store can take writes now, and why not. */
  status(): StorageStatus {
    return this.health;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.read(() => this.db.get(key));
    return raw === undefined ? undefined : this.decode<T>(key, raw);
  }

  async getMany<T>(keyList: string[]): Promise<(T | undefined)[]> {
    if (keyList.length === 0) return [];
    const raw = await this.read(() => this.db.getMany(keyList));
    return raw.map((value, i) => (value === undefined ? undefined : this.decode<T>(keyList[i]!, value)));
  }

  /** Whether each key is present, without reading (or checking) the values. */
  async hasMany(keyList: string[]): Promise<boolean[]> {
    if (keyList.length === 0) return [];
    return this.read(() => this.db.hasMany(keyList));
  }

  async put(key: string, value: unknown, options: { sync: boolean } = { sync: true }): Promise<void> {
    await this.batch([{ type: "put", key, value }], options);
  }

  async batch(operations: StoreOperation[], options: { sync: boolean } = { sync: true }): Promise<void> {
    if (operations.length === 0) return;
    await new Promise<void>((resolve, reject) => this.enqueue({ kind: "batch", operations, sync: options.sync, resolve, reject }));
  }

  /** Entries whose key starts with `prefix`, in key order. */
  async range<T>(prefix: string, options: RangeOptions = {}): Promise<{ key: string; value: T }[]> {
    const lower = options.after !== undefined && !options.reverse ? { gt: options.after } : { gte: prefix };
    const upper = options.after !== undefined && options.reverse ? { lt: options.after } : { lt: `${prefix}\xff` };
    return this.read(async () => {
      const entries: { key: string; value: T }[] = [];
      for await (const [key, value] of this.db.iterator({ ...lower, ...upper, reverse: options.reverse ?? false, limit: options.limit ?? -1 })) {
        entries.push({ key, value: this.decode<T>(key, value) });
      }
      return entries;
    });
  }

  /** Deletes every key that starts with `prefix` (used to rebuild the index). */
  async clear(prefix: string): Promise<void> {
    await new Promise<void>((resolve, reject) => this.enqueue({ kind: "task", run: () => this.db.clear({ gte: prefix, lt: `${prefix}\xff` }), resolve, reject }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.recoveryTimer !== undefined) clearTimeout(this.recoveryTimer);
    await new Promise<void>((resolve, reject) => this.enqueue({ kind: "task", run: async () => undefined, resolve, reject })).catch(() => undefined);
    await this.mark.close();
    await this.db.close();
  }

  private decode<T>(key: string, raw: string): T {
    const json = raw.slice(CHECKSUM_LENGTH);
    if (raw.length <= CHECKSUM_LENGTH || checksumOf(key, json) !== raw.slice(0, CHECKSUM_LENGTH)) {
      throw new StoreCorruptedError("a value in the API's store does not match its checksum; it is not served", { key });
    }
    return JSON.parse(json) as T;
  }

  private async read<R>(operation: () => Promise<R>): Promise<R> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof StoreCorruptedError) throw error;
      if (isLevelCorruption(error)) throw new StoreCorruptedError("LevelDB found a damaged block in the API's store", {}, error);
      if (isStorageFault(error)) throw new StorageUnavailableError("the API's storage cannot be read now; retry later", error);
      throw error;
    }
  }

  private enqueue(job: WriteJob): void {
    if (this.closed && job.kind === "batch") {
      job.reject(new StorageUnavailableError("the API's store is closed"));
      return;
    }
    this.queue.push(job);
    if (!this.draining) void this.drain();
  }

  /** Runs queued writes one group at a time: consecutive batches become one LevelDB batch. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const first = this.queue[0]!;
        if (first.kind === "task") {
          this.queue.shift();
          await first.run().then(first.resolve, first.reject);
          continue;
        }
        let end = 0;
        while (end < this.queue.length && this.queue[end]!.kind === "batch") end++;
        const group = this.queue.splice(0, end) as Extract<WriteJob, { kind: "batch" }>[];
        try {
          await this.writeGroup(group);
          for (const job of group) job.resolve();
        } catch (error) {
          for (const job of group) job.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async writeGroup(group: Extract<WriteJob, { kind: "batch" }>[]): Promise<void> {
    if (this.health.status === "corrupted") throw new StoreCorruptedError("the API's store is damaged; it takes no writes", { reason: this.health.reason });
    if (this.health.status === "unavailable") throw new StorageUnavailableError("the API's storage refused a write (disk full or failing); retry later");
    const sync = group.some((job) => job.sync);
    const sequence = sync ? this.sequence + 1 : this.sequence;
    const operations = group.flatMap((job) => job.operations).map((op) => (op.type === "put" ? { type: "put" as const, key: op.key, value: encodeValue(op.key, op.value) } : op));
    if (sync) operations.push({ type: "put", key: keys.meta.sequence, value: encodeValue(keys.meta.sequence, sequence) });
    try {
      const fault = this.options.writeFault?.();
      if (fault !== undefined) throw fault;
      await this.db.batch(operations, { sync });
      if (sync) {
        this.sequence = sequence;
        await this.mark.write(sequence);
      }
    } catch (error) {
      if (!isStorageFault(error)) throw error;
      this.becomeUnavailable();
      throw new StorageUnavailableError("the API's storage refused a write (disk full or failing); nothing was acknowledged, retry later", error);
    }
  }

  private becomeUnavailable(): void {
    if (this.health.status !== "ok") return;
    this.health = { status: "unavailable", code: "STORAGE_UNAVAILABLE", since: new Date().toISOString() };
    this.scheduleRecovery();
  }

  private scheduleRecovery(): void {
    if (this.closed) return;
    this.recoveryTimer = setTimeout(() => {
      this.recoveryTimer = undefined;
      this.enqueue({ kind: "task", run: () => this.recover(), resolve: () => undefined, reject: () => undefined });
    }, this.options.recoveryIntervalMs ?? 1_000);
    this.recoveryTimer.unref();
  }

  /** Reopens LevelDB (it refuses every write after a failed one) and proves the disk takes a synced write again. */
  private async recover(): Promise<void> {
    if (this.closed || this.health.status !== "unavailable") return;
    try {
      const fault = this.options.writeFault?.();
      if (fault !== undefined) throw fault;
      await this.db.close();
      await this.db.open();
      const dropped = await droppedByRecovery(this.path);
      if (dropped.length > 0) {
        const details = { reason: "log-records-dropped", detectedAt: new Date().toISOString(), levelDbReport: dropped.slice(0, 5) };
        this.health = { status: "corrupted", code: "STORE_CORRUPTED", since: details.detectedAt, reason: details.reason };
        await writeFileDurably(`${this.path}.damaged`, `${JSON.stringify(details)}\n`).catch(() => undefined);
        return;
      }
      const stored = (await readRaw<number>(this.db, keys.meta.sequence)) ?? 0;
      this.sequence = Math.max(this.sequence, stored);
      await this.db.put(keys.meta.probe, encodeValue(keys.meta.probe, new Date().toISOString()), { sync: true });
      this.health = { status: "ok" };
    } catch {
      this.scheduleRecovery();
    }
  }
}

async function readRaw<T>(db: Level<string, string>, key: string): Promise<T | undefined> {
  const raw = await db.get(key);
  if (raw === undefined) return undefined;
  const json = raw.slice(CHECKSUM_LENGTH);
  if (checksumOf(key, json) !== raw.slice(0, CHECKSUM_LENGTH)) throw new StoreCorruptedError("a value in the API's store does not match its checksum", { key });
  return JSON.parse(json) as T;
}

/**
 * LevelDB's own account of the recovery it just did: with paranoid checks off (classic-level cannot turn
 * them on), a log record that fails its CRC is dropped and reported only in the LOG file of this open.
 */
async function droppedByRecovery(path: string): Promise<string[]> {
  const log = await readFile(`${path}/LOG`, "utf8").catch(() => "");
  return log.split("\n").filter((line) => /dropping \d+ bytes|Corruption:/.test(line));
}

/** A store written before values carried checksums (plain JSON): every value is rewritten with its checksum. */
async function migrate(db: Level<string, string>): Promise<void> {
  let batch: { type: "put"; key: string; value: string }[] = [];
  for await (const [key, value] of db.iterator()) {
    batch.push({ type: "put", key, value: `${checksumOf(key, value)}${value}` });
    if (batch.length >= 1_000) {
      await db.batch(batch, { sync: false });
      batch = [];
    }
  }
  batch.push({ type: "put", key: keys.meta.format, value: encodeValue(keys.meta.format, FORMAT) });
  await db.batch(batch, { sync: true });
}
