/**
 * Many readers or one writer. The sealer writes (mines a block and journals it); every client read
 * takes the read side, so that no client ever sees a block before it is durable.
 */
export class ReadWriteLock {
  private readers = 0;
  private writing = false;
  private waiting: (() => void)[] = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writing) await this.wait();
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.wake();
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writing) await this.wait();
    this.writing = true; // new readers wait from here on
    try {
      while (this.readers > 0) await this.wait();
      return await fn();
    } finally {
      this.writing = false;
      this.wake();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
