import type { Signer } from "ethers";

import type { InvoiceLedger } from "../../../typechain-types";
import { prepareInvoice, signClaim, type PreparedInvoice } from "./documents";
import { direct, type Sender } from "./senders";

export interface IssuedInvoice extends PreparedInvoice {
  id: string;
  number: bigint;
}

/** Issues one invoice as `merchant` and returns its ledger id and number. */
export async function issueInvoice(
  ledger: InvoiceLedger,
  merchant: Signer,
  options: Parameters<typeof prepareInvoice>[0] = {},
  sender: Sender = direct,
): Promise<IssuedInvoice> {
  const prepared = prepareInvoice(options);
  const number = await ledger.nextNumber();
  await sender.send(merchant, ledger, "issue", [prepared.request]);
  const id = await ledger.invoiceIdOf(await merchant.getAddress(), prepared.request.requestId);
  return { ...prepared, id, number };
}

/** The arguments of `claim` for `claimant`, signed with the invoice's claim key. */
export async function claimArgs(ledger: InvoiceLedger, invoice: IssuedInvoice, claimant: Signer): Promise<[string, string, string]> {
  const signature = await signClaim(ledger, invoice.id, await claimant.getAddress(), invoice.claimKey);
  return [invoice.id, invoice.commitment, signature];
}

export async function claimInvoice(ledger: InvoiceLedger, invoice: IssuedInvoice, claimant: Signer, sender: Sender = direct) {
  return sender.send(claimant, ledger, "claim", await claimArgs(ledger, invoice, claimant));
}
