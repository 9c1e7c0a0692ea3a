import type { JsonRpcProvider, Wallet } from "ethers";

import { signLegacyTransaction } from "../../crypto/legacy-transaction";
import { ApiError } from "../errors";
import { toApiError } from "./contract-errors";
import { ReceiptWatcher, type RawReceipt } from "./receipt-watcher";

/**
 * Sends one party's transactions from its own account, so the chain records the party as the actor.
 * Per account, sends are serialised, in this process by a queue and across API instances sharing the
 * database by `AccountLock` (each instance signs with the same hosted key, so two must never pick the same
 * nonce): under the lock the nonce is read from the ledger's pending count (the one nonce authority: every path
 * of every instance reads it there, under the same lock, so none can reuse or skip a nonce), the transaction
 * simulated (eth_estimateGas, so that a refusal is answered with the contract's decoded error and costs no
 * nonce) unless the caller knows its gas (issue batches: issue-batch-call.ts), signed and sent; receipts are
 * awaited outside it, so the next transaction of the same account is signed while the previous one waits for
 * its block.
 */
export interface SentTransaction {
  hash: string;
  receipt: LedgerReceipt;
  /** Seconds from the call to the node's acceptance (the account's lock, nonce, simulation, signature, sending), then to the receipt. */
  seconds: { send: number; block: number };
}

/** What the API reads of a receipt, as the node sends it (no per-log objects built: a batch's receipt has hundreds). */
export interface LedgerReceipt {
  status: number;
  blockNumber: number;
  logs: RawReceipt["logs"];
}

/** A contract call to send: ethers' populated transaction fits. */
export interface LedgerCall {
  to: string;
  data: string;
}

type Rpc = <T>(method: string, params: unknown[]) => Promise<T>;

/** Holds an account for one sender at a time, across every API instance (api/db/account-locks.ts). */
export interface AccountLock {
  hold<T>(account: string, work: () => Promise<T>): Promise<T>;
}

/** For one process alone (tests of the sender): the queue is the only sender. */
export const processAccountLock: AccountLock = { hold: (_account, work) => work() };

export class AccountSenders {
  private readonly accounts = new Map<string, { queue: Promise<unknown> }>();

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly rpc: Rpc,
    private readonly chainId: bigint,
    pollIntervalMs: number,
    private readonly lock: AccountLock = processAccountLock,
    receiptTimeoutMs = 30_000,
  ) {
    this.receipts = new ReceiptWatcher(rpc, Math.max(1, Math.min(pollIntervalMs, 5)), receiptTimeoutMs);
  }

  /** Every sent transaction's receipt is awaited through one watch of the chain's head. */
  private readonly receipts: ReceiptWatcher;

  /**
   * Simulates, signs and sends `tx` from `wallet`, and resolves with the receipt once it is in a block. With
   * `gasLimit`, the simulation is skipped: a refusal then fails in its block, and is explained from a call.
   */
  async send(wallet: Wallet, tx: LedgerCall, options: { gasLimit?: bigint } = {}): Promise<SentTransaction> {
    const started = performance.now();
    const hash = await this.serialised(wallet.address, () =>
      this.lock.hold(wallet.address, async () => {
        let gasLimit = options.gasLimit;
        if (gasLimit === undefined) {
          try {
            const gas = await this.provider.estimateGas({ ...tx, from: wallet.address });
            // Headroom over the estimate for what may change before it runs (a period's first issue writes a few more
            // slots): a tenth and 50,000 gas.
            gasLimit = gas + gas / 10n + 50_000n;
          } catch (error) {
            throw toApiError(error);
          }
        }
        try {
          // Read under the lock every time: another API instance may have sent from this account since.
          const nonce = Number(await this.rpc<string>("eth_getTransactionCount", [wallet.address, "pending"]));
          const signed = signLegacyTransaction({ to: tx.to, data: tx.data, nonce, gasLimit, gasPrice: 0n, value: 0n, chainId: this.chainId }, this.keyOf(wallet));
          return await this.rpc<string>("eth_sendRawTransaction", [signed]);
        } catch (error) {
          throw toApiError(error);
        }
      }),
    );
    const sent = performance.now();
    const receipt = await this.waitForReceipt(hash);
    if (receipt.status !== 1) throw await this.explainFailure(wallet.address, tx, hash);
    return { hash, receipt, seconds: { send: (sent - started) / 1000, block: (performance.now() - sent) / 1000 } };
  }

  /** Each wallet's private key as bytes, converted once. */
  private readonly keys = new WeakMap<Wallet, Buffer>();
  private keyOf(wallet: Wallet): Buffer {
    let key = this.keys.get(wallet);
    if (key === undefined) {
      key = Buffer.from(wallet.privateKey.slice(2), "hex");
      this.keys.set(wallet, key);
    }
    return key;
  }

  private async serialised<T>(address: string, work: () => Promise<T>): Promise<T> {
    const key = address.toLowerCase();
    let account = this.accounts.get(key);
    if (account === undefined) {
      account = { queue: Promise.resolve() };
      this.accounts.set(key, account);
    }
    const state = account;
    const result = state.queue.then(() => work());
    state.queue = result.catch(() => undefined);
    return result;
  }

  private async waitForReceipt(hash: string): Promise<LedgerReceipt> {
    const receipt = await this.receipts.receipt(hash);
    return { status: Number(receipt.status), blockNumber: Number(receipt.blockNumber), logs: receipt.logs };
  }

  /** A transaction that failed in its block (the state changed after the simulation): say why, from a new simulation. */
  private async explainFailure(from: string, tx: LedgerCall, hash: string): Promise<ApiError> {
    try {
      await this.provider.call({ ...tx, from });
    } catch (error) {
      const decoded = toApiError(error);
      decoded.details.transactionHash = hash;
      return decoded;
    }
    return new ApiError(409, "TRANSACTION_FAILED", "the ledger refused the transaction", { transactionHash: hash });
  }
}
