/**
 * Gas per ledger operation and per invoice in batches of 1, 10 and 100, on Hardhat's in-process
 * chain (Cancun, the same bytecode the ledger node runs). Writes bench/gas.json and prints a table.
 *
 *   npm run bench:gas
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ethers, network } from "hardhat";

import { prepareInvoice, prepareReversal, signClaim } from "../../test/contracts/helpers/documents";
import { deployLedgerFixture, TAXPAYER_IDS } from "../../test/contracts/helpers/fixture";

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return receipt.gasUsed;
}

async function main(): Promise<void> {
  const f = await deployLedgerFixture();
  const merchant = f.ledger.connect(f.merchantA);
  const batches: Record<string, { gasPerInvoice: number; gasTotal: number }> = {};
  for (const size of [1, 10, 100]) {
    const prepared = Array.from({ length: size }, () => prepareInvoice({ buyerTaxId: TAXPAYER_IDS.enterpriseA }));
    const gas = await gasOf(merchant.issueBatch(prepared.map((p) => p.request)));
    batches[String(size)] = { gasTotal: Number(gas), gasPerInvoice: Math.round(Number(gas) / size) };
  }

  const operations: Record<string, number> = {};
  const invoice = prepareInvoice({ buyerTaxId: TAXPAYER_IDS.enterpriseA });
  operations.issue = Number(await gasOf(merchant.issue(invoice.request)));
  const id = await f.ledger.invoiceIdOf(f.merchantA.address, invoice.request.requestId);
  const signature = await signClaim(f.ledger, id, f.employee1.address, invoice.claimKey);
  operations.claim = Number(await gasOf(f.ledger.connect(f.employee1).claim(id, invoice.commitment, signature)));
  operations.submit = Number(await gasOf(f.ledger.connect(f.employee1).submit(id, f.enterpriseA.address)));
  operations.reject = Number(await gasOf(f.ledger.connect(f.enterpriseA).reject(id, ethers.encodeBytes32String("AMOUNT"))));
  await f.ledger.connect(f.employee1).submit(id, f.enterpriseA.address);
  operations.reimburse = Number(await gasOf(f.ledger.connect(f.enterpriseA).reimburse(id)));
  operations.file = Number(await gasOf(f.ledger.connect(f.enterpriseA).file(id, f.period)));
  operations.freeze = Number(await gasOf(f.ledger.connect(f.officer).freeze(id, ethers.encodeBytes32String("AUDIT"))));
  operations.unfreeze = Number(await gasOf(f.ledger.connect(f.officer).unfreeze(id)));
  const reversal = prepareReversal({ total: 113_00n, tax: 13_00n });
  operations.reverseRequest = Number(await gasOf(merchant.reverse(id, reversal)));
  const creditNote = await f.ledger.creditNoteIdOf(f.merchantA.address, reversal.requestId);
  operations.reverseConfirm = Number(await gasOf(f.ledger.connect(f.enterpriseA).confirmReversal(creditNote)));
  const second = prepareInvoice();
  await merchant.issue(second.request);
  const secondId = await f.ledger.invoiceIdOf(f.merchantA.address, second.request.requestId);
  operations.reverseImmediatePartial = Number(await gasOf(merchant.reverse(secondId, prepareReversal({ total: 56_50n, tax: 6_50n }))));
  const third = prepareInvoice();
  await merchant.issue(third.request);
  const thirdId = await f.ledger.invoiceIdOf(f.merchantA.address, third.request.requestId);
  const thirdSignature = await signClaim(f.ledger, thirdId, f.employee1.address, third.claimKey);
  await f.ledger.connect(f.employee1).claim(thirdId, third.commitment, thirdSignature);
  operations.transfer = Number(await gasOf(f.ledger.connect(f.employee1).transfer(thirdId, f.employee2.address)));

  const result = {
    generatedAt: new Date().toISOString(),
    network: network.name,
    hardfork: "cancun",
    solc: "0.8.28 (optimizer, 10000 runs; InvoiceLedger 200 runs, see hardhat.config.ts)",
    node: process.version,
    target: { gasPerInvoiceInBatchOf100: 60_000 },
    batches,
    operations,
  };
  mkdirSync("bench", { recursive: true });
  writeFileSync(join("bench", "gas.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.table(Object.fromEntries(Object.entries(batches).map(([k, v]) => [`issueBatch(${k})`, v])));
  console.table(operations);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
