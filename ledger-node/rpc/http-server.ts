import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";

import type { Logger } from "pino";
import type { Registry } from "prom-client";

import { LedgerNodeError } from "../errors";
import { RPC, toRpcError, type RpcErrorObject } from "./rpc-error";
import { dispatch, type Caller, type RpcContext } from "./rpc-methods";

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_BATCH = 1_000;

export interface HttpServerOptions {
  rpc: RpcContext;
  /** When set, every request must carry `Authorization: Bearer <token>` (or the admin token). */
  token: string | undefined;
  /**
   * Every admin request must carry `Authorization: Bearer <adminToken>` (instead of the read token). A JSON-RPC
   * request that carries it is trusted: its simulations get the larger gas cap (the ledger's own API).
   */
  adminToken: string;
  /** The answer, or a promise of it (it reads the chain for the contracts' check). */
  health(): unknown;
  metrics: Registry;
  /** Writes a consistent backup of the store to `<dataDir>/backups/<name>`; loopback only. */
  backup(name: string): Promise<unknown>;
  /** The primary's side of replication (replication/replication-source.ts): a standby's requests, with the admin token. */
  replication: {
    chain(): Promise<unknown>;
    pull(standby: string, after: number, waitMs: number): Promise<unknown>;
  };
  /** Promotes this standby (loopback only): `force` skips the check that the primary is gone. */
  promote(force: boolean): Promise<unknown>;
  /** Renews the engine from the state snapshot now (loopback only): chain/engine-renewal.ts. */
  renewEngine(): Promise<unknown>;
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
 * and, with the admin token, the admin requests: `POST /admin/backup`, `POST /admin/promote` and `POST
 * /admin/engine/renew` from loopback, and the replication requests of standbys.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { logger } = options;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "request failed");
      if (!res.headersSent) send(res, 500, { jsonrpc: "2.0", id: null, error: { code: RPC.INTERNAL, message: "internal error" } });
    });
  });
  // A request body must arrive within this time (slow senders hold a socket and a buffer each).
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  // An idle kept-alive connection is closed after this long. Node's default (5 s) races with clients that reuse a
  // connection left idle about that long (ethers' http agent, the API's pool): the request written as the server
  // closes the socket fails with "socket hang up". Clients close idle connections well before a minute.
  server.keepAliveTimeout = 65_000;
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path?.startsWith("/admin/")) {
      if (!bearerIs(req, options.adminToken)) {
        send(res, 401, { error: "the admin token is required (LEDGER_ADMIN_TOKEN, or the node's <data dir>/admin.token)", code: "UNAUTHORIZED" });
        return;
      }
      if (req.method === "POST" && path === "/admin/backup") return backup(req, res);
      if (req.method === "GET" && path === "/admin/replication/chain") return answerAdmin(res, () => options.replication.chain());
      if (req.method === "POST" && path === "/admin/replication/pull") return pull(req, res);
      if (req.method === "POST" && path === "/admin/promote") return promote(req, res);
      if (req.method === "POST" && path === "/admin/engine/renew") {
        if (!fromLoopback(req)) return send(res, 403, { error: "the engine is renewed from the node's own machine", code: "FORBIDDEN" });
        return answerAdmin(res, () => options.renewEngine());
      }
      send(res, 404, { error: "not found", code: "NOT_FOUND" });
      return;
    }
    const trusted = bearerIs(req, options.adminToken);
    if (!trusted && !authorised(req)) {
      send(res, 401, { jsonrpc: "2.0", id: null, error: { code: RPC.UNAUTHORIZED, message: "a valid bearer token is required" } });
      return;
    }
    if (req.method === "GET" && path === "/health") return send(res, 200, await options.health());
    if (req.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": options.metrics.contentType });
      res.end(await options.metrics.metrics());
      return;
    }
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
      send(res, 200, await Promise.all(parsed.map((entry) => answer(entry as RpcRequest, { trusted }))));
      return;
    }
    send(res, 200, await answer(parsed as RpcRequest, { trusted }));
  }

  async function answer(request: RpcRequest, caller: Caller): Promise<{ jsonrpc: "2.0"; id: unknown; result?: unknown; error?: RpcErrorObject }> {
    const id = typeof request?.id === "string" || typeof request?.id === "number" ? request.id : null;
    if (typeof request !== "object" || request === null || request.jsonrpc !== "2.0" || typeof request.method !== "string") {
      return { jsonrpc: "2.0", id, error: { code: RPC.INVALID_REQUEST, message: "not a JSON-RPC 2.0 request" } };
    }
    const params = request.params === undefined ? [] : request.params;
    if (!Array.isArray(params)) return { jsonrpc: "2.0", id, error: { code: RPC.INVALID_PARAMS, message: "params must be an array" } };
    try {
      return { jsonrpc: "2.0", id, result: (await dispatch(options.rpc, request.method, params, caller)) ?? null };
    } catch (error) {
      return { jsonrpc: "2.0", id, error: toRpcError(error) };
    }
  }

  async function backup(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!fromLoopback(req)) {
      send(res, 403, { error: "backups are taken from the node's own machine" });
      return;
    }
    const parsed = await readJson(req, res);
    if (parsed === undefined) return;
    const name = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as { name?: unknown }).name : undefined;
    // A plain name: no separators, no "..", nothing absolute; the backup goes under <dataDir>/backups/.
    if (typeof name !== "string" || !BACKUP_NAME.test(name)) {
      send(res, 400, { error: "expected {\"name\": \"<new backup name>\"}: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100", code: "INVALID_REQUEST" });
      return;
    }
    try {
      send(res, 200, await options.backup(name));
    } catch (error) {
      if (error instanceof LedgerNodeError) send(res, 409, { error: error.message, code: error.code });
      else throw error;
    }
  }

  async function pull(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = await readJson(req, res);
    if (parsed === undefined) return;
    const { standby, after, waitMs } = (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {}) as Record<string, unknown>;
    if (typeof standby !== "string" || standby.length === 0 || standby.length > 200 || !Number.isSafeInteger(after) || (after as number) < 0 || !Number.isSafeInteger(waitMs) || (waitMs as number) < 0 || (waitMs as number) > MAX_PULL_WAIT_MS) {
      send(res, 400, { error: `expected {"standby": "<name>", "after": <block number>, "waitMs": <0 to ${MAX_PULL_WAIT_MS}>}`, code: "INVALID_REQUEST" });
      return;
    }
    await answerAdmin(res, () => options.replication.pull(standby, after as number, waitMs as number));
  }

  async function promote(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!fromLoopback(req)) {
      send(res, 403, { error: "a standby is promoted from its own machine", code: "FORBIDDEN" });
      return;
    }
    const parsed = await readJson(req, res);
    if (parsed === undefined) return;
    const force = typeof parsed === "object" && parsed !== null && (parsed as { force?: unknown }).force === true;
    await answerAdmin(res, () => options.promote(force));
  }

  /** Answers an admin request: 200 with the result, 409 with the code of a refusal of ours. */
  async function answerAdmin(res: ServerResponse, work: () => Promise<unknown>): Promise<void> {
    try {
      send(res, 200, await work());
    } catch (error) {
      if (error instanceof LedgerNodeError) send(res, 409, { error: error.message, code: error.code, ...error.details });
      else throw error;
    }
  }

  function authorised(req: IncomingMessage): boolean {
    return options.token === undefined || bearerIs(req, options.token);
  }
}

const MAX_PULL_WAIT_MS = 30_000;

function fromLoopback(req: IncomingMessage): boolean {
  return ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.socket.remoteAddress ?? "");
}

const BACKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function bearerIs(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
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
