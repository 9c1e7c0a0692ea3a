import { ExecutionTimeoutError, NodeUnavailableError } from "../errors";
import { RPC, RpcError } from "./rpc-error";

/**
 * Bounds what one eth_call or eth_estimateGas may cost the node, whoever sends it.
 *
 * - Gas: the call's `gas` is clamped to `gasCap` and set to it when absent (geth's RPCGasCap), instead of
 *   the block gas limit the engine would use. Gas bounds both the engine's time and the trace memory it
 *   records per executed step (trace-release.ts; ~0.9 KB a step, and no step costs less than 1 gas): this
 *   cap is what bounds a simulation of any code. A trusted caller (one that presents the admin token: the
 *   ledger's API) gets `trustedGasCap`, large enough for its largest batch of the ledger's own contracts.
 * - One at a time: the engine executes requests one after another anyway; admitting them one at a time
 *   means a simulation's trace is released before the next one records its own, so concurrent simulations
 *   never add up in memory. At most `maxQueued` wait; beyond that the node answers "busy" (retryable).
 * - Time (geth's RPCEVMTimeout): a client waits at most `timeoutMs`, queueing included, then gets an error.
 *   The engine runs in this process and cannot be interrupted: a simulation that is already executing goes
 *   on until its gas is spent (bounded by the cap) and keeps its slot until then; only waiting ones are
 *   dropped. The timeout frees the client, the cap bounds the engine.
 */
export class SimulationGate {
  private running = false;
  private readonly waiting: { start: () => void }[] = [];

  constructor(
    readonly gasCap: number,
    readonly trustedGasCap: number,
    private readonly timeoutMs: number,
    private readonly maxQueued = 1_024,
  ) {}

  /** The call object with its gas capped; refuses what is not a call object. */
  capGas(call: unknown, trusted: boolean): Record<string, unknown> {
    if (typeof call !== "object" || call === null || Array.isArray(call)) throw new RpcError(RPC.INVALID_PARAMS, "expected a call object as the first parameter");
    const given = (call as { gas?: unknown }).gas;
    let gas = BigInt(trusted ? this.trustedGasCap : this.gasCap);
    if (given !== undefined && given !== null) {
      if (typeof given !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(given)) throw new RpcError(RPC.INVALID_PARAMS, "gas must be a hex quantity");
      if (BigInt(given) < gas) gas = BigInt(given);
    }
    return { ...(call as Record<string, unknown>), gas: `0x${gas.toString(16)}` };
  }

  /** Runs `work` when it is its turn; rejects with EXECUTION_TIMEOUT when the client has waited `timeoutMs`. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => {
        timedOut = true;
        fail(new ExecutionTimeoutError(`the call did not finish within ${this.timeoutMs} ms`, { timeoutMs: this.timeoutMs }));
      }, this.timeoutMs);
    });
    try {
      const turn = this.turn(() => timedOut);
      try {
        await Promise.race([turn, deadline]);
      } catch (error) {
        // Timed out (or refused) while waiting: a turn granted in the same instant is handed on at once.
        turn.then(() => this.release(), () => undefined);
        throw error;
      }
      const execution = work();
      execution.then(() => this.release(), () => this.release());
      return await Promise.race([execution, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private turn(abandoned: () => boolean): Promise<void> {
    if (!this.running) {
      this.running = true;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(new NodeUnavailableError(`${this.maxQueued} calls are waiting to execute; retry later`, { queued: this.maxQueued }));
    }
    return new Promise((start) => {
      this.waiting.push({
        start: () => {
          // A caller that timed out while waiting gives its turn to the next one.
          if (abandoned()) this.release();
          else start();
        },
      });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.running = false;
    else next.start();
  }
}
