import { Interface, getAddress } from "ethers";

import { ContractCreationRefusedError, GasLimitTooHighError, InvalidRequestError, NonceTooFarError, SenderNotRegisteredError, TransactionTooLargeError } from "../errors";
import type { ServedReceipt } from "../store/chain-store";
import type { EvmEngine } from "./evm-engine";
import { decodeSignedTransaction } from "./raw-transaction";

const REGISTRY = new Interface(["function isRegistered(address account) view returns (bool)"]);

/** Cached answers at most: senders are chosen by whoever sends, so the cache starts again when it is full. */
const MAX_CACHED = 4_096;

/** What one transaction may be, whoever sends it. */
export interface TransactionLimits {
  maxBytes: number;
  /** The largest gas limit a transaction may ask for (the smaller of the configured cap and the block gas limit). */
  maxGas: number;
  /** How far a nonce may run ahead of the sender's next nonce. */
  maxNonceGap: number;
}

/** What admission read of a transaction it let in. */
export interface AdmittedTransaction {
  from: string;
  hash: string;
  nonce: bigint;
  gasLimit: bigint;
  /** Its nonce is the sender's next one at the head (a block can take it now). */
  executable: boolean;
}

/**
 * The first gate: a raw transaction is admitted only from the authority (the bureau's genesis account)
 * or from an account that the on-chain participant registry knows. The contracts check roles again.
 * Answers are cached until a block changes the registry (`blockSealed`), since only a block can.
 */
export class Admission {
  private registry: string | undefined;
  private cache = new Map<string, boolean>();

  constructor(
    private readonly engine: EvmEngine,
    private readonly chainId: number,
    private readonly authority: string,
    private readonly limits: TransactionLimits,
  ) {}

  useRegistry(address: string): void {
    this.registry = getAddress(address);
    this.cache.clear();
  }

  /**
   * Called after every sealed block with its receipts. `isRegistered` reads only the registry's own storage
   * (behind its proxy), and every change of it is announced by a log of the registry's address (participant
   * registered, status changed, role granted or revoked, the proxy upgraded): cached answers are forgotten after a
   * block with such a log, and kept across the others. Before, they were forgotten after every block, and under
   * load each merchant's first transaction of every block cost an `eth_call` and the collection that follows one
   * (evm-engine.ts); a stale answer could only let a transaction reach the contracts, which check roles again.
   */
  blockSealed(receipts: readonly ServedReceipt[]): void {
    const registry = this.registry?.toLowerCase();
    if (receipts.some((receipt) => receipt.logs.some((log) => log.address.toLowerCase() === registry))) this.cache.clear();
  }

  /** Parses and admits a raw transaction, returning its sender and hash, or throws a typed error. */
  async admit(raw: string): Promise<AdmittedTransaction> {
    const bytes = (raw.length - 2) / 2;
    if (bytes > this.limits.maxBytes) {
      throw new TransactionTooLargeError(`the transaction is ${bytes} bytes, more than the ${this.limits.maxBytes} this ledger admits`, { bytes, limit: this.limits.maxBytes });
    }
    const { from, hash, chainId, nonce, gasLimit, to } = decodeSignedTransaction(raw);
    if (chainId !== BigInt(this.chainId)) {
      throw new InvalidRequestError(`the transaction is for chain ${chainId}, this ledger is chain ${this.chainId}`, { chainId: chainId.toString() });
    }
    if (from !== this.authority && !(await this.isRegistered(from))) {
      throw new SenderNotRegisteredError(`sender ${from} is not a registered participant of this ledger`, { sender: from });
    }
    // The engine records every step it executes: only the ledger's own contracts, whose work is bounded by
    // their input (and so by the transaction size), may run in a block. A participant's own contract could loop.
    if (to === null && from !== this.authority) {
      throw new ContractCreationRefusedError(`only the ledger's authority deploys contracts; ${from} may call them`, { sender: from });
    }
    if (gasLimit > BigInt(this.limits.maxGas)) {
      throw new GasLimitTooHighError(`the transaction asks for ${gasLimit} gas, more than the ${this.limits.maxGas} one transaction may use`, { gasLimit: gasLimit.toString(), limit: this.limits.maxGas });
    }
    // Checked after registration, so that strangers learn nothing of an account's nonce.
    const next = BigInt(await this.engine.request<string>("eth_getTransactionCount", [from, "latest"]));
    if (nonce > next + BigInt(this.limits.maxNonceGap)) {
      throw new NonceTooFarError(`nonce ${nonce} is more than ${this.limits.maxNonceGap} ahead of the sender's next nonce ${next}`, { nonce: nonce.toString(), next: next.toString(), limit: this.limits.maxNonceGap });
    }
    return { from, hash, nonce, gasLimit, executable: nonce === next };
  }

  private async isRegistered(account: string): Promise<boolean> {
    if (this.registry === undefined) return false;
    const cached = this.cache.get(account);
    if (cached !== undefined) return cached;
    const data = REGISTRY.encodeFunctionData("isRegistered", [account]);
    const result = await this.engine.request<string>("eth_call", [{ to: this.registry, data }, "latest"]);
    const registered = REGISTRY.decodeFunctionResult("isRegistered", result)[0] as boolean;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(account, registered);
    return registered;
  }
}
