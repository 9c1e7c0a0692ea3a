import type { EngineCall, EvmEngine } from "./evm-engine";

/**
 * The engine everyone in the node holds (sealer, admission, RPC, snapshot writer, follower): it hands each request
 * to the engine of the moment, which `replace` exchanges for another (chain/engine-renewal.ts). While a
 * replacement is under way, new requests wait at the gate, and the replacement's own work starts once the
 * requests already handed over have been answered: no request ever spans two engines, and none is lost.
 */
export class RenewableEngine implements EvmEngine {
  private inFlight = 0;
  /** Resolves when the gate opens again; undefined while it is open. */
  private gate: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(private current: EvmEngine) {}

  request<T = unknown>(method: string, params?: unknown[]): Promise<T> {
    return this.through((engine) => engine.request<T>(method, params));
  }

  batch<T extends unknown[] = unknown[]>(calls: readonly EngineCall[]): Promise<T> {
    return this.through((engine) => engine.batch<T>(calls));
  }

  /**
   * Closes the gate, waits until no request is in flight, and runs `handOver` with the engine of the moment: the
   * engine it resolves with answers every request from then on. The gate opens again however `handOver` ends; a
   * failure is thrown to the caller, and the engine of the moment stays.
   */
  async replace(handOver: (current: EvmEngine) => Promise<EvmEngine>): Promise<void> {
    while (this.gate !== undefined) await this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.current = await handOver(this.current);
    } finally {
      this.gate = undefined;
      open();
    }
  }

  private async through<T>(work: (engine: EvmEngine) => Promise<T>): Promise<T> {
    while (this.gate !== undefined) await this.gate;
    this.inFlight++;
    try {
      return await work(this.current);
    } finally {
      if (--this.inFlight === 0 && this.drained !== undefined) {
        const drained = this.drained;
        this.drained = undefined;
        drained();
      }
    }
  }
}
