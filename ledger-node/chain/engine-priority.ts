import type { EngineCall, EvmEngine } from "./evm-engine";

/**
 * Who goes first on the engine, which executes one request at a time: a block being mined (every client with a
 * transaction in it waits for it) before the snapshot's tracing (nobody waits for it). Work in the background
 * waits, before each request it hands to the engine, until no urgent work is under way; urgent work never waits
 * for the background beyond the one request the engine is executing.
 */
export class EnginePriority {
  private urgent = 0;
  private waiting: (() => void)[] = [];

  /** Runs `work` as urgent: no background request starts meanwhile. */
  async urgently<T>(work: () => Promise<T>): Promise<T> {
    this.urgent++;
    try {
      return await work();
    } finally {
      if (--this.urgent === 0) {
        const waiting = this.waiting;
        this.waiting = [];
        for (const resume of waiting) resume();
      }
    }
  }

  /** Urgent work is under way. */
  get busy(): boolean {
    return this.urgent > 0;
  }

  /** Resolves once no urgent work is under way (at once when none is). */
  async whenIdle(): Promise<void> {
    while (this.urgent > 0) await new Promise<void>((resume) => this.waiting.push(resume));
  }
}

/**
 * `engine` with every request urgent: for whoever applies blocks others wait for (the start's replay, before the
 * node serves; a standby's follower), so that the snapshot's tracing of the blocks already applied comes after.
 */
export function urgentEngine(engine: EvmEngine, priority: EnginePriority): EvmEngine {
  return {
    request: <T>(method: string, params?: unknown[]) => priority.urgently(() => engine.request<T>(method, params)),
    batch: <T extends unknown[]>(calls: readonly EngineCall[]) => priority.urgently(() => engine.batch<T>(calls)),
  };
}
