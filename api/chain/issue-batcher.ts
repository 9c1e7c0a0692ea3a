import type { Wallet } from "ethers";

import { GroupCommit, type GroupItem } from "../../lib/group-commit";
import { ApiError } from "../errors";
import type { AccountSenders, LedgerReceipt } from "./account-sender";
import { encodeIssueBatch, issueBatchGas, MAX_ISSUE_BATCH, type IssueRequestWords } from "./issue-batch-call";

/**
 * Group commit per merchant, sized by load (lib/group-commit.ts): a merchant's issue requests are sent as one
 * `issueBatch` transaction each time the merchant has a free sending slot (`inFlight` transactions at most,
 * each until its receipt), with every request that arrived meanwhile, up to `maxBatchSize`; an idle merchant's
 * request goes at once. Each caller is answered only when its transaction is in a block. A batch the ledger refuses as a whole (all
 * or nothing) is split in halves until the request at fault is alone, so one bad request never fails the others.
 */
export interface IssuedInBlock {
  id: string;
  number: bigint;
  transactionHash: string;
  blockNumber: number;
}

/** An issue request as it waits for its group: when it started waiting (for the `queue` phase). */
interface Queued {
  request: IssueRequestWords;
  since: number;
}

type Waiting = GroupItem<Queued, IssuedInBlock>;

/** The phases of an issue request's time (api_issue_phase_seconds): the batcher measures queue, send and block. */
export type IssuePhase = "store" | "queue" | "send" | "block" | "index";

export interface IssueBatcherOptions {
  /** The ledger contract's address and its InvoiceIssued topic, to read the issued invoices off receipts. */
  ledgerAddress: string;
  issuedTopic: string;
  maxBatchSize: number;
  /** Transactions of one merchant in flight at once (each from signing to its receipt). */
  inFlight: number;
  onBatch?: (size: number) => void;
  /** Told how long each request spent in a phase (single requests' queue; every issue transaction's send and block). */
  onPhase?: (phase: IssuePhase, seconds: number) => void;
}

export class IssueBatcher {
  private readonly queues = new Map<string, GroupCommit<Queued, IssuedInBlock>>();
  private readonly ledgerAddress: string;

  constructor(
    private readonly senders: AccountSenders,
    private readonly options: IssueBatcherOptions,
  ) {
    this.ledgerAddress = options.ledgerAddress.toLowerCase();
    if (options.maxBatchSize < 1 || options.maxBatchSize > MAX_ISSUE_BATCH) throw new RangeError(`maxBatchSize must be 1 to ${MAX_ISSUE_BATCH}`);
  }

  issue(merchant: Wallet, request: IssueRequestWords): Promise<IssuedInBlock> {
    const key = merchant.address.toLowerCase();
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = new GroupCommit((batch) => this.send(merchant, batch), { maxGroup: this.options.maxBatchSize, inFlight: this.options.inFlight });
      this.queues.set(key, queue);
    }
    return queue.submit({ request, since: performance.now() });
  }

  /** Issues exactly these requests in one transaction, all or nothing (a merchant's batch request). */
  async issueTogether(merchant: Wallet, requests: IssueRequestWords[]): Promise<IssuedInBlock[]> {
    this.options.onBatch?.(requests.length);
    const { hash, receipt } = await this.sendBatch(merchant, requests);
    const issued = this.issuedIn(receipt);
    if (issued.length !== requests.length) throw new ApiError(502, "LEDGER_ERROR", "the issue transaction has fewer events than requests");
    return issued.map((event) => ({ ...event, transactionHash: hash, blockNumber: receipt.blockNumber }));
  }

  /** Sends one issueBatch; its send and block phases are counted once per request it carries. */
  private async sendBatch(wallet: Wallet, requests: readonly IssueRequestWords[]) {
    const sent = await this.senders.send(wallet, { to: this.ledgerAddress, data: encodeIssueBatch(requests) }, { gasLimit: issueBatchGas(requests.length) });
    for (let i = 0; i < requests.length; i++) {
      this.options.onPhase?.("send", sent.seconds.send);
      this.options.onPhase?.("block", sent.seconds.block);
    }
    return sent;
  }

  /** The invoices a receipt issued: issueBatch emits one InvoiceIssued per request, in request order, with id
   * and number indexed, so they are read from the topics directly. */
  private issuedIn(receipt: LedgerReceipt): { id: string; number: bigint }[] {
    const issued: { id: string; number: bigint }[] = [];
    for (const log of receipt.logs) {
      if (log.topics[0] === this.options.issuedTopic && log.address.toLowerCase() === this.ledgerAddress) issued.push({ id: log.topics[1]!.toLowerCase(), number: BigInt(log.topics[2]!) });
    }
    return issued;
  }

  private async send(wallet: Wallet, batch: Waiting[], split = false): Promise<void> {
    this.options.onBatch?.(batch.length);
    // A half of a refused batch (`split`) is sent at once: its requests' queue phase was counted with the whole.
    if (!split) for (const waiting of batch) this.options.onPhase?.("queue", (performance.now() - waiting.value.since) / 1000);
    try {
      const { hash, receipt } = await this.sendBatch(
        wallet,
        batch.map((w) => w.value.request),
      );
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
      await Promise.all([this.send(wallet, batch.slice(0, half), true), this.send(wallet, batch.slice(half), true)]);
    }
  }
}
