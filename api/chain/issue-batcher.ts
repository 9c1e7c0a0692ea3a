import type { TransactionReceipt, Wallet } from "ethers";

import type { IInvoiceLedger, InvoiceLedger } from "../../typechain-types";
import { ApiError } from "../errors";
import type { AccountSenders } from "./account-sender";

/**
 * Group commit: concurrent issue requests of one merchant are collected for a short window (or until a batch
 * is full) and sent as one `issueBatch` transaction; each caller is answered only when that transaction is
 * in a block. A batch the ledger refuses as a whole (all or nothing) is split in halves until the request at
 * fault is alone, so one bad request never fails the others.
 */
export interface IssuedInBlock {
  id: string;
  number: bigint;
  transactionHash: string;
  blockNumber: number;
}

interface Waiting {
  request: IInvoiceLedger.IssueRequestStruct;
  resolve(result: IssuedInBlock): void;
  reject(error: unknown): void;
}

export class IssueBatcher {
  private readonly queues = new Map<string, { wallet: Wallet; waiting: Waiting[]; timer: NodeJS.Timeout | undefined }>();

  constructor(
    private readonly ledger: InvoiceLedger,
    private readonly senders: AccountSenders,
    private readonly options: { windowMs: number; maxBatchSize: number; onBatch?: (size: number) => void },
  ) {
    this.issuedTopic = ledger.interface.getEvent("InvoiceIssued").topicHash;
    this.ledgerAddress = String(ledger.target).toLowerCase();
  }

  private readonly issuedTopic: string;
  private readonly ledgerAddress: string;

  issue(merchant: Wallet, request: IInvoiceLedger.IssueRequestStruct): Promise<IssuedInBlock> {
    return this.issueMany(merchant, [request]).then((results) => results[0]!);
  }

  /** Queues several requests of one merchant; they may share transactions with concurrent requests. */
  issueMany(merchant: Wallet, requests: IInvoiceLedger.IssueRequestStruct[]): Promise<IssuedInBlock[]> {
    const key = merchant.address.toLowerCase();
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { wallet: merchant, waiting: [], timer: undefined };
      this.queues.set(key, queue);
    }
    const promises = requests.map((request) => new Promise<IssuedInBlock>((resolve, reject) => queue.waiting.push({ request, resolve, reject })));
    while (queue.waiting.length >= this.options.maxBatchSize) this.flush(queue, this.options.maxBatchSize);
    if (queue.waiting.length > 0 && queue.timer === undefined) {
      const pending = queue;
      pending.timer = setTimeout(() => this.flush(pending, this.options.maxBatchSize), this.options.windowMs);
    }
    return Promise.all(promises);
  }

  /** Issues exactly these requests in one transaction, all or nothing (a merchant's batch request). */
  async issueTogether(merchant: Wallet, requests: IInvoiceLedger.IssueRequestStruct[]): Promise<IssuedInBlock[]> {
    this.options.onBatch?.(requests.length);
    const { hash, receipt } = await this.senders.send(merchant, await this.ledger.issueBatch.populateTransaction(requests));
    const issued = this.issuedIn(receipt);
    if (issued.length !== requests.length) throw new ApiError(502, "LEDGER_ERROR", "the issue transaction has fewer events than requests");
    return issued.map((event) => ({ ...event, transactionHash: hash, blockNumber: receipt.blockNumber }));
  }

  /** The invoices a receipt issued: issueBatch emits one InvoiceIssued per request, in request order, with id
   * and number indexed, so they are read from the topics directly. */
  private issuedIn(receipt: TransactionReceipt): { id: string; number: bigint }[] {
    const issued: { id: string; number: bigint }[] = [];
    for (const log of receipt.logs) {
      if (log.topics[0] === this.issuedTopic && log.address.toLowerCase() === this.ledgerAddress) issued.push({ id: log.topics[1]!.toLowerCase(), number: BigInt(log.topics[2]!) });
    }
    return issued;
  }

  private flush(queue: { wallet: Wallet; waiting: Waiting[]; timer: NodeJS.Timeout | undefined }, size: number): void {
    if (queue.timer !== undefined) clearTimeout(queue.timer);
    queue.timer = undefined;
    const batch = queue.waiting.splice(0, size);
    if (queue.waiting.length > 0) queue.timer = setTimeout(() => this.flush(queue, this.options.maxBatchSize), this.options.windowMs);
    if (batch.length > 0) void this.send(queue.wallet, batch);
  }

  private async send(wallet: Wallet, batch: Waiting[]): Promise<void> {
    this.options.onBatch?.(batch.length);
    try {
      const tx = await this.ledger.issueBatch.populateTransaction(batch.map((w) => w.request));
      const { hash, receipt } = await this.senders.send(wallet, tx);
      const issued = this.issuedIn(receipt);
      batch.forEach((waiting, i) => {
        const event = issued[i];
        if (event === undefined) waiting.reject(new ApiError(502, "LEDGER_ERROR", "the issue transaction has fewer events than requests"));
        else waiting.resolve({ ...event, transactionHash: hash, blockNumber: receipt.blockNumber });
      });
    } catch (error) {
      const splittable = error instanceof ApiError && error.status >= 400 && error.status < 500 && batch.length > 1;
      if (!splittable) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await Promise.all([this.send(wallet, batch.slice(0, half)), this.send(wallet, batch.slice(half))]);
    }
  }
}
