import { Interface, getAddress } from "ethers";

import { InvalidRequestError, SenderNotRegisteredError } from "../errors";
import type { EvmEngine } from "./evm-engine";
import { decodeSignedTransaction } from "./raw-transaction";

const REGISTRY = new Interface(["function isRegistered(address account) view returns (bool)"]);

/**
 * The first gate: a raw transaction is admitted only from the authority (the bureau's genesis account)
 * or from an account that the on-chain participant registry knows. The contracts check roles again.
 * Answers are cached until the next block, since only a block can change the registry.
 */
export class Admission {
  private registry: string | undefined;
  private cache = new Map<string, boolean>();

  constructor(private readonly engine: EvmEngine, private readonly chainId: number, private readonly authority: string) {}

  useRegistry(address: string): void {
    this.registry = getAddress(address);
    this.cache.clear();
  }

  /** Forgets cached answers; called after every sealed block. */
  blockSealed(): void {
    this.cache.clear();
  }

  /** Parses and admits a raw transaction, returning its sender and hash, or throws a typed error. */
  async admit(raw: string): Promise<{ from: string; hash: string }> {
    const { from, hash, chainId } = decodeSignedTransaction(raw);
    if (chainId !== BigInt(this.chainId)) {
      throw new InvalidRequestError(`the transaction is for chain ${chainId}, this ledger is chain ${this.chainId}`, { chainId: chainId.toString() });
    }
    if (from !== this.authority && !(await this.isRegistered(from))) {
      throw new SenderNotRegisteredError(`sender ${from} is not a registered participant of this ledger`, { sender: from });
    }
    return { from, hash };
  }

  private async isRegistered(account: string): Promise<boolean> {
    if (this.registry === undefined) return false;
    const cached = this.cache.get(account);
    if (cached !== undefined) return cached;
    const data = REGISTRY.encodeFunctionData("isRegistered", [account]);
    const result = await this.engine.request<string>("eth_call", [{ to: this.registry, data }, "latest"]);
    const registered = REGISTRY.decodeFunctionResult("isRegistered", result)[0] as boolean;
    this.cache.set(account, registered);
    return registered;
  }
}
