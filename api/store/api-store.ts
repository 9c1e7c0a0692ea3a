import { Level } from "level";

/**
 * The only module that touches the API's LevelDB. Values are JSON. Writes that acknowledge something to a
 * client (`sync: true`) reach the disk before the call returns; batches are atomic.
 */
export type StoreOperation = { type: "put"; key: string; value: unknown } | { type: "del"; key: string };

export interface RangeOptions {
  /** Keys strictly after this one (for paging). */
  after?: string;
  limit?: number;
  reverse?: boolean;
}

export class ApiStore {
  private constructor(private readonly db: Level<string, unknown>) {}

  static async open(path: string): Promise<ApiStore> {
    const db = new Level<string, unknown>(path, { valueEncoding: "json" });
    await db.open();
    return new ApiStore(db);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.db.get(key)) as T | undefined;
  }

  async getMany<T>(keyList: string[]): Promise<(T | undefined)[]> {
    if (keyList.length === 0) return [];
    return (await this.db.getMany(keyList)) as (T | undefined)[];
  }

  async put(key: string, value: unknown, options: { sync: boolean } = { sync: true }): Promise<void> {
    await this.db.put(key, value, { sync: options.sync });
  }

  async batch(operations: StoreOperation[], options: { sync: boolean } = { sync: true }): Promise<void> {
    if (operations.length === 0) return;
    await this.db.batch(operations, { sync: options.sync });
  }

  /** Entries whose key starts with `prefix`, in key order. */
  async range<T>(prefix: string, options: RangeOptions = {}): Promise<{ key: string; value: T }[]> {
    const lower = options.after !== undefined && !options.reverse ? { gt: options.after } : { gte: prefix };
    const upper = options.after !== undefined && options.reverse ? { lt: options.after } : { lt: `${prefix}\xff` };
    const entries: { key: string; value: T }[] = [];
    for await (const [key, value] of this.db.iterator({ ...lower, ...upper, reverse: options.reverse ?? false, limit: options.limit ?? -1 })) {
      entries.push({ key, value: value as T });
    }
    return entries;
  }

  /** Deletes every key that starts with `prefix` (used to rebuild the index). */
  async clear(prefix: string): Promise<void> {
    await this.db.clear({ gte: prefix, lt: `${prefix}\xff` });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
