import { Pool } from "undici";

import { ApiClient, type ApiAnswer } from "../../lib/api-client";

/**
 * The load client's HTTP: kept-alive connections from an undici pool. `fetch` cost the client ~0.67 ms of CPU
 * per request against ~0.07 ms here, on the same two cores as the system it measures.
 */
export class PooledApiClient extends ApiClient {
  private readonly pool: Pool;

  constructor(baseUrl: string, apiKey: string | undefined, pool?: Pool) {
    super(baseUrl, apiKey);
    this.pool = pool ?? new Pool(new URL(baseUrl).origin, { connections: 256, keepAliveTimeout: 30_000 });
  }

  override as(apiKey: string): PooledApiClient {
    return new PooledApiClient(this.baseUrl, apiKey, this.pool);
  }

  override async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const response = await this.pool.request({
      path: `${new URL(this.baseUrl).pathname.replace(/\/$/, "")}${path}`,
      method: method as "GET",
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(this.apiKey === undefined ? {} : { authorization: `Bearer ${this.apiKey}` }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const answerHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) answerHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
    return { status: response.statusCode, body: parsed as T, headers: answerHeaders };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
