/**
 * Serialises work per key: whoever holds a key runs alone on it, later arrivals wait in order. A piece of
 * work may hold several keys (a batch request holds every reference it issues); all of its keys are taken
 * at once, synchronously, so two holders can never wait for each other.
 *
 * This is what makes a merchant's reference one execution: the first request for a reference seals the
 * document, salt and claim code and sends them; a concurrent duplicate waits, then finds them stored and
 * answers with the same invoice. It guards one API process, which is the only writer of the API's store.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const held = [...new Set(keys)];
    const before = held.map((key) => this.tails.get(key));
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const key of held) this.tails.set(key, mine);
    try {
      await Promise.all(before);
      return await work();
    } finally {
      release();
      for (const key of held) if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }

  /** Keys held or waited for now (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
