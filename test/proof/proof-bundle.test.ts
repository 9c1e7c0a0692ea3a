import { expect } from "chai";
import { Wallet, hexlify, randomBytes, toQuantity } from "ethers";

import type { LedgerClient } from "../../api/chain/ledger-client";
import { ApiError } from "../../api/errors";
import type { ProvableDocumentFile as DocumentFile } from "../../lib/proof/proof-bundle";
import { createProofs } from "../../api/services/proofs";
import { headerHash } from "../../lib/proof/header-hash";
import { slotOf } from "../../lib/proof/ledger-storage";
import type { ProofBundle } from "../../lib/proof/proof-bundle";
import { ProofOptionsError, verifyProofBundle, type ProofRefusalCode, type ProofVerdict } from "../../lib/proof/verify-proof-bundle";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { registerCast, startSystem, type Cast, type TestSystem } from "../api/helpers/system";

/** A bundle as a holder keeps it: JSON text, parsed back (nothing of the builder's objects survives). */
type Json = any;

const roundTrip = (bundle: ProofBundle | undefined): Json => {
  expect(bundle).to.not.equal(undefined);
  return JSON.parse(JSON.stringify(bundle));
};

/** One byte of a hex string changed: the byte at `index` (negative: from the end). */
function flipByte(hex: string, index: number): string {
  const bytes = (hex.length - 2) / 2;
  const at = 2 + ((index + bytes) % bytes) * 2;
  const byte = parseInt(hex.slice(at, at + 2), 16) ^ 0x01;
  return `${hex.slice(0, at)}${byte.toString(16).padStart(2, "0")}${hex.slice(at + 2)}`;
}

/** A hex quantity with its lowest bit changed (one byte of the value). */
const flipQuantity = (quantity: string) => toQuantity(BigInt(quantity) ^ 1n);

function refusal(verdict: ProofVerdict): ProofRefusalCode | "valid" {
  return verdict.valid ? "valid" : verdict.reason;
}

/**
 * The offline proof bundle of an invoice (and a credit note), built by the API's service from a real ledger node
 * through standard JSON-RPC and checked by lib/proof's verifier with nothing but the authority's address and the
 * document: it verifies after a JSON round trip, says which block and state, follows the lifecycle, and is
 * refused, each time with its reason, when one byte of the record, a proof, the header, the seal or the document
 * changes, or when it is not a bundle at all.
 */
