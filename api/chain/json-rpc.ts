import { JsonRpcProvider, makeError, type JsonRpcPayload, type JsonRpcResult, type Networkish } from "ethers";
import { Pool } from "undici";

/**
 * JSON-RPC to the ledger over a pool of kept-alive connections (undici). ethers' own transport opened a new TCP
 * connection per request: under load, connecting and closing was a tenth of the API's CPU per invoice. One pool
 * serves both the typed contracts (through `PooledJsonRpcProvider`) and the plain calls of `call`, which return
 * large answers (logs, receipts) as parsed JSON without ethers wrapping them object by object.
 */
export class JsonRpcTransport {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private id = 0;

  constructor(url: string, bearer: string | undefined, connections = 32) {
    const target = new URL(url);
    this.pool = new Pool(target.origin, { connections, keepAliveTimeout: 30_000 });
    this.path = `${target.pathname}${target.search}`;
    this.headers = { "content-type": "application/json", ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) };
  }

  /** Posts one JSON-RPC body and returns the parsed answer; an answer that is not JSON is the node's failure (SERVER_ERROR). */
  async post(body: string): Promise<unknown> {
    const response = await this.pool.request({ path: this.path, method: "POST", headers: this.headers, body });
    const text = await response.body.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw makeError(`the ledger answered HTTP ${response.statusCode} with no JSON-RPC body`, "SERVER_ERROR", { request: undefined as never, response: undefined as never, info: { status: response.statusCode } });
    }
  }

  /** One call; a JSON-RPC error is thrown with its code (and data, which carries revert data). */
  async call<T>(method: string, params: unknown[]): Promise<T> {
    const answer = (await this.post(JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }))) as { result?: T; error?: { code: number; message: string; data?: unknown } };
    if (answer.error !== undefined) throw Object.assign(new Error(`${method}: ${answer.error.message}`), { code: answer.error.code, error: answer.error });
    return answer.result as T;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** ethers' provider, its requests sent through a `JsonRpcTransport` (same answers and errors as ethers' own transport). */
export class PooledJsonRpcProvider extends JsonRpcProvider {
  constructor(
    private readonly transport: JsonRpcTransport,
    network: Networkish,
    options: ConstructorParameters<typeof JsonRpcProvider>[2],
  ) {
    super(undefined, network, options);
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const answer = await this.transport.post(JSON.stringify(payload));
    // Error entries pass through as they came: ethers reads `error` off each entry whatever the declared type.
    return (Array.isArray(answer) ? answer : [answer]) as JsonRpcResult[];
  }

  override destroy(): void {
    super.destroy();
    void this.transport.close();
  }
}
