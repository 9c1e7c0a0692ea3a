import { ApiError } from "../errors";
import { toApiError } from "./contract-errors";

/** A receipt as the node sends it, with only what the API reads (no per-log objects: a batch's receipt has hundreds). */
export interface RawReceipt {
  status: string;
  blockNumber: string;
  logs: { address: string; topics: string[] }[];
}

type Rpc = <T>(method: string, params: unknown[]) => Promise<T>;

interface Waiting {
  /** What every caller waiting for this transaction is given. */
  answer: Promise<RawReceipt>;
  resolve(receipt: RawReceipt): void;
  reject(error: unknown): void;
  deadline: number;
  /** The head at which this transaction's receipt was last asked for: asked again only once the head moves. */
  checkedAt: number;
}

/**
 * Waits for the receipts of every transaction this process sent with one watch of the chain's head: every
 * `intervalMs`, while anything waits, `eth_blockNumber`; each waiting transaction's receipt is asked for once
 * when it starts waiting and again only when a new block has come. A transaction is answered within
 * `intervalMs` of its block (polling each receipt with a backoff came up to 40 ms late, on a path where the
 * next group of a merchant's invoices waits for the previous one), and a node with nothing new is asked one
 * cheap question per interval rather than one per waiting transaction. Standard JSON-RPC only: any chain serves it.
 */
export class ReceiptWatcher {
  private readonly waiting = new Map<string, Waiting>();
  private watching = false;

  constructor(
    private readonly rpc: Rpc,
    private readonly intervalMs: number,
    private readonly timeoutMs = 30_000,
  ) {}

  /** The receipt of `hash` once it is in a block; a retryable 503 NOT_CONFIRMED after the timeout. Callers waiting for the same transaction share one wait. */
  receipt(hash: string): Promise<RawReceipt> {
    const known = this.waiting.get(hash);
    if (known !== undefined) return known.answer;
    let settle!: Pick<Waiting, "resolve" | "reject">;
    const answer = new Promise<RawReceipt>((resolve, reject) => (settle = { resolve, reject }));
    this.waiting.set(hash, { answer, ...settle, deadline: Date.now() + this.timeoutMs, checkedAt: -1 });
    if (!this.watching) void this.watch();
    return answer;
  }

  private async watch(): Promise<void> {
    this.watching = true;
    try {
      while (this.waiting.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
        await this.round();
      }
    } finally {
      this.watching = false;
    }
  }

  private async round(): Promise<void> {
    let head: number;
    try {
      head = Number(await this.rpc<string>("eth_blockNumber", []));
    } catch (error) {
      this.settleAll((waiting) => waiting.reject(toApiError(error)));
      return;
    }
    const due = [...this.waiting].filter(([, waiting]) => waiting.checkedAt !== head);
    await Promise.all(
      due.map(async ([hash, waiting]) => {
        waiting.checkedAt = head;
        let receipt: RawReceipt | null;
        try {
          receipt = await this.rpc<RawReceipt | null>("eth_getTransactionReceipt", [hash]);
        } catch (error) {
          this.settle(hash, () => waiting.reject(toApiError(error)));
          return;
        }
        if (receipt !== null) this.settle(hash, () => waiting.resolve(receipt));
      }),
    );
    const now = Date.now();
    for (const [hash, waiting] of this.waiting) {
      if (now > waiting.deadline) {
        this.settle(hash, () => waiting.reject(new ApiError(503, "NOT_CONFIRMED", "the ledger did not confirm the transaction in time; retry with the same Idempotency-Key", { transactionHash: hash }, { retryable: true })));
      }
    }
  }

  private settle(hash: string, answer: () => void): void {
    if (!this.waiting.delete(hash)) return;
    answer();
  }

  private settleAll(answer: (waiting: Waiting) => void): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    all.forEach(answer);
  }
}
