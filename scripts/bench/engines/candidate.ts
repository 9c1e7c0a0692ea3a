/**
 * What the engine comparison needs of an EVM: execute signed transactions as a block, answer a call, and come
 * back after a crash with the state it had. Each candidate (EDR in process, anvil, @ethereumjs/vm on LevelDB)
 * implements it with its own native means, so the same workload measures all of them.
 */
export interface CandidateEngine {
  readonly name: string;
  readonly version: string;
  /** How the engine keeps its state across a restart, in a few words. */
  readonly persistence: string;
  /** Executes the raw transactions as one new block with this timestamp; resolves when the block exists. */
  block(rawTransactions: string[], timestamp: number): Promise<void>;
  /** `eth_call` against the latest state. */
  call(to: string, data: string): Promise<string>;
  /**
   * Stops the engine the way a crash would (what it has not persisted is gone) and brings it back with its
   * own means of recovery; resolves when it answers calls again.
   */
  restart(): Promise<RestartFigures>;
  close(): Promise<void>;
}

export interface RestartFigures {
  /** From the crash until the engine answers a call on the restored state. */
  secondsToReady: number;
  /** What the engine had to do at or before the crash to make the restart possible (a state dump), if anything. */
  snapshot?: { seconds: number; MiB: number };
}