describe("proof bundles: built from the ledger, verified offline", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cast: Cast;
  let client: LedgerClient;
  let authority: string;
  let invoice: { id: string; number: string; total: string; tax: string; claimCode: string };
  let file: DocumentFile;
  /** The invoice's bundle while it was Issued, with its document inside. */
  let issued: Json;

  const proofs = () => createProofs(client);
  const verify = (bundle: unknown, options: Parameters<typeof verifyProofBundle>[1] = { authority }) => verifyProofBundle(bundle, options);

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
    client = system.api.ctx.client;
    authority = system.node.ready.authority;
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const answer = await cast.merchant.client.post("/v1/invoices", invoiceBody("proof-1", buyer, { quantity: 3, unitPrice: 5_800 }));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    invoice = answer.body.invoice;
    file = (await cast.merchant.client.get(`/v1/invoices/${invoice.id}`)).body.document as DocumentFile;
    issued = roundTrip(await proofs().invoiceBundle(invoice.id, file));
  });

  after(async () => {
    await system?.close();
  });

  it("verifies offline with the authority's address and the document, and says what it proves", async () => {
    const verdict = await verify(issued);
    if (!verdict.valid) expect.fail(`${verdict.reason}: ${verdict.detail}`);
    const head = (await client.rpc<{ hash: string; timestamp: string }>("eth_getBlockByNumber", [issued.block.number, false]))!;
    expect(verdict.proves).to.deep.include({
      kind: "invoice", id: invoice.id.toLowerCase(), number: invoice.number, total: invoice.total, tax: invoice.tax, state: "Issued",
      sealedBy: authority, contract: client.addresses.ledger, chainId: client.chainId.toString(),
      blockNumber: BigInt(issued.block.number).toString(), blockHash: head.hash, blockTimestamp: BigInt(head.timestamp).toString(), documentMatches: true,
    });
    expect(verdict.proves.record).to.deep.include({ buyerTaxId: cast.enterprise.taxpayerId, holder: null, enterprise: null, filedPeriod: null, reversalPending: false });
    expect(issued.format).to.equal("e-invoice-ledger/proof@1");
    expect(issued.storage).to.have.length(4);
  });

  it("verifies with the document given beside a bundle that does not carry it, and without any document", async () => {
    const { document: _document, ...bare } = issued;
    const withFile = await verify(bare, { authority, document: file });
    expect(withFile.valid && withFile.proves.documentMatches).to.equal(true);
    const alone = await verify(bare);
    expect(alone.valid).to.equal(true);
    expect(alone.valid && alone.proves.documentMatches).to.equal(undefined);
  });

  it("shows the new state in a bundle made after the invoice is claimed and submitted; the earlier one still says Issued at its block", async () => {
    expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })).status).to.equal(200);
    expect((await cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account })).body.state).to.equal("Locked");
    const locked = roundTrip(await proofs().invoiceBundle(invoice.id));
    const verdict = await verify(locked, { authority, document: file });
    if (!verdict.valid) expect.fail(`${verdict.reason}: ${verdict.detail}`);
    expect(verdict.proves.state).to.equal("Locked");
    expect(verdict.proves.record).to.deep.include({ holder: cast.employee.account, enterprise: cast.enterprise.account });
    expect(BigInt(verdict.proves.blockNumber)).to.be.greaterThan(BigInt(issued.block.number));
    const before = await verify(issued);
    expect(before.valid && [before.proves.state, before.proves.blockNumber]).to.deep.equal(["Issued", BigInt(issued.block.number).toString()]);
  });

  it("proves a credit note with the state of the invoice it reverses", async () => {
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const reversed = (await cast.merchant.client.post("/v1/invoices", invoiceBody("proof-2", buyer))).body.invoice as { id: string; number: string };
    const reversal = await cast.merchant.client.post(`/v1/invoices/${reversed.id}/reversals`, { reference: "proof-refund-2", reason: "sales-return" });
    expect(reversal.status, JSON.stringify(reversal.body)).to.equal(201);
    const note = (await cast.merchant.client.get(`/v1/credit-notes/${reversal.body.creditNote.id}`)).body as { id: string; number: string; total: string; tax: string; document: DocumentFile };
    const bundle = roundTrip(await proofs().creditNoteBundle(note.id, note.document));
    const verdict = await verify(bundle);
    if (!verdict.valid) expect.fail(`${verdict.reason}: ${verdict.detail}`);
    expect(verdict.proves).to.deep.include({ kind: "credit-note", id: note.id, number: note.number, total: note.total, tax: note.tax, state: "Reversed", documentMatches: true });
    expect(verdict.proves.record).to.deep.include({ reason: "sales-return", status: "Effective" });
    expect(verdict.valid && verdict.proves.kind === "credit-note" && verdict.proves.record.invoice).to.deep.include({ id: reversed.id.toLowerCase(), number: reversed.number, state: "Reversed" });
    // A credit note's bundle is not an invoice's, nor the other way round.
    expect(refusal(await verify({ ...bundle, kind: "invoice" }))).to.equal("FORMAT_INVALID");
    expect(refusal(await verify(bundle, { authority, document: file }))).to.equal("DOCUMENT_MISMATCH");
  });

  it("has no bundle for an id the ledger does not know", async () => {
    expect(await proofs().invoiceBundle(hexlify(randomBytes(32)))).to.equal(undefined);
    expect(await proofs().creditNoteBundle(hexlify(randomBytes(32)))).to.equal(undefined);
    expect(await proofs().creditNoteBundle(invoice.id)).to.equal(undefined);
    expect(await proofs().invoiceBundle("not-an-id")).to.equal(undefined);
  });

  it("refuses as NOT_ON_LEDGER a bundle whose proofs hold but prove that the id has no record", async () => {
    const unknown = hexlify(randomBytes(32));
    const slot = slotOf("_issuances", unknown);
    const proof = await client.rpc<{ storageProof: { key: string; value: string; proof: string[] }[] }>("eth_getProof", [client.addresses.ledger, [slot], issued.block.number]);
    const absent = { ...issued, id: unknown, storage: [{ slot, value: proof.storageProof[0]!.value, proof: proof.storageProof[0]!.proof }] };
    delete absent.document;
    expect(proof.storageProof[0]!.value).to.equal("0x0");
    expect(refusal(await verify(absent))).to.equal("NOT_ON_LEDGER");
  });

  describe("one byte changed anywhere is refused, with its reason", () => {
    const recordIndex = (b: Json) => b.storage.findIndex((s: { slot: string }) => s.slot === slotOf("_records", BigInt(b.record.number)));
    const issuanceIndex = (b: Json) => b.storage.findIndex((s: { slot: string }) => s.slot === slotOf("_issuances", b.id));
    const cases: { what: string; change: (b: Json) => void; reason: ProofRefusalCode }[] = [
      { what: "the record's storage word", change: (b) => (b.storage[recordIndex(b)].value = flipQuantity(b.storage[recordIndex(b)].value)), reason: "STORAGE_PROOF_INVALID" },
      { what: "the issuance's storage word", change: (b) => (b.storage[issuanceIndex(b)].value = flipQuantity(b.storage[issuanceIndex(b)].value)), reason: "STORAGE_PROOF_INVALID" },
      { what: "the first node of the record word's proof", change: (b) => (b.storage[recordIndex(b)].proof[0] = flipByte(b.storage[recordIndex(b)].proof[0], 10)), reason: "STORAGE_PROOF_INVALID" },
      { what: "the last node of the record word's proof", change: (b) => { const p = b.storage[recordIndex(b)].proof; p[p.length - 1] = flipByte(p[p.length - 1], -1); }, reason: "STORAGE_PROOF_INVALID" },
      { what: "the decoded record's total", change: (b) => (b.record.total = (BigInt(b.record.total) + 1n).toString()), reason: "RECORD_MISMATCH" },
      { what: "the decoded record's state", change: (b) => (b.record.state = "Reimbursed"), reason: "RECORD_MISMATCH" },
      { what: "the decoded record's seal", change: (b) => (b.record.seal = flipByte(b.record.seal, 0)), reason: "RECORD_MISMATCH" },
      { what: "the first node of the account proof", change: (b) => (b.account.accountProof[0] = flipByte(b.account.accountProof[0], 10)), reason: "ACCOUNT_PROOF_INVALID" },
      { what: "the last node of the account proof", change: (b) => { const p = b.account.accountProof; p[p.length - 1] = flipByte(p[p.length - 1], -1); }, reason: "ACCOUNT_PROOF_INVALID" },
      { what: "the account's storage hash", change: (b) => (b.account.storageHash = flipByte(b.account.storageHash, 31)), reason: "ACCOUNT_PROOF_INVALID" },
      { what: "the account's nonce", change: (b) => (b.account.nonce = flipQuantity(b.account.nonce)), reason: "ACCOUNT_PROOF_INVALID" },
      { what: "the contract (and the account proven)", change: (b) => (b.contract = b.account.address = flipByte(b.contract.toLowerCase(), 19)), reason: "ACCOUNT_PROOF_INVALID" },
      { what: "the header's state root", change: (b) => (b.block.stateRoot = flipByte(b.block.stateRoot, 0)), reason: "HEADER_HASH_MISMATCH" },
      { what: "the header's number", change: (b) => (b.block.number = flipQuantity(b.block.number)), reason: "HEADER_HASH_MISMATCH" },
      { what: "the header's timestamp", change: (b) => (b.block.timestamp = flipQuantity(b.block.timestamp)), reason: "HEADER_HASH_MISMATCH" },
      { what: "the header's parent hash", change: (b) => (b.block.parentHash = flipByte(b.block.parentHash, 5)), reason: "HEADER_HASH_MISMATCH" },
      { what: "the header's logs bloom", change: (b) => (b.block.logsBloom = flipByte(b.block.logsBloom, 100)), reason: "HEADER_HASH_MISMATCH" },
      { what: "the block hash", change: (b) => (b.block.hash = flipByte(b.block.hash, 31)), reason: "HEADER_HASH_MISMATCH" },
      { what: "the header's state root, with the block hash made to match", change: (b) => { b.block.stateRoot = flipByte(b.block.stateRoot, 0); b.block.hash = headerHash(b.block); }, reason: "SEAL_INVALID" },
      { what: "the seal's signature (r)", change: (b) => (b.seal.signature = flipByte(b.seal.signature, 10)), reason: "SEAL_INVALID" },
      { what: "the seal's signature (s)", change: (b) => (b.seal.signature = flipByte(b.seal.signature, 40)), reason: "SEAL_INVALID" },
      { what: "the seal's signature (v)", change: (b) => (b.seal.signature = flipByte(b.seal.signature, 64)), reason: "SEAL_INVALID" },
      { what: "the seal's signer", change: (b) => (b.seal.signer = flipByte(b.seal.signer.toLowerCase(), 19)), reason: "SEAL_INVALID" },
      { what: "the chain id", change: (b) => (b.chainId = (BigInt(b.chainId) + 1n).toString()), reason: "SEAL_INVALID" },
      { what: "the seal, taken out", change: (b) => (b.seal = null), reason: "UNSEALED" },
      { what: "the id", change: (b) => (b.id = flipByte(b.id, 31)), reason: "STORAGE_PROOF_INVALID" },
      { what: "a storage word, left out", change: (b) => b.storage.splice(recordIndex(b), 1), reason: "STORAGE_PROOF_INVALID" },
      { what: "a storage word, given twice", change: (b) => b.storage.push(b.storage[0]), reason: "FORMAT_INVALID" },
      { what: "a name in the document", change: (b) => (b.document.document.buyer.name = b.document.document.buyer.name.replace("科技", "科拔")), reason: "DOCUMENT_MISMATCH" },
      { what: "the seller's name in the document", change: (b) => (b.document.document.seller.name += "。"), reason: "DOCUMENT_MISMATCH" },
      { what: "the document's total", change: (b) => (b.document.document.totals.total = (BigInt(b.document.document.totals.total) + 1n).toString()), reason: "DOCUMENT_MISMATCH" },
      { what: "the document's salt", change: (b) => (b.document.salt = flipByte(b.document.salt, 0)), reason: "DOCUMENT_MISMATCH" },
      { what: "the document's claim key address", change: (b) => (b.document.claimKeyAddress = flipByte(b.document.claimKeyAddress.toLowerCase(), 0)), reason: "DOCUMENT_MISMATCH" },
      { what: "the document file's number", change: (b) => (b.document.number = (BigInt(b.document.number) + 1n).toString()), reason: "DOCUMENT_MISMATCH" },
      { what: "the document file's check code", change: (b) => (b.document.checkCode = b.document.checkCode.replace(/.$/, (d: string) => String((Number(d) + 1) % 10))), reason: "DOCUMENT_MISMATCH" },
    ];

    it("verifies the bundle the cases start from", async () => {
      expect(refusal(await verify(structuredClone(issued)))).to.equal("valid");
    });

    for (const { what, change, reason } of cases) {
      it(`${what}: ${reason}`, async () => {
        const bundle = structuredClone(issued);
        change(bundle);
        expect(JSON.stringify(bundle)).to.not.equal(JSON.stringify(issued));
        expect(refusal(await verify(JSON.parse(JSON.stringify(bundle))))).to.equal(reason);
      });
    }
  });

  it("is refused under another authority's address, and verifies under a trusted block hash alone", async () => {
    expect(refusal(await verify(issued, { authority: Wallet.createRandom().address }))).to.equal("SEAL_NOT_AUTHORITY");
    const trusted = await verify(issued, { trustedBlockHash: issued.block.hash });
    expect(trusted.valid && trusted.proves.sealedBy).to.equal(authority);
    expect(refusal(await verify(issued, { authority, trustedBlockHash: flipByte(issued.block.hash, 0) }))).to.equal("BLOCK_NOT_TRUSTED");
    expect(refusal(await verify(issued, { authority, contract: client.addresses.registry }))).to.equal("CONTRACT_MISMATCH");
    expect(refusal(await verify(issued, { authority, contract: client.addresses.ledger }))).to.equal("valid");
  });

  it("builds an unsealed bundle on a chain that has no ledger_getBlockSeal (-32601), which verifies only under a trusted block hash", async () => {
    const foreign: LedgerClient = {
      ...client,
      rpc: async (method, params) => {
        if (method === "ledger_getBlockSeal") throw Object.assign(new Error("ledger_getBlockSeal: the method does not exist"), { code: -32601 });
        return client.rpc(method, params);
      },
    };
    const bundle = roundTrip(await createProofs(foreign).invoiceBundle(invoice.id, file));
    expect(bundle.seal).to.equal(null);
    expect(refusal(await verify(bundle))).to.equal("UNSEALED");
    const trusted = await verify(bundle, { trustedBlockHash: bundle.block.hash, document: file });
    expect(trusted.valid && [trusted.proves.sealedBy, trusted.proves.documentMatches]).to.deep.equal([null, true]);
    expect(refusal(await verify(bundle, { trustedBlockHash: flipByte(bundle.block.hash, 1) }))).to.equal("BLOCK_NOT_TRUSTED");
  });

  it("asks again at a new head when the chain no longer holds the state it named (-32000), and gives up after three heads", async () => {
    let refused = 0;
    const pruning = (times: number): LedgerClient => ({
      ...client,
      rpc: async (method, params) => {
        if (method === "eth_getProof" && refused < times) {
          refused++;
          throw Object.assign(new Error("eth_getProof: missing trie node"), { code: -32000 });
        }
        return client.rpc(method, params);
      },
    });
    expect(await createProofs(pruning(1)).invoiceBundle(invoice.id)).to.not.equal(undefined);
    expect(refused).to.equal(1);
    refused = 0;
    const failed = await createProofs(pruning(Infinity)).invoiceBundle(invoice.id).then(() => undefined, (error: unknown) => error);
    expect(refused).to.equal(3);
    expect(failed).to.be.instanceOf(ApiError);
    expect((failed as ApiError).code).to.equal("LEDGER_ERROR");
  });

  it("refuses anything that is not a bundle as FORMAT_INVALID, without throwing", async () => {
    // A word proven like the others, at the same block, but not one the record is read from.
    const stray = slotOf("_records", 0n);
    const strayProof = (await client.rpc<{ storageProof: { value: string; proof: string[] }[] }>("eth_getProof", [client.addresses.ledger, [stray], issued.block.number])).storageProof[0]!;
    const shapes: [string, unknown][] = [
      ["null", null],
      ["a number", 42],
      ["a string", JSON.stringify(issued)],
      ["an array", [issued]],
      ["an empty object", {}],
      ["another format", { ...issued, format: "e-invoice-ledger/proof@2" }],
      ["an unknown field", { ...issued, verified: true }],
      ["a header without its state root", { ...issued, block: { ...issued.block, stateRoot: undefined } }],
      ["a header field that is not hex", { ...issued, block: { ...issued.block, number: "15" } }],
      ["an unknown header field", { ...issued, block: { ...issued.block, totalDifficulty: "0x0" } }],
      ["a header with a fork field missing before later ones", { ...issued, block: { ...issued.block, withdrawalsRoot: undefined } }],
      ["storage that is not a list", { ...issued, storage: "0x" }],
      ["no storage words", { ...issued, storage: [] }],
      ["a proven storage word that is not in the record", { ...issued, storage: [...issued.storage, { slot: stray, value: strayProof.value, proof: strayProof.proof }] }],
      ["a proof node that is not hex", { ...issued, account: { ...issued.account, accountProof: ["0xzz"] } }],
      ["a proof longer than any trie", { ...issued, account: { ...issued.account, accountProof: Array.from({ length: 70 }, () => issued.account.accountProof[0]) } }],
      ["a short signature", { ...issued, seal: { ...issued.seal, signature: issued.seal.signature.slice(0, 100) } }],
      ["a record without its total", { ...issued, record: { ...issued.record, total: undefined } }],
      ["a negative total", { ...issued, record: { ...issued.record, total: "-1" } }],
      ["a state that does not exist", { ...issued, record: { ...issued.record, state: "Paid" } }],
      ["a credit note's kind with an invoice's record", { ...issued, kind: "credit-note" }],
      ["a document file without its salt", { ...issued, document: { ...issued.document, salt: undefined } }],
      ["the account of another address", { ...issued, account: { ...issued.account, address: client.addresses.registry } }],
    ];
    for (const [what, shape] of shapes) {
      const verdict = await verify(JSON.parse(JSON.stringify(shape) ?? "null"));
      expect(refusal(verdict), what).to.equal("FORMAT_INVALID");
    }
    expect(refusal(await verify(issued, { authority, document: { id: invoice.id } as never }))).to.equal("FORMAT_INVALID");
  });

  it("throws ProofOptionsError for options the caller got wrong: nothing to trust, or an authority that is not an address", async () => {
    for (const options of [{}, { authority: "0x1234" }, { trustedBlockHash: "latest" }, { authority, contract: "ledger" }]) {
      const error = await verifyProofBundle(issued, options).then(() => undefined, (e: unknown) => e);
      expect(error, JSON.stringify(options)).to.be.instanceOf(ProofOptionsError);
    }
  });
});
