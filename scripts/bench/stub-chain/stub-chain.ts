import { decode as decodeRlp } from "@ethereumjs/rlp";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { keccak256Hex } from "../../../crypto/native";
import { decodeSignedTransaction } from "../../../ledger-node/chain/raw-transaction";
import { InvoiceLedger__factory } from "../../../typechain-types";
import { issueBatchLogs, issueBatchSize, type EmulatedLog } from "./issue-emulation";

/**
 * A chain that costs (almost) nothing, for measuring the API's own ceiling (the issue benchmark's `stub-chain`):
 * a JSON-RPC proxy in front of a real ledger node, through which the benchmark sets up its participants as usual.
 * From the first `issueBatch` transaction on, it takes issuing over: such transactions are answered at once and
 * put, every `blockWindowMs`, into blocks of its own that follow the real chain's head, with the logs the contract
 * would emit (issue-emulation.ts); receipts, block numbers, blocks and logs past that head come from here, every
 * other read from the real node, as it was when the stub took over. Nothing is executed, checked (beyond the
 * sender's nonce) or made durable: what a benchmark through it measures is the API, PostgreSQL and the load
 * client, not a chain. Any other transaction after the takeover is refused, since the real chain would no longer
 * be the one the stub extends.
 */
export interface StubChainOptions {
  /** The real node's JSON-RPC URL. */
  upstream: string;
  /** The InvoiceLedger's address. */
  ledger: string;
  blockWindowMs: number;
}

interface JsonRpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method: string;
  params?: unknown[];
}

interface StubTransaction {
  hash: string;
  from: string;
  nonce: bigint;
  data: string;
  to: string;
}

interface StubBlock {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  transactions: string[];
  logs: Record<string, unknown>[];
}

/** A JSON-RPC error; the stub's own carry a stable code in `data.code`, as the node's do. */
class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** The calldata of a signed transaction (decodeSignedTransaction has checked the envelope): legacy, type 1 or type 2. */
function calldataOf(raw: string): string {
  const bytes = Buffer.from(raw.slice(2), "hex");
  const type = bytes[0]! >= 0xc0 ? 0 : bytes[0]!;
  const fields = decodeRlp(type === 0 ? bytes : bytes.subarray(1)) as Uint8Array[];
  return `0x${Buffer.from(fields[type === 0 ? 5 : type === 1 ? 6 : 7]!).toString("hex")}`;
}

const hex = (value: number | bigint) => `0x${value.toString(16)}`;
const ZERO_BLOOM = `0x${"0".repeat(512)}`;
const NEXT_NUMBER = InvoiceLedger__factory.createInterface().encodeFunctionData("nextNumber");

