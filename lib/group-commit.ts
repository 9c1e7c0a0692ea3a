/**
 * Group commit sized by load: items submitted concurrently are handed to `commit` in groups. A group leaves as
 * soon as a slot is free (at most `inFlight` groups are being committed at once), with everything that arrived
 * meanwhile, up to `maxGroup`. An idle committer takes an item after the current turn of the event loop (so
 * items submitted together leave together); under load, items collect while groups are committing, so the
 * groups grow with the load and no timer adds latency. `commit` settles each item of its group (resolve or
 * reject) and is never given an empty group.
 */
export interface GroupItem<T, R> {
  value: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  private readonly waiting: GroupItem<T, R>[] = [];
  private inFlightNow = 0;
  private scheduled = false;

  constructor(
    private readonly commit: (group: GroupItem<T, R>[]) => Promise<void>,
    private readonly options: { maxGroup: number; inFlight: number },
  ) {
    if (!(options.maxGroup >= 1) || !(options.inFlight >= 1)) throw new RangeError("maxGroup and inFlight must be at least 1");
  }

  submit(value: T): Promise<R> {
    const result = new Promise<R>((resolve, reject) => this.waiting.push({ value, resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
    return result;
  }

  private pump(): void {
    while (this.inFlightNow < this.options.inFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxGroup);
      this.inFlightNow += 1;
      this.commit(group)
        .catch((error: unknown) => {
          // commit settles its items; one that threw before doing so fails them rather than leave them waiting.
          for (const item of group) item.reject(error);
        })
        .finally(() => {
          this.inFlightNow -= 1;
          this.pump();
        });
    }
  }
}
