import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A JSON-RPC gateway in front of a test chain that answers as a Hyperledger Besu endpoint would where Besu is
 * stricter than a development chain, and records what its clients ask:
 *
 * - a request without `Authorization: Bearer <token>` is refused with HTTP 401, as Besu's JSON-RPC
 *   authentication (`--rpc-http-authentication-enabled`, JWT) refuses it;
 * - `eth_getLogs` over more than `maxLogsRange` blocks (to − from > the limit) is refused with -32005, as
 *   Besu's `--rpc-max-logs-range` (default 5,000) refuses it;
 * - every method called is counted, and so are the receipts answered `null` (a transaction still pending)
 *   and the batch requests (several calls in one HTTP request, which Besu caps with `--rpc-http-max-batch-size`).
 *
 * Everything else is passed through unchanged.
 */
export interface RpcGateway {
  readonly url: string;
  /** Calls per method since the last `resetRecord()`. */
  methods(): Map<string, number>;
  /** eth_getLogs requests refused for their range, requests refused for their token, receipts answered null, batch requests. */
  counts(): Counts;
  resetRecord(): void;
  close(): Promise<void>;
}

/** Besu's answer to an eth_getLogs range above `--rpc-max-logs-range` (RpcErrorType.EXCEEDS_RPC_MAX_BLOCK_RANGE). */
export const LOGS_RANGE_REFUSED = { code: -32005, message: "Requested range exceeds maximum RPC range limit" };

export interface Counts {
  refusedLogRanges: number;
  unauthenticated: number;
  pendingReceipts: number;
  batches: number;
}

const noCounts = (): Counts => ({ refusedLogRanges: 0, unauthenticated: 0, pendingReceipts: 0, batches: 0 });

interface RpcRequest {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

export async function startRpcGateway(options: { target: string; token: string; maxLogsRange: number }): Promise<RpcGateway> {
  let methods = new Map<string, number>();
  let counts = noCounts();

  const refusedRange = (request: RpcRequest): boolean => {
    if (request.method !== "eth_getLogs" || !Array.isArray(request.params)) return false;
    const filter = request.params[0] as { fromBlock?: unknown; toBlock?: unknown } | undefined;
    if (typeof filter?.fromBlock !== "string" || typeof filter.toBlock !== "string" || !filter.fromBlock.startsWith("0x") || !filter.toBlock.startsWith("0x")) return false;
    return Number(filter.toBlock) - Number(filter.fromBlock) > options.maxLogsRange;
  };

  const answer = async (request: RpcRequest): Promise<unknown> => {
    const method = String(request.method);
    methods.set(method, (methods.get(method) ?? 0) + 1);
    if (refusedRange(request)) {
      counts.refusedLogRanges++;
      return { jsonrpc: "2.0", id: request.id ?? null, error: LOGS_RANGE_REFUSED };
    }
    const response = await fetch(options.target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    const body = (await response.json()) as { result?: unknown };
    if (method === "eth_getTransactionReceipt" && "result" in body && body.result === null) counts.pendingReceipts++;
    return body;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      counts.unauthenticated++;
      res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized");
      return;
    }
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcRequest | RpcRequest[];
    if (Array.isArray(parsed)) counts.batches++;
    const body = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The chain behind went away (stopped at the end of a test): what a client sees when a node is down.
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    methods: () => new Map(methods),
    counts: () => ({ ...counts }),
    resetRecord() {
      methods = new Map();
      counts = noCounts();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
