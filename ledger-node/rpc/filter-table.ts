import type { EvmEngine } from "../chain/evm-engine";
import { RPC, RpcError } from "./rpc-error";

/**
 * The filters clients installed (eth_newFilter, eth_newBlockFilter). The engine keeps every filter, and
 * what it collected since the last poll, until it is uninstalled; a client that never uninstalls would
 * grow that table forever. Here, as in geth, a filter not polled for `idleMs` is uninstalled, and at most
 * `max` filters exist at once (a new one beyond that is refused with -32005 and `TOO_MANY_FILTERS`).
 */
export class FilterTable {
  private readonly lastPolled = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly engine: EvmEngine, private readonly max: number, private readonly idleMs: number) {
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1_000, Math.floor(idleMs / 4)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.lastPolled.size;
  }

  /** Installs a filter through `install` (which calls the engine) if there is room. */
  async install(install: () => Promise<unknown>): Promise<unknown> {
    if (this.lastPolled.size >= this.max) await this.sweep();
    if (this.lastPolled.size >= this.max) {
      throw new RpcError(RPC.LIMIT_EXCEEDED, `${this.max} filters are installed; uninstall one, or poll less often than every ${this.idleMs / 1000} s so that idle ones expire`, { code: "TOO_MANY_FILTERS", limit: this.max });
    }
    const id = await install();
    if (typeof id === "string") this.lastPolled.set(id.toLowerCase(), Date.now());
    return id;
  }

  /** Marks a poll of `id` (eth_getFilterChanges, eth_getFilterLogs). */
  polled(id: unknown): void {
    if (typeof id === "string" && this.lastPolled.has(id.toLowerCase())) this.lastPolled.set(id.toLowerCase(), Date.now());
  }

  uninstalled(id: unknown): void {
    if (typeof id === "string") this.lastPolled.delete(id.toLowerCase());
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private async sweep(): Promise<void> {
    const idleSince = Date.now() - this.idleMs;
    for (const [id, polled] of this.lastPolled) {
      if (polled > idleSince) continue;
      this.lastPolled.delete(id);
      await this.engine.request("eth_uninstallFilter", [id]).catch(() => undefined);
    }
  }
}
