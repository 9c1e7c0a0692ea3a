import { rmSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

import { expect } from "chai";
import { NonceManager, Wallet, ZeroHash, zeroPadValue } from "ethers";
import { createPublicClient, defineChain, http } from "viem";

import { InvoiceLedger__factory } from "../../typechain-types";
import { prepareInvoice } from "../contracts/helpers/documents";
import { connect, issueSome, registerMerchant, rpc } from "./helpers/clients";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";

/**
 * Every read a client can make of the chain's history and state answers the same before and after a restart
 * of the node (SIGTERM, then kill -9), from raw JSON-RPC, from ethers and from viem. It guards a change of
 * where the node reads blocks, transactions, receipts and logs from: whatever serves them, a restart (a
 * replay of the journal) must not change one byte of an answer.
 */

/** Long enough that two transactions sent together share a block (the node's default window is 2 ms). */
const BLOCK_WINDOW_MS = 100;

const LEDGER = InvoiceLedger__factory.createInterface();
const NEXT_NUMBER = LEDGER.encodeFunctionData("nextNumber");
const INVOICE_ISSUED = LEDGER.getEvent("InvoiceIssued").topicHash;
const QUOTA_GRANTED = LEDGER.getEvent("QuotaGranted").topicHash;
/** A hash no block or transaction has. */
const UNKNOWN_HASH = `0x${"ab".repeat(32)}`;

/** One recorded answer: its result, or the code of its error (messages are for people and may be reworded). */
type Answer = { result: unknown } | { error: number };
/** Answers by a readable label such as `eth_getBlockByNumber(5,true)`, so that a difference names its read. */
type Reads = Record<string, Answer>;

interface Read {
  label: string;
  method: string;
  params: unknown[];
  /** Takes out what the answer owes to the clock rather than to the chain. */
  normalize?: (result: unknown) => unknown;
}

/** What the history below holds, for the reads to ask about. */
interface History {
  authority: string;
  merchant: string;
  merchantKey: string;
  ledger: string;
  registry: string;
  /** A block in the middle of the history: state is read as it was there too. */
  older: number;
  /** The block with two transactions. */
  pairBlock: number;
  /** The transaction the ledger refused (status 0). */
  reverted: string;
}

interface RawLog { address: string; topics: string[]; data: string; blockNumber: string; blockHash: string; transactionHash: string; transactionIndex: string; logIndex: string }
interface RawTransaction { hash: string; type: string; blockHash: string; blockNumber: string; transactionIndex: string; from: string; to: string | null; nonce: string; input: string; value: string }
interface RawReceipt { transactionHash: string; blockHash: string; blockNumber: string; transactionIndex: string; status: string; gasUsed: string; cumulativeGasUsed: string; logs: RawLog[] }
interface RawBlock { hash: string; parentHash: string; number: string; timestamp: string; stateRoot: string; gasUsed: string; gasLimit: string; miner: string; transactions: string[] }
type RawFullBlock = Omit<RawBlock, "transactions"> & { transactions: RawTransaction[] };

const quantity = (value: bigint | number) => `0x${value.toString(16)}`;

describe("ledger-node reads across restarts", function () {
  this.timeout(180_000);
  let dir: string;
  let node: NodeProcess | undefined;
  let history: History;
  let reads: Read[];
  let baseline: Reads;

  /** The node now running (each restart replaces it). */
  const running = () => {
    if (node === undefined) throw new Error("the node did not start");
    return node;
  };

  before(async () => {
    dir = freshDataDir();
    node = await startNodeProcess(dir, {}, BLOCK_WINDOW_MS);
    history = await makeHistory(node, dir);
    reads = await planReads(node.url, history);
    baseline = await record(node.url, reads);
  });

  after(async () => {
    if (node !== undefined && node.child.exitCode === null && node.child.signalCode === null) await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records a history that has what the reads are about", () => {
    const answer = (label: string) => resultOf<unknown>(baseline, label);
    const pair = answer(`eth_getBlockByNumber(${history.pairBlock},true)`) as RawFullBlock;
    expect(pair.transactions.map((t) => t.type)).to.deep.equal(["0x0", "0x2"]);
    const deployment = answer("eth_getBlockByNumber(1,true)") as RawFullBlock;
    expect(deployment.transactions.map((t) => t.to)).to.include(null);
    expect((answer(`eth_getTransactionReceipt(${history.reverted})`) as RawReceipt).status).to.equal("0x0");
    const issued = answer("eth_getLogs(address,topic0)") as RawLog[];
    expect(issued).to.have.length(5 * 5);
    expect(answer("eth_getLogs(topic0 one of two)") as RawLog[]).to.have.length(issued.length + 1);
    expect(answer("eth_getLogs(topic0,null,null,seller)") as RawLog[]).to.have.length(issued.length);
    expect(answer(`eth_getLogs(blockHash of ${history.pairBlock})`) as RawLog[]).to.have.length(10);
    expect(answer("eth_getLogs(range)") as RawLog[]).to.not.be.empty;
    const proof = answer("eth_getProof(ledger,[0,1],latest)") as { storageHash: string; accountProof: string[]; storageProof: { key: string }[] };
    expect(proof.accountProof).to.not.be.empty;
    expect(proof.storageProof.map((p) => BigInt(p.key))).to.deep.equal([0n, 1n]);
    expect(answer(`eth_call(nextNumber,${history.older})`)).to.not.equal(answer("eth_call(nextNumber,latest)"));
    expect(answer("eth_getBlockByNumber(beyond head,false)")).to.equal(null);
    expect(answer("eth_getTransactionReceipt(unknown)")).to.equal(null);
  });

  it("reads the same through ethers and viem as through raw JSON-RPC", async () => {
    await expectClientsAgree(running(), dir, history, baseline);
  });

  it("answers every read the same after a graceful restart", async () => {
    expect(await running().stop()).to.equal(0);
    node = await startNodeProcess(dir, {}, BLOCK_WINDOW_MS);
    expectSameReads(await record(node.url, reads), baseline);
    await expectClientsAgree(node, dir, history, baseline);
  });

  it("answers every read the same after kill -9", async () => {
    await running().kill();
    node = await startNodeProcess(dir, {}, BLOCK_WINDOW_MS);
    expectSameReads(await record(node.url, reads), baseline);
    await expectClientsAgree(node, dir, history, baseline);
  });

  it("tells filters of the next block and its logs, answers a filter's logs, and uninstalls each filter once", async () => {
    const current = running();
    const ask = async (method: string, params: unknown[]) => {
      const answer = await rpc(current.url, method, params);
      expect(answer.error, `${method} ${JSON.stringify(params)}`).to.equal(undefined);
      return answer.result;
    };
    const ledgerLogs = (await ask("eth_newFilter", [{ address: history.ledger }])) as string;
    const everyLedgerLog = (await ask("eth_newFilter", [{ address: history.ledger, fromBlock: "0x0" }])) as string;
    const blocks = (await ask("eth_newBlockFilter", [])) as string;
    // The engine's first poll of a filter also answers what was there when it was installed (the head block;
    // a log filter's logs from its fromBlock on), where geth's answers only what came after: polled once now,
    // so that what follows holds for either. For the same reason `everyLedgerLog` is never polled: the engine
    // answers eth_getFilterLogs with what the filter collected since its last poll, geth with every match.
    await ask("eth_getFilterChanges", [ledgerLogs]);
    await ask("eth_getFilterChanges", [blocks]);

    const c = connect(current, dir);
    try {
      const merchant = c.ledger.connect(new NonceManager(new Wallet(history.merchantKey, c.provider)));
      const [receipt] = await issueSome(merchant, 1);
      const newLogs = (await ask("eth_getLogs", [{ blockHash: receipt!.blockHash, address: history.ledger }])) as RawLog[];
      expect(newLogs).to.have.length(5);
      expect(await ask("eth_getFilterChanges", [blocks])).to.deep.equal([receipt!.blockHash]);
      expect(await ask("eth_getFilterChanges", [ledgerLogs])).to.deep.equal(newLogs);
      expect(await ask("eth_getFilterChanges", [blocks])).to.deep.equal([]);
      expect(await ask("eth_getFilterChanges", [ledgerLogs])).to.deep.equal([]);
      const allSoFar = await ask("eth_getLogs", [{ address: history.ledger, fromBlock: "0x0" }]);
      expect(allSoFar).to.include.deep.members(newLogs);
      expect(await ask("eth_getFilterLogs", [everyLedgerLog])).to.deep.equal(allSoFar);
    } finally {
      c.provider.destroy();
    }
    for (const id of [ledgerLogs, everyLedgerLog, blocks]) {
      expect(await ask("eth_uninstallFilter", [id]), `first uninstall of ${id}`).to.equal(true);
      expect(await ask("eth_uninstallFilter", [id]), `second uninstall of ${id}`).to.equal(false);
    }
  });
});

/**
 * Deploys (the node's first start), registers a merchant with a quota, and issues invoices in batches of 5:
 * two blocks of one transaction, one block of two transactions sent together, a block whose one transaction
 * the ledger refuses (status 0), and a last block of one transaction.
 */
async function makeHistory(node: NodeProcess, dir: string): Promise<History> {
  const c = connect(node, dir);
  try {
    const m = await registerMerchant(c);
    const [first] = await issueSome(m.ledger, 2);

    // Signed ahead and sent at once, so that one block (the node waits BLOCK_WINDOW_MS for more) takes both;
    // one legacy and one EIP-1559 transaction, so that both encodings are read back.
    const signer = new Wallet(m.key);
    const nonce = await c.provider.getTransactionCount(m.address, "latest");
    const fees = [{ type: 0, gasPrice: 0 }, { type: 2, maxFeePerGas: 0, maxPriorityFeePerGas: 0 }];
    const raws = await Promise.all(fees.map(async (fee, i) => {
      const { to, data } = await m.ledger.issueBatch.populateTransaction(Array.from({ length: 5 }, () => prepareInvoice().request));
      return signer.signTransaction({ to, data, nonce: nonce + i, gasLimit: 2_000_000, chainId: node.ready.chainId, ...fee });
    }));
    const sent = await Promise.all(raws.map((raw) => rpc(node.url, "eth_sendRawTransaction", [raw])));
    const pair = await Promise.all(sent.map((answer) => c.provider.waitForTransaction(answer.result as string)));
    expect(pair.map((r) => [r!.status, r!.blockNumber])).to.deep.equal([[1, pair[0]!.blockNumber], [1, pair[0]!.blockNumber]]);
    m.merchant.reset(); // its nonces were taken outside it

    // Only the bureau freezes: with a gas limit given, nothing estimates (and refuses) it before the block.
    const refused = await m.ledger.freeze(first!.logs[0]!.topics[1]!, ZeroHash, { gasLimit: 200_000 });
    const reverted = await c.provider.waitForTransaction(refused.hash);
    expect(reverted!.status).to.equal(0);

    await issueSome(m.ledger, 1);
    return {
      authority: node.ready.authority,
      merchant: m.address,
      merchantKey: m.key,
      ledger: node.ready.contracts.ledger,
      registry: node.ready.contracts.registry,
      older: first!.blockNumber,
      pairBlock: pair[0]!.blockNumber,
      reverted: refused.hash,
    };
  } finally {
    c.provider.destroy();
  }
}

/** The reads to record, planned once from the first node's blocks so that every later record asks the same. */
async function planReads(url: string, h: History): Promise<Read[]> {
  const plan: Read[] = [];
  const add = (label: string, method: string, params: unknown[]) => plan.push({ label, method, params });
  const head = Number((await rpc(url, "eth_blockNumber")).result);

  for (const method of ["eth_chainId", "net_version", "eth_blockNumber", "web3_clientVersion", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_syncing", "eth_accounts", "net_listening", "net_peerCount"]) {
    add(method, method, []);
  }

  for (let n = 0; n <= head; n++) {
    const block = (await rpc(url, "eth_getBlockByNumber", [quantity(n), false])).result as RawBlock;
    for (const full of [false, true]) {
      add(`eth_getBlockByNumber(${n},${full})`, "eth_getBlockByNumber", [quantity(n), full]);
      add(`eth_getBlockByHash(#${n},${full})`, "eth_getBlockByHash", [block.hash, full]);
    }
    add(`eth_getBlockTransactionCountByNumber(${n})`, "eth_getBlockTransactionCountByNumber", [quantity(n)]);
    add(`eth_getBlockTransactionCountByHash(#${n})`, "eth_getBlockTransactionCountByHash", [block.hash]);
    for (const [index, hash] of block.transactions.entries()) {
      add(`eth_getTransactionByHash(${hash})`, "eth_getTransactionByHash", [hash]);
      add(`eth_getTransactionByBlockNumberAndIndex(${n},${index})`, "eth_getTransactionByBlockNumberAndIndex", [quantity(n), quantity(index)]);
      add(`eth_getTransactionByBlockHashAndIndex(#${n},${index})`, "eth_getTransactionByBlockHashAndIndex", [block.hash, quantity(index)]);
      add(`eth_getTransactionReceipt(${hash})`, "eth_getTransactionReceipt", [hash]);
    }
    add(`eth_getTransactionByBlockNumberAndIndex(${n},past the end)`, "eth_getTransactionByBlockNumberAndIndex", [quantity(n), quantity(block.transactions.length)]);
  }

  for (const tag of ["latest", "earliest", "safe", "finalized"]) {
    add(`eth_getBlockByNumber(${tag},false)`, "eth_getBlockByNumber", [tag, false]);
  }
  add("eth_getBlockByNumber(latest,true)", "eth_getBlockByNumber", ["latest", true]);
  // A pending block is built when it is asked for, stamped with the time of asking (and hashed with it).
  plan.push({
    label: "eth_getBlockByNumber(pending,false)",
    method: "eth_getBlockByNumber",
    params: ["pending", false],
    normalize: (block) => (block === null ? null : { ...(block as object), hash: "(built when asked)", timestamp: "(when asked)" }),
  });

  add("eth_getBlockByNumber(beyond head,false)", "eth_getBlockByNumber", [quantity(head + 1), false]);
  add("eth_getBlockByNumber(far beyond head,true)", "eth_getBlockByNumber", [quantity(head + 1_000_000), true]);
  add("eth_getBlockByHash(unknown,false)", "eth_getBlockByHash", [UNKNOWN_HASH, false]);
  add("eth_getBlockTransactionCountByNumber(beyond head)", "eth_getBlockTransactionCountByNumber", [quantity(head + 1)]);
  add("eth_getBlockTransactionCountByHash(unknown)", "eth_getBlockTransactionCountByHash", [UNKNOWN_HASH]);
  add("eth_getTransactionByHash(unknown)", "eth_getTransactionByHash", [UNKNOWN_HASH]);
  add("eth_getTransactionByBlockHashAndIndex(unknown,0)", "eth_getTransactionByBlockHashAndIndex", [UNKNOWN_HASH, "0x0"]);
  add("eth_getTransactionReceipt(unknown)", "eth_getTransactionReceipt", [UNKNOWN_HASH]);
  add("eth_getBlockByNumber(malformed)", "eth_getBlockByNumber", ["0xzz", false]);

  const seller = zeroPadValue(h.merchant, 32).toLowerCase();
  const pairHash = ((await rpc(url, "eth_getBlockByNumber", [quantity(h.pairBlock), false])).result as RawBlock).hash;
  const logQueries: [string, Record<string, unknown>][] = [
    ["all", { fromBlock: "0x0" }],
    ["address", { fromBlock: "0x0", address: h.ledger }],
    ["two addresses", { fromBlock: "0x0", address: [h.ledger, h.registry] }],
    ["address,topic0", { fromBlock: "0x0", address: h.ledger, topics: [INVOICE_ISSUED] }],
    ["topic0 one of two", { fromBlock: "0x0", topics: [[INVOICE_ISSUED, QUOTA_GRANTED]] }],
    ["topic0,null,null,seller", { fromBlock: "0x0", topics: [INVOICE_ISSUED, null, null, seller] }],
    [`blockHash of ${h.pairBlock}`, { blockHash: pairHash }],
    ["blockHash unknown", { blockHash: UNKNOWN_HASH }],
    ["range", { fromBlock: quantity(h.older), toBlock: quantity(h.pairBlock) }],
    ["earliest..latest", { fromBlock: "earliest", toBlock: "latest" }],
    ["latest", { fromBlock: "latest" }],
    ["beyond head", { fromBlock: quantity(head + 1), toBlock: quantity(head + 10) }],
  ];
  for (const [label, filter] of logQueries) add(`eth_getLogs(${label})`, "eth_getLogs", [filter]);

  for (const [label, tag] of [["latest", "latest"], [String(h.older), quantity(h.older)], ["earliest", "earliest"]] as const) {
    for (const [name, account] of [["authority", h.authority], ["merchant", h.merchant], ["ledger", h.ledger]] as const) {
      add(`eth_getBalance(${name},${label})`, "eth_getBalance", [account, tag]);
      add(`eth_getTransactionCount(${name},${label})`, "eth_getTransactionCount", [account, tag]);
    }
    add(`eth_getCode(ledger,${label})`, "eth_getCode", [h.ledger, tag]);
    add(`eth_getStorageAt(ledger,0,${label})`, "eth_getStorageAt", [h.ledger, "0x0", tag]);
    add(`eth_call(nextNumber,${label})`, "eth_call", [{ to: h.ledger, data: NEXT_NUMBER }, tag]);
  }

  // The storage proof the documents issue's offline proof rests on (EIP-1186), against the head's state root.
  add("eth_getProof(ledger,[0,1],latest)", "eth_getProof", [h.ledger, [`0x${"00".repeat(32)}`, `0x${"00".repeat(31)}01`], "latest"]);
  add("eth_feeHistory(4,latest,[25,75])", "eth_feeHistory", ["0x4", "latest", [25, 75]]);
  add(`eth_feeHistory(3,${h.pairBlock},[50])`, "eth_feeHistory", ["0x3", quantity(h.pairBlock), [50]]);
  return plan;
}

async function record(url: string, plan: Read[]): Promise<Reads> {
  const reads: Reads = {};
  for (const read of plan) {
    const answer = await rpc(url, read.method, read.params);
    reads[read.label] = answer.error === undefined ? { result: read.normalize === undefined ? answer.result : read.normalize(answer.result) } : { error: answer.error.code };
  }
  return reads;
}

/**
 * State as of a block before the one the restarted engine starts from (its state snapshot): a node that does not
 * keep old state refuses such a read (-32000, STATE_NOT_AVAILABLE) as geth does for pruned state, and never
 * answers it with another state. Every other read must answer the same.
 */
const HISTORICAL_STATE = /^(eth_getBalance|eth_getTransactionCount|eth_getCode|eth_getStorageAt|eth_call)\(.*,(\d+|earliest)\)$/;

/** The whole record must be equal; the reads that differ are compared first, alone, so that a failure shows just them. */
function expectSameReads(after: Reads, before: Reads): void {
  for (const [label, answer] of Object.entries(after)) {
    if (HISTORICAL_STATE.test(label) && isDeepStrictEqual(answer, { error: -32000 })) after[label] = before[label]!;
  }
  const labels = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const differing = labels.filter((label) => !isDeepStrictEqual(after[label], before[label]));
  const only = (reads: Reads) => Object.fromEntries(differing.map((label) => [label, reads[label] ?? "(not recorded)"]));
  expect(only(after), "reads that answer differently").to.deep.equal(only(before));
  expect(after).to.deep.equal(before);
}

/** Whether the node holds the state of block `n` (a node restarted from a state snapshot holds it from the snapshot on). */
async function hasStateAt(node: NodeProcess, n: number): Promise<boolean> {
  const answer = await rpc(node.url, "eth_getBalance", ["0x0000000000000000000000000000000000000000", quantity(n)]);
  if (answer.error !== undefined) expect(answer.error.data?.code).to.equal("STATE_NOT_AVAILABLE");
  return answer.error === undefined;
}

function resultOf<T>(reads: Reads, label: string): T {
  const answer = reads[label];
  if (answer === undefined || !("result" in answer)) throw new Error(`no result recorded for ${label}: ${JSON.stringify(answer)}`);
  return answer.result as T;
}

/* What a client's objects say, in the raw JSON-RPC's own terms (quantities in hex, addresses in lower case). */

function blockFacts(b: { hash: string | null; parentHash: string; number: bigint | number | null; timestamp: bigint | number; stateRoot: string | null; gasUsed: bigint; gasLimit: bigint; miner: string | null }) {
  return { hash: b.hash, parentHash: b.parentHash, number: b.number === null ? null : quantity(b.number), timestamp: quantity(b.timestamp), stateRoot: b.stateRoot, gasUsed: quantity(b.gasUsed), gasLimit: quantity(b.gasLimit), miner: b.miner?.toLowerCase() ?? null };
}

const rawBlockFacts = (b: RawBlock | RawFullBlock) => ({ hash: b.hash, parentHash: b.parentHash, number: b.number, timestamp: b.timestamp, stateRoot: b.stateRoot, gasUsed: b.gasUsed, gasLimit: b.gasLimit, miner: b.miner.toLowerCase() });

function transactionFacts(t: { hash: string; blockHash: string | null; blockNumber: bigint | number | null; index: number | null; from: string; to: string | null; nonce: number; input: string; value: bigint }) {
  return { hash: t.hash, blockHash: t.blockHash, blockNumber: t.blockNumber === null ? null : quantity(t.blockNumber), index: t.index === null ? null : quantity(t.index), from: t.from.toLowerCase(), to: t.to?.toLowerCase() ?? null, nonce: quantity(t.nonce), input: t.input, value: quantity(t.value) };
}

const rawTransactionFacts = (t: RawTransaction) => ({ hash: t.hash, blockHash: t.blockHash, blockNumber: t.blockNumber, index: t.transactionIndex, from: t.from.toLowerCase(), to: t.to?.toLowerCase() ?? null, nonce: t.nonce, input: t.input, value: t.value });

function logFacts(l: { address: string; topics: readonly string[]; data: string; blockNumber: bigint | number | null; blockHash: string | null; transactionHash: string | null; transactionIndex: number | null; logIndex: number | null }) {
  return { address: l.address.toLowerCase(), topics: [...l.topics], data: l.data, blockNumber: l.blockNumber === null ? null : quantity(l.blockNumber), blockHash: l.blockHash, transactionHash: l.transactionHash, transactionIndex: l.transactionIndex === null ? null : quantity(l.transactionIndex), logIndex: l.logIndex === null ? null : quantity(l.logIndex) };
}

const rawLogFacts = (l: RawLog) => ({ address: l.address.toLowerCase(), topics: l.topics, data: l.data, blockNumber: l.blockNumber, blockHash: l.blockHash, transactionHash: l.transactionHash, transactionIndex: l.transactionIndex, logIndex: l.logIndex });

function receiptFacts(r: { transactionHash: string; blockHash: string; blockNumber: bigint | number; transactionIndex: number; status: "0x1" | "0x0"; gasUsed: bigint; cumulativeGasUsed: bigint; logs: ReturnType<typeof logFacts>[] }) {
  return { transactionHash: r.transactionHash, blockHash: r.blockHash, blockNumber: quantity(r.blockNumber), transactionIndex: quantity(r.transactionIndex), status: r.status, gasUsed: quantity(r.gasUsed), cumulativeGasUsed: quantity(r.cumulativeGasUsed), logs: r.logs };
}

const rawReceiptFacts = (r: RawReceipt) => ({ transactionHash: r.transactionHash, blockHash: r.blockHash, blockNumber: r.blockNumber, transactionIndex: r.transactionIndex, status: r.status, gasUsed: r.gasUsed, cumulativeGasUsed: r.cumulativeGasUsed, logs: r.logs.map(rawLogFacts) });

/** ethers and viem, asked for blocks, transactions, receipts, logs, the head, balances and a call, say what the raw answers said. */
async function expectClientsAgree(node: NodeProcess, dir: string, h: History, reads: Reads): Promise<void> {
  const head = Number(resultOf<string>(reads, "eth_blockNumber"));
  const blocks = Array.from({ length: head + 1 }, (_, n) => ({
    n,
    header: resultOf<RawBlock>(reads, `eth_getBlockByNumber(${n},false)`),
    full: resultOf<RawFullBlock>(reads, `eth_getBlockByNumber(${n},true)`),
  }));
  const transactions = blocks.flatMap((b) => b.full.transactions);
  const receiptOf = (hash: string) => resultOf<RawReceipt>(reads, `eth_getTransactionReceipt(${hash})`);
  const allLogs = resultOf<RawLog[]>(reads, "eth_getLogs(all)").map(rawLogFacts);
  const issuedLogs = resultOf<RawLog[]>(reads, "eth_getLogs(address,topic0)").map(rawLogFacts);
  const balance = (label: string) => resultOf<string>(reads, `eth_getBalance(authority,${label})`);
  const nextNumber = (label: string) => resultOf<string>(reads, `eth_call(nextNumber,${label})`);
  expect(transactions.map((t) => receiptOf(t.hash).status)).to.include.members(["0x1", "0x0"]);

  const c = connect(node, dir);
  try {
    const p = c.provider;
    expect(await p.getBlockNumber()).to.equal(head);
    for (const { n, header, full } of blocks) {
      const block = await p.getBlock(n);
      expect({ ...blockFacts(block!), transactions: [...block!.transactions] }, `ethers block ${n}`).to.deep.equal({ ...rawBlockFacts(header), transactions: header.transactions });
      const withTransactions = await p.getBlock(header.hash, true);
      expect(blockFacts(withTransactions!), `ethers block #${n}`).to.deep.equal(rawBlockFacts(full));
      expect(withTransactions!.prefetchedTransactions.map((t) => transactionFacts({ ...t, input: t.data })), `ethers block #${n} with transactions`).to.deep.equal(full.transactions.map(rawTransactionFacts));
    }
    for (const raw of transactions) {
      const t = await p.getTransaction(raw.hash);
      expect(transactionFacts({ ...t!, input: t!.data }), `ethers transaction ${raw.hash}`).to.deep.equal(rawTransactionFacts(raw));
      const r = await p.getTransactionReceipt(raw.hash);
      const logs = r!.logs.map((l) => logFacts({ ...l, logIndex: l.index }));
      expect(receiptFacts({ ...r!, transactionHash: r!.hash, transactionIndex: r!.index, status: r!.status === 1 ? "0x1" : "0x0", logs }), `ethers receipt ${raw.hash}`).to.deep.equal(rawReceiptFacts(receiptOf(raw.hash)));
    }
    expect((await p.getLogs({ fromBlock: 0 })).map((l) => logFacts({ ...l, logIndex: l.index })), "ethers logs").to.deep.equal(allLogs);
    expect((await p.getLogs({ fromBlock: 0, address: h.ledger, topics: [INVOICE_ISSUED] })).map((l) => logFacts({ ...l, logIndex: l.index })), "ethers issued logs").to.deep.equal(issuedLogs);
    expect(quantity(await p.getBalance(h.authority)), "ethers balance").to.equal(balance("latest"));
    if (await hasStateAt(node, h.older)) expect(quantity(await p.getBalance(h.authority, h.older)), "ethers older balance").to.equal(balance(String(h.older)));
    expect(await p.call({ to: h.ledger, data: NEXT_NUMBER }), "ethers call").to.equal(nextNumber("latest"));
    if (await hasStateAt(node, h.older)) expect(await p.call({ to: h.ledger, data: NEXT_NUMBER, blockTag: h.older }), "ethers older call").to.equal(nextNumber(String(h.older)));
  } finally {
    c.provider.destroy();
  }

  const chain = defineChain({ id: node.ready.chainId, name: "e-invoice ledger", nativeCurrency: { name: "none", symbol: "NONE", decimals: 18 }, rpcUrls: { default: { http: [node.url] } } });
  const client = createPublicClient({ chain, transport: http(node.url), cacheTime: 0 });
  const hash = (value: string) => value as `0x${string}`;
  expect(await client.getBlockNumber({ cacheTime: 0 })).to.equal(BigInt(head));
  for (const { n, header, full } of blocks) {
    const block = await client.getBlock({ blockNumber: BigInt(n) });
    expect({ ...blockFacts(block), transactions: [...block.transactions] }, `viem block ${n}`).to.deep.equal({ ...rawBlockFacts(header), transactions: header.transactions });
    const withTransactions = await client.getBlock({ blockHash: hash(header.hash), includeTransactions: true });
    expect(blockFacts(withTransactions), `viem block #${n}`).to.deep.equal(rawBlockFacts(full));
    expect(withTransactions.transactions.map((t) => transactionFacts({ ...t, index: t.transactionIndex })), `viem block #${n} with transactions`).to.deep.equal(full.transactions.map(rawTransactionFacts));
  }
  for (const raw of transactions) {
    const t = await client.getTransaction({ hash: hash(raw.hash) });
    expect(transactionFacts({ ...t, index: t.transactionIndex }), `viem transaction ${raw.hash}`).to.deep.equal(rawTransactionFacts(raw));
    const r = await client.getTransactionReceipt({ hash: hash(raw.hash) });
    const status = ({ success: "0x1", reverted: "0x0" } as const)[r.status];
    expect(receiptFacts({ ...r, status, logs: r.logs.map(logFacts) }), `viem receipt ${raw.hash}`).to.deep.equal(rawReceiptFacts(receiptOf(raw.hash)));
  }
  expect((await client.getLogs({ fromBlock: 0n })).map(logFacts), "viem logs").to.deep.equal(allLogs);
  const ledgerLogs = resultOf<RawLog[]>(reads, "eth_getLogs(address)").map(rawLogFacts);
  expect((await client.getLogs({ address: hash(h.ledger), fromBlock: 0n })).map(logFacts), "viem ledger logs").to.deep.equal(ledgerLogs);
  expect(quantity(await client.getBalance({ address: hash(h.authority) })), "viem balance").to.equal(balance("latest"));
  const olderState = await hasStateAt(node, h.older);
  if (olderState) expect(quantity(await client.getBalance({ address: hash(h.authority), blockNumber: BigInt(h.older) })), "viem older balance").to.equal(balance(String(h.older)));
  expect((await client.call({ to: hash(h.ledger), data: hash(NEXT_NUMBER) })).data, "viem call").to.equal(nextNumber("latest"));
  if (olderState) expect((await client.call({ to: hash(h.ledger), data: hash(NEXT_NUMBER), blockNumber: BigInt(h.older) })).data, "viem older call").to.equal(nextNumber(String(h.older)));
}
