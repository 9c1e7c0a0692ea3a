import { ethers } from "hardhat";
import type { BaseWallet } from "ethers";

import type { IInvoiceLedger, InvoiceLedger } from "../../../typechain-types";

/**
 * What a merchant's system prepares for one invoice, as the contracts see it: the salted document
 * commitment, the claim key whose private key is printed on the invoice, and the seal that binds them.
 * Contract tests use a random commitment; the API computes it from the real document.
 */
export interface PreparedInvoice {
  request: IInvoiceLedger.IssueRequestStruct;
  commitment: string;
  claimKey: BaseWallet;
}

export function sealOf(commitment: string, claimKey: string): string {
  const digest = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "address"], [commitment, claimKey]));
  return ethers.dataSlice(digest, 0, 24);
}

export function prepareInvoice(options: { buyerTaxId?: string; total?: bigint; tax?: bigint; requestId?: string } = {}): PreparedInvoice {
  const commitment = ethers.hexlify(ethers.randomBytes(32));
  const claimKey = ethers.Wallet.createRandom();
  return {
    commitment,
    claimKey,
    request: {
      requestId: options.requestId ?? ethers.hexlify(ethers.randomBytes(32)),
      seal: sealOf(commitment, claimKey.address),
      buyerTaxId: options.buyerTaxId === undefined ? ethers.ZeroHash.slice(0, 38) : ethers.hexlify(ethers.toUtf8Bytes(options.buyerTaxId)),
      total: options.total ?? 113_00n,
      tax: options.tax ?? 13_00n,
    },
  };
}

export function prepareReversal(options: { total: bigint; tax: bigint; reason?: number; requestId?: string }): IInvoiceLedger.ReversalRequestStruct {
  return {
    requestId: options.requestId ?? ethers.hexlify(ethers.randomBytes(32)),
    seal: ethers.hexlify(ethers.randomBytes(24)),
    total: options.total,
    tax: options.tax,
    reason: options.reason ?? 1,
  };
}

/** The claim key's EIP-712 signature that lets `claimant` claim invoice `id`; the domain is read from the contract. */
export async function signClaim(ledger: InvoiceLedger, id: string, claimant: string, claimKey: BaseWallet): Promise<string> {
  const [, name, version, chainId, verifyingContract] = await ledger.eip712Domain();
  return claimKey.signTypedData(
    { name, version, chainId, verifyingContract },
    { Claim: [{ name: "invoiceId", type: "bytes32" }, { name: "claimant", type: "address" }] },
    { invoiceId: id, claimant },
  );
}

export function taxpayerIdBytes(id: string): string {
  return ethers.hexlify(ethers.toUtf8Bytes(id));
}
