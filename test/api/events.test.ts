import { expect } from "chai";
import fc from "fast-check";
import { Interface, getAddress, hexlify, randomBytes, toBeHex, type EventFragment } from "ethers";

import { decodableEvents, decodeEvent, type RawLog } from "../../api/indexer/events";
import { InvoiceLedger__factory, ParticipantRegistry__factory } from "../../typechain-types";

/**
 * The indexer's own log decoder (it reads ABI words directly, for speed) against ethers' reference decoder:
 * every event of both contracts is decodable, and for random values both read the same arguments.
 */
describe("event decoding", () => {
  const interfaces = [new Interface(InvoiceLedger__factory.abi), new Interface(ParticipantRegistry__factory.abi)];
  const fragments: { iface: Interface; fragment: EventFragment }[] = [];
  for (const iface of interfaces) iface.forEachEvent((fragment) => fragments.push({ iface, fragment }));

  // The events the index is built from (the rest, e.g. OpenZeppelin's role events, are decoded and skipped).
  const OURS = ["QuotaGranted", "InvoiceIssued", "InvoiceClaimed", "InvoiceTransferred", "InvoiceSubmitted", "InvoiceRejected", "InvoiceReimbursed", "InvoiceFiled", "ReversalRequested", "InvoiceReversed", "ReversalCancelled", "InvoiceFrozen", "InvoiceUnfrozen", "InvoiceReleased", "InvoiceReassigned", "ParticipantRegistered", "ParticipantStatusChanged"];

  it("decodes every event the ledger and the registry can emit", () => {
    // Both contracts emit the upgrade events of their common base (IDelayedUpgrades, ERC-1967): one decoder each.
    expect(decodableEvents()).to.have.members([...new Set(fragments.map((f) => f.fragment.name))]);
    expect(fragments.map((f) => f.fragment.name)).to.include.members(OURS);
  });

  it("reads the same values as ethers for random arguments", () => {
    const value = (type: string) => {
      if (type === "address") return getAddress(hexlify(randomBytes(20)));
      if (type === "bool") return Math.random() < 0.5;
      const bits = /^u?int(\d*)$/.exec(type);
      if (bits) return BigInt(hexlify(randomBytes(Number(bits[1] || 256) / 8)));
      return hexlify(randomBytes(Number(type.slice(5))));
    };
    fc.assert(
      fc.property(fc.constantFrom(...fragments.filter((f) => OURS.includes(f.fragment.name))), fc.integer({ min: 0, max: 1_000_000 }), ({ iface, fragment }, block) => {
        const args = fragment.inputs.map((input) => value(input.type));
        const encoded = iface.encodeEventLog(fragment, args);
        const log: RawLog = { address: getAddress(hexlify(randomBytes(20))), ...encoded, blockNumber: toBeHex(block), transactionIndex: "0x0", logIndex: "0x1", transactionHash: hexlify(randomBytes(32)) };
        const reference = iface.parseLog(log)!;
        const ours = decodeEvent(log, new Date(0).toISOString());
        expect(ours, fragment.name).to.not.equal(undefined);
        expect(ours!.blockNumber).to.equal(block);
        // Compare the decoded argument words through the fields decodeEvent exposes: every address and id must match.
        const text = JSON.stringify(ours).toLowerCase();
        fragment.inputs.forEach((input, i) => {
          const v = reference.args[i];
          if (input.type === "address") expect(text, `${fragment.name}.${input.name}`).to.include(String(v).toLowerCase());
          if (input.type === "bytes32" && /id|creditNote/i.test(input.name)) expect(text, `${fragment.name}.${input.name}`).to.include(String(v).toLowerCase());
          if (/^uint(40|48|64)$/.test(input.type)) expect(text, `${fragment.name}.${input.name}`).to.include(`"${String(v)}"`);
        });
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it("keeps a taxpayer ID that is not 18 digits and capitals (one sent around the API: a NUL inside) as its hex, never as broken text", () => {
    const iface = interfaces[0]!;
    const fragment = iface.getEvent("InvoiceIssued")!;
    const odd = `0x${Buffer.from("9144030\u0000MA5FTE7X1", "utf8").toString("hex").padEnd(36, "0")}`;
    const good = `0x${Buffer.from("91440300MA5FTE7X1Q", "utf8").toString("hex")}`;
    const issued = (buyerTaxId: string) => {
      const args = fragment.inputs.map((input) => (input.name === "buyerTaxId" ? buyerTaxId : input.type === "address" ? getAddress(hexlify(randomBytes(20))) : input.type.startsWith("bytes") ? hexlify(randomBytes(Number(input.type.slice(5)))) : 1n));
      const encoded = iface.encodeEventLog(fragment, args);
      const log: RawLog = { address: getAddress(hexlify(randomBytes(20))), ...encoded, blockNumber: "0x1", transactionIndex: "0x0", logIndex: "0x0", transactionHash: hexlify(randomBytes(32)) };
      return decodeEvent(log, new Date(0).toISOString()) as { buyerTaxId: string | null };
    };
    expect(issued(odd).buyerTaxId).to.equal(odd.toLowerCase());
    expect(issued(good).buyerTaxId).to.equal("91440300MA5FTE7X1Q");
  });
});
