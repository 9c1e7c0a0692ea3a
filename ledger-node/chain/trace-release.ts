import { collectGarbage } from "./garbage-collection";

/**
 * Releases the engine's execution traces promptly.
 *
 * EDR records a trace of executed EVM steps for requests that execute code: 0.12 for every one (eth_call,
 * eth_estimateGas, evm_mine), with no setting to turn it off; 0.13 with call traces off (`includeCallTraces:
 * None`, evm-engine.ts) still did for a simulation that failed (a 12M-gas sled: ~0.18 KB a step; one that
 * succeeds is not measured yet). The recorded trace lives in native memory owned by
 * the JavaScript object of the engine's answer, which V8 sees as a few bytes: without help it is freed only
 * when a major collection happens to run, so the node's RSS grew by the traces of every answer since the
 * last one (~1.7 GB after one 500-invoice batch). A minor collection (~1-2 ms: the answer objects are
 * young) frees them; it runs at most every `intervalMs` and always after the last executing request.
 */
export class TraceRelease {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 20) {}

  /** Called after each request that executed code: its answer object is garbage now. */
  executed(): void {
    const since = performance.now() - this.last;
    if (since >= this.intervalMs) {
      this.run();
      return;
    }
    this.timer ??= setTimeout(() => this.run(), this.intervalMs - since);
    this.timer.unref();
  }

  private run(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = performance.now();
    collectGarbage("minor");
  }
}
