import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";

import type { Logger } from "pino";
import type { Registry } from "prom-client";

import { RPC, toRpcError, type RpcErrorObject } from "./rpc-error";
import { dispatch, type RpcContext } from "./rpc-methods";

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_BATCH = 1_000;

export interface HttpServerOptions {
  rpc: RpcContext;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token: string | undefined;
  health(): unknown;
  metrics: Registry;
  /** Writes a consistent backup of the store to a new directory; loopback only. */
  backup(target: string): Promise<unknown>;
  logger: Logger;
}

interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

/**
 * HTTP transport of the node: JSON-RPC 2.0 on POST / (single and batch), `GET /health`, `GET /metrics`,
 * and `POST /admin/backup` from loopback.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { logger } = options;
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "request failed");
      if (!res.headersSent) send(res, 500, { jsonrpc: "2.0", id: null, error: { code: RPC.INTERNAL, message: "internal error" } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorised(req)) {
      send(res, 401, { jsonrpc: "2.0", id: null, error: { code: RPC.UNAUTHORIZED, message: "a valid bearer token is required" } });
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") return send(res, 200, options.health());
    if (req.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": options.metrics.contentType });
      res.end(await options.metrics.metrics());
      return;
    }
    if (req.method === "POST" && path === "/admin/backup") return backup(req, res);
    if (req.method !== "POST" || path !== "/") {
      send(res, 404, { error: "not found: JSON-RPC is served by POST /" });
      return;
    }
    const parsed = await readJson(req, res);
    if (parsed === undefined) return;
    if (parsed === INVALID_JSON) {
      send(res, 200, { jsonrpc: "2.0", id: null, error: { code: RPC.PARSE_ERROR, message: "the body is not valid JSON" } });
      return;
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0 || parsed.length > MAX_BATCH) {
        send(res, 200, { jsonrpc: "2.0", id: null, error: { code: RPC.INVALID_REQUEST, message: `a batch holds 1 to ${MAX_BATCH} requests` } });
        return;
      }
      send(res, 200, await Promise.all(parsed.map((entry) => answer(entry as RpcRequest))));
      return;
    }
    send(res, 200, await answer(parsed as RpcRequest));
  }

  async function answer(request: RpcRequest): Promise<{ jsonrpc: "2.0"; id: unknown; result?: unknown; error?: RpcErrorObject }> {
    const id = typeof request?.id === "string" || typeof request?.id === "number" ? request.id : null;
    if (typeof request !== "object" || request === null || request.jsonrpc !== "2.0" || typeof request.method !== "string") {
      return { jsonrpc: "2.0", id, error: { code: RPC.INVALID_REQUEST, message: "not a JSON-RPC 2.0 request" } };
    }
    const params = request.params === undefined ? [] : request.params;
    if (!Array.isArray(params)) return { jsonrpc: "2.0", id, error: { code: RPC.INVALID_PARAMS, message: "params must be an array" } };
    try {
      return { jsonrpc: "2.0", id, result: (await dispatch(options.rpc, request.method, params)) ?? null };
    } catch (error) {
      return { jsonrpc: "2.0", id, error: toRpcError(error) };
    }
  }

  async function backup(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const remote = req.socket.remoteAddress ?? "";
    if (!["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(remote)) {
      send(res, 403, { error: "backups are taken from the node's own machine" });
      return;
    }
    const parsed = await readJson(req, res);
    if (parsed === undefined) return;
    const target = typeof parsed === "object" && parsed !== null ? (parsed as { target?: unknown }).target : undefined;
    if (typeof target !== "string" || target.length === 0) {
      send(res, 400, { error: "expected {\"target\": \"<new directory>\"}" });
      return;
    }
    try {
      send(res, 200, await options.backup(target));
    } catch (error) {
      send(res, 409, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  function authorised(req: IncomingMessage): boolean {
    if (options.token === undefined) return true;
    const given = Buffer.from(req.headers.authorization ?? "");
    const expected = Buffer.from(`Bearer ${options.token}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

const INVALID_JSON = Symbol("invalid JSON");

/** The parsed body; `INVALID_JSON` when it does not parse; undefined when it was too large (already answered 413). */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const body = await readBody(req, res);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

async function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      send(res, 413, { jsonrpc: "2.0", id: null, error: { code: RPC.INVALID_REQUEST, message: `the body exceeds ${MAX_BODY_BYTES} bytes` } });
      req.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
