import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Releases the engine's execution traces promptly.
 *
 * EDR 0.12 records a trace of every executed EVM step for every request that executes code (eth_call,
 * eth_estimateGas, evm_mine), and nothing in its configuration turns that recorder off: the verbose mode
 * (stack and memory per step) is already off, `observability` is empty (no coverage, no gas report), and
 * no build infos are given (no Solidity stack traces). The recorded trace lives in native memory owned by
 * the JavaScript object of the engine's answer, which V8 sees as a few bytes: without help it is freed only
 * when a major collection happens to run, so the node's RSS grew by the traces of every answer since the
 * last one (~1.7 GB after one 500-invoice batch). A minor collection (~1-2 ms: the answer objects are
 * young) frees them; it runs at most every `intervalMs` and always after the last executing request.
 */
export class TraceRelease {
  private readonly collect: (options: { type: "minor" }) => void;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 20) {
    setFlagsFromString("--expose-gc");
    this.collect = runInNewContext("gc") as (options: { type: "minor" }) => void;
  }

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
    this.collect({ type: "minor" });
  }
}