export class StubChain {
  private server: Server | undefined;
  /** The real chain's head when the stub took over; undefined before. */
  private base: { number: number; hash: string; timestamp: number } | undefined;
  private takingOver: Promise<void> | undefined;
  private readonly blocks: StubBlock[] = [];
  private readonly receipts = new Map<string, Record<string, unknown>>();
  /** The next nonce of every sender the stub has taken a transaction of, counting the ones not in a block yet. */
  private readonly nonces = new Map<string, { latest: bigint; pending: bigint }>();
  private nextNumber = 0n;
  private waiting: StubTransaction[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly ledger: string;

  constructor(private readonly options: StubChainOptions) {
    this.ledger = options.ledger.toLowerCase();
  }

  async listen(port: number): Promise<string> {
    this.server = createServer((request, response) => void this.serve(request, response));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: JsonRpcRequest | JsonRpcRequest[];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonRpcRequest | JsonRpcRequest[];
    } catch {
      response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }));
      return;
    }
    const answer = Array.isArray(body) ? await Promise.all(body.map((one) => this.answer(one))) : await this.answer(body);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  }

  private async answer(request: JsonRpcRequest): Promise<Record<string, unknown>> {
    try {
      return { jsonrpc: "2.0", id: request.id, result: await this.handle(request.method, request.params ?? []) };
    } catch (error) {
      const code = error instanceof RpcFailure ? error.code : -32603;
      const data = error instanceof RpcFailure && error.data !== undefined ? { data: error.data } : {};
      return { jsonrpc: "2.0", id: request.id, error: { code, message: (error as Error).message, ...data } };
    }
  }

  private async upstream<T>(method: string, params: unknown[]): Promise<T> {
    const response = await fetch(this.options.upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const answer = (await response.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
    if (answer.error !== undefined) throw new RpcFailure(answer.error.code, answer.error.message, answer.error.data);
    return answer.result as T;
  }

  private get head(): number {
    return this.blocks.at(-1)?.number ?? this.base!.number;
  }

  private async handle(method: string, params: unknown[]): Promise<unknown> {
    if (method === "eth_sendRawTransaction") return this.send(String(params[0]));
    if (this.base === undefined) return this.upstream(method, params);
    switch (method) {
      case "eth_blockNumber":
        return hex(this.head);
      case "eth_getBlockByNumber": {
        const number = this.blockOf(params[0], this.head);
        if (number <= this.base.number) return this.upstream(method, [hex(number), ...params.slice(1)]);
        const block = this.blocks[number - this.base.number - 1];
        return block === undefined ? null : { number: hex(block.number), hash: block.hash, parentHash: block.parentHash, timestamp: hex(block.timestamp), transactions: block.transactions, logsBloom: ZERO_BLOOM, gasUsed: "0x0", gasLimit: hex(30_000_000), baseFeePerGas: "0x0" };
      }
      case "eth_getTransactionReceipt":
        return this.receipts.get(String(params[0]).toLowerCase()) ?? (this.isWaiting(String(params[0])) ? null : this.upstream(method, params));
      case "eth_getTransactionCount": {
        const known = this.nonces.get(String(params[0]).toLowerCase());
        if (known === undefined) return this.upstream(method, params);
        return hex(params[1] === "pending" ? known.pending : known.latest);
      }
      case "eth_getLogs":
        return this.logs(params[0] as { fromBlock?: string; toBlock?: string; address?: string | string[]; topics?: unknown[] });
      default:
        return this.upstream(method, params);
    }
  }

  /** A block parameter as a number: a tag names the stub's head (or the first block), a number is itself. */
  private blockOf(tag: unknown, otherwise: number): number {
    if (tag === undefined) return otherwise;
    if (tag === "earliest") return 0;
    if (typeof tag === "string" && tag.startsWith("0x")) return Number(tag);
    if (typeof tag === "string") return this.head; // latest, pending, safe, finalized
    throw new RpcFailure(-32602, `not a block parameter: ${JSON.stringify(tag)}`);
  }

  private isWaiting(hash: string): boolean {
    const lower = hash.toLowerCase();
    return this.waiting.some((transaction) => transaction.hash === lower);
  }

  /** The real head and the ledger's next invoice number, read once, when the first issueBatch arrives. */
  private takeOver(): Promise<void> {
    this.takingOver ??= (async () => {
      const head = await this.upstream<{ number: string; hash: string; timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
      this.nextNumber = BigInt(await this.upstream<string>("eth_call", [{ to: this.options.ledger, data: NEXT_NUMBER }, head.number]));
      this.base = { number: Number(head.number), hash: head.hash, timestamp: Number(head.timestamp) };
    })();
    return this.takingOver;
  }

  private async send(raw: string): Promise<string> {
    const decoded = decodeSignedTransaction(raw);
    const data = decoded.to === this.ledger ? calldataOf(raw) : "0x";
    const issuing = issueBatchSize(data) !== undefined;
    if (!issuing) {
      if (this.base === undefined && this.takingOver === undefined) return this.upstream("eth_sendRawTransaction", [raw]);
      throw new RpcFailure(-32000, "the stub chain takes only issueBatch transactions once it has blocks of its own", { code: "STUB_ISSUING_ONLY" });
    }
    await this.takeOver();
    const from = decoded.from.toLowerCase();
    let nonces = this.nonces.get(from);
    if (nonces === undefined) {
      const latest = BigInt(await this.upstream<string>("eth_getTransactionCount", [from, hex(this.base!.number)]));
      nonces = this.nonces.get(from) ?? { latest, pending: latest };
      this.nonces.set(from, nonces);
    }
    if (decoded.nonce !== nonces.pending) throw new RpcFailure(-32000, `nonce ${decoded.nonce}, the sender's next is ${nonces.pending}`, { code: "STUB_NONCE", nonce: decoded.nonce.toString(), next: nonces.pending.toString() });
    nonces.pending++;
    const hash = decoded.hash.toLowerCase();
    this.waiting.push({ hash, from, nonce: decoded.nonce, data, to: this.ledger });
    this.timer ??= setTimeout(() => this.seal(), this.options.blockWindowMs);
    return hash;
  }

  private seal(): void {
    this.timer = undefined;
    const transactions = this.waiting;
    this.waiting = [];
    const parent = this.blocks.at(-1) ?? this.base!;
    const number = parent.number + 1;
    const hash = keccak256Hex(Buffer.from(`stub-chain ${number} ${parent.hash} ${transactions.map((transaction) => transaction.hash).join(" ")}`));
    const block: StubBlock = { number, hash, parentHash: parent.hash, timestamp: Math.max(parent.timestamp, Math.floor(Date.now() / 1000)), transactions: [], logs: [] };
    transactions.forEach((transaction, index) => {
      const emitted: EmulatedLog[] = issueBatchLogs(this.ledger, transaction.from, this.nextNumber, transaction.data);
      this.nextNumber += BigInt(emitted.length);
      const placed = { blockNumber: hex(number), blockHash: hash, transactionHash: transaction.hash, transactionIndex: hex(index), removed: false };
      const logs = emitted.map((log, i) => ({ ...log, ...placed, logIndex: hex(block.logs.length + i) }));
      block.logs.push(...logs);
      block.transactions.push(transaction.hash);
      this.receipts.set(transaction.hash, {
        ...placed,
        from: transaction.from, to: transaction.to, status: "0x1", type: "0x0", contractAddress: null,
        gasUsed: "0x0", cumulativeGasUsed: "0x0", effectiveGasPrice: "0x0", logsBloom: ZERO_BLOOM, logs,
      });
      this.nonces.get(transaction.from)!.latest = transaction.nonce + 1n;
    });
    this.blocks.push(block);
  }

  /** eth_getLogs over the real chain up to the takeover and the stub's blocks after it (by address; topics as JSON-RPC matches them). */
  private async logs(filter: { fromBlock?: string; toBlock?: string; address?: string | string[]; topics?: unknown[] }): Promise<unknown[]> {
    const base = this.base!.number;
    const from = this.blockOf(filter.fromBlock, this.head);
    const to = this.blockOf(filter.toBlock, this.head);
    const found: unknown[] = from <= base ? await this.upstream<unknown[]>("eth_getLogs", [{ ...filter, fromBlock: hex(from), toBlock: hex(Math.min(to, base)) }]) : [];
    const addresses = filter.address === undefined ? undefined : new Set((Array.isArray(filter.address) ? filter.address : [filter.address]).map((address) => address.toLowerCase()));
    for (let number = Math.max(from, base + 1); number <= to; number++) {
      const block = this.blocks[number - base - 1];
      if (block === undefined) break;
      for (const log of block.logs) {
        if (addresses !== undefined && !addresses.has(log.address as string)) continue;
        if (!topicsMatch(log.topics as string[], filter.topics)) continue;
        found.push(log);
      }
    }
    return found;
  }
}

/** JSON-RPC's topic filter: each position null (any), one topic, or a list of topics any of which matches. */
function topicsMatch(topics: string[], filter: unknown[] | undefined): boolean {
  return (filter ?? []).every((wanted, position) => {
    if (wanted === null || wanted === undefined) return true;
    const topic = topics[position];
    if (topic === undefined) return false;
    return Array.isArray(wanted) ? wanted.some((one) => String(one).toLowerCase() === topic) : String(wanted).toLowerCase() === topic;
  });
}
