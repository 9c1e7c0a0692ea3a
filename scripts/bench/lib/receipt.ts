import type { JsonRpcProvider, TransactionReceipt } from "ethers";

/**
 * Polls for a receipt every `pollMs`: ethers' `tx.wait()` polls every 4 s by default, which makes a benchmark
 * measure its own waiting.
 */
export async function waitForReceipt(provider: JsonRpcProvider, hash: string, pollMs = 20): Promise<TransactionReceipt> {
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt !== null) return receipt;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
