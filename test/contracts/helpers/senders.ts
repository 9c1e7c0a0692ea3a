import { FORWARD_REQUEST_TYPES } from "../../../lib/forward-request";
import type { BaseContract, ContractTransactionResponse, Signer } from "ethers";
import { ethers } from "hardhat";

import type { LedgerForwarder } from "../../../typechain-types";

/**
 * How a party's call reaches a contract: sent by the party itself, or signed by the party and relayed
 * through the ERC-2771 forwarder by someone else (the API). Shared behaviour runs under both.
 */
export interface Sender {
  readonly name: string;
  send(from: Signer, contract: BaseContract, method: string, args: readonly unknown[]): Promise<ContractTransactionResponse>;
}

export const direct: Sender = {
  name: "sent by the party",
  async send(from, contract, method, args) {
    const connected = contract.connect(from) as unknown as Record<string, (...a: unknown[]) => Promise<ContractTransactionResponse>>;
    const fn = connected[method];
    if (fn === undefined) throw new Error(`no method ${method}`);
    return fn(...args);
  },
};

export { FORWARD_REQUEST_TYPES };

/** A request signed by `from` for the forwarder, ready to execute (domain read from the forwarder). */
export async function signForwardRequest(
  forwarder: LedgerForwarder,
  from: Signer,
  to: string,
  data: string,
  overrides: { nonce?: bigint; deadline?: bigint } = {},
) {
  const [, name, version, chainId, verifyingContract] = await forwarder.eip712Domain();
  const address = await from.getAddress();
  const latest = await ethers.provider.getBlock("latest");
  const message = {
    from: address,
    to,
    value: 0n,
    gas: 2_000_000n,
    nonce: overrides.nonce ?? (await forwarder.nonces(address)),
    deadline: overrides.deadline ?? BigInt(latest!.timestamp + 3600),
    data,
  };
  const signature = await from.signTypedData({ name, version, chainId, verifyingContract }, FORWARD_REQUEST_TYPES, message);
  return { ...message, signature };
}

export function relayedBy(forwarder: LedgerForwarder, relayer: Signer): Sender {
  return {
    name: "signed by the party and relayed",
    async send(from, contract, method, args) {
      const data = contract.interface.encodeFunctionData(method, args);
      const request = await signForwardRequest(forwarder, from, await contract.getAddress(), data);
      return forwarder.connect(relayer).execute(request);
    },
  };
}
