import { setTimeout as delay } from "node:timers/promises";

import type { BaseContract, Provider, TransactionReceipt } from "ethers";

/** Why {@link minedReceipt} gave no receipt: the transaction failed (in `blockNumber`), or was not mined in time. */
export class ReceiptError extends Error {
  constructor(
    readonly code: "TRANSACTION_FAILED" | "TRANSACTION_NOT_MINED",
    message: string,
    readonly hash: string,
    readonly blockNumber: number | undefined,
  ) {
    super(message);
    this.name = "ReceiptError";
  }
}

/**
 * The receipt of transaction `hash` once it is mined, asked for every `pollMs` until the node has it; refused
 * after `timeoutMs`, and when the transaction was mined but failed (status 0), saying which.
 *
 * Not ethers' `wait()` or `waitForDeployment()`: they ask for the receipt once, then again only on each new block
 * they see, and the block watcher they start takes the head it first reads as seen. A transaction sealed between
 * that first receipt request and that first head leaves them waiting for a block that a chain sealing only when
 * there is something to seal (the ledger node, Besu's QBFT with empty blocks off) never makes: the ledger node's
 * first start hung so, deploying its contracts, on 2026-11-28.
 */
export async function minedReceipt(provider: Provider, hash: string, { pollMs = 25, timeoutMs = 120_000 } = {}): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt !== null) {
      if (receipt.status !== 1) throw new ReceiptError("TRANSACTION_FAILED", `transaction ${hash} was mined in block ${receipt.blockNumber} but failed (status ${receipt.status})`, hash, receipt.blockNumber);
      return receipt;
    }
    if (Date.now() > deadline) throw new ReceiptError("TRANSACTION_NOT_MINED", `transaction ${hash} was not mined within ${Math.round(timeoutMs / 1000)} s`, hash, undefined);
    await delay(pollMs);
  }
}

/** The receipt of `contract`'s deployment once it is mined ({@link minedReceipt}: not ethers' `waitForDeployment`). */
export async function minedDeployment(contract: BaseContract): Promise<TransactionReceipt> {
  const sent = contract.deploymentTransaction();
  if (sent === null) throw new Error("the contract was not deployed by this signer: no deployment transaction to wait for");
  return minedReceipt(sent.provider, sent.hash);
}
