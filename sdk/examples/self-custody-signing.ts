import { Interface, Wallet } from "ethers";

import { signForwardRequest } from "../src";

/**
 * A party that keeps its own key signs what it asks of the ledger; the API relays it through the forwarder, and
 * the chain records the party as the actor. The key never leaves the party's machine.
 */
export async function signClaimSubmission(config: { partyKey: string; chainId: bigint; forwarder: string; ledger: string; invoiceId: string; enterprise: string; nonce: bigint }) {
  const party = new Wallet(config.partyKey);
  const ledger = new Interface(["function submit(bytes32 id, address enterprise)"]);
  return signForwardRequest(
    party,
    { chainId: config.chainId, verifyingContract: config.forwarder },
    {
      to: config.ledger,
      data: ledger.encodeFunctionData("submit", [config.invoiceId, config.enterprise]),
      gas: 300_000n,
      nonce: config.nonce,
      // Refused by the forwarder after ten minutes.
      deadline: BigInt(Math.floor(Date.now() / 1000) + 600),
    },
  );
}
