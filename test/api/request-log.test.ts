import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";

import { expect } from "chai";
import express, { type RequestHandler } from "express";
import pino, { type Logger } from "pino";
import { pinoHttp } from "pino-http";

import { requestLog } from "../../api/http/request-log";

/**
 * The API's request log (api/http/request-log.ts) against pino-http 10 as the API configured it before: for a
 * success, a refusal and a failure, at every level, the same lines (the same fields, credentials redacted), or
 * none where the level leaves a line out.
 */
describe("request log", () => {
  const REDACT = ["req.headers.authorization", "req.headers['x-api-key']", "req.headers.cookie", "req.headers['x-csrf-token']", "res.headers['set-cookie']"];

  function capture(level: string): { logger: Logger; lines: Record<string, unknown>[] } {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
        done();
      },
    });
    return { logger: pino({ level, name: "api" }, stream), lines };
  }

  async function serve(log: RequestHandler): Promise<{ url: string; close(): Promise<void> }> {
    const app = express();
    app.use((_req, res, next) => {
      res.set("request-id", "req-1");
      next();
    });
    app.use(log);
    app.get("/ok", (_req, res) => void res.set("set-cookie", "s=secret").json({ ok: true }));
    app.get("/refused", (_req, res) => void res.status(404).json({ error: "NOT_FOUND" }));
    app.get("/failed", () => {
      throw new Error("boom");
    });
    app.use(((_error, _req, res, _next) => {
      void _next;
      res.status(500).json({ error: "INTERNAL" });
    }) as express.ErrorRequestHandler);
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  /** A line without what differs from run to run and server to server: time, the process, the ports, the duration. */
  const comparable = (line: Record<string, unknown>) => {
    const { time: _time, pid: _pid, hostname: _hostname, responseTime, ...rest } = line;
    const req = rest.req as { remotePort?: unknown; headers: Record<string, unknown> };
    const err = rest.err as { stack?: unknown } | undefined;
    expect(responseTime).to.be.a("number");
    return { ...rest, req: { ...req, remotePort: typeof req.remotePort, headers: { ...req.headers, host: "server" } }, ...(err === undefined ? {} : { err: { ...err, stack: typeof err.stack } }) };
  };

  for (const level of ["debug", "info", "warn"]) {
    it(`writes pino-http's lines at ${level}`, async () => {
      const [theirs, ours] = [capture(level), capture(level)];
      const servers = await Promise.all([
        serve(
          pinoHttp({
            logger: theirs.logger,
            genReqId: (_req, res) => String(res.getHeader("request-id")),
            redact: { paths: REDACT, censor: "[redacted]" },
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "info" : "debug"),
          }),
        ),
        serve(requestLog(ours.logger, { redact: REDACT })),
      ]);
      try {
        for (const path of ["/ok", "/refused", "/failed"]) {
          for (const { url } of servers) await (await fetch(`${url}${path}?q=1`, { headers: { authorization: "Bearer eil_secret", cookie: "session=secret" } })).arrayBuffer();
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(ours.lines.map(comparable)).to.deep.equal(theirs.lines.map(comparable));
        expect(ours.lines.length).to.equal({ debug: 3, info: 2, warn: 1 }[level]);
        expect(JSON.stringify(ours.lines)).to.not.include("secret");
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    });
  }
});
