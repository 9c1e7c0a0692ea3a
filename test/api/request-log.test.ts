import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";

import { expect } from "chai";
import express from "express";

import { requestLog } from "../../api/http/request-log";
import { runWithLogContext } from "../../lib/log-context";
import { createLogger } from "../../lib/logger";

/** The access log on its own: which answers it writes at which level, what a line holds, and what it never holds. */
describe("request log", () => {
  async function serve(level: string): Promise<{ url: string; lines: Record<string, any>[]; close(): Promise<void> }> {
    const lines: Record<string, any>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(JSON.parse(line) as Record<string, any>);
        done();
      },
    });
    const app = express();
    app.use((_req, _res, next) => runWithLogContext({ reqId: "req-42" }, next));
    app.use(requestLog(createLogger("test", level, sink)));
    app.get("/ok", (_req, res) => void res.cookie("session", "s3cret-session").json({ ok: true }));
    app.get("/refused", (_req, res) => void res.status(403).json({ error: { code: "FORBIDDEN" } }));
    app.get("/failed", (_req, res) => void res.status(500).json({ error: { code: "INTERNAL" } }));
    const server = app.listen(0);
    await new Promise((resolve) => server.once("listening", resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      lines,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  const credentials = { authorization: "Bearer sk_live_abcdef", "x-api-key": "sk_live_abcdef", cookie: "session=s3cret-session", "x-csrf-token": "csrf-value-9" };

  it("writes refusals at info and failures at error, with status, time and the request's context, never a credential", async () => {
    const api = await serve("info");
    try {
      expect((await fetch(`${api.url}/refused?number=7`, { headers: credentials })).status).to.equal(403);
      expect((await fetch(`${api.url}/failed`)).status).to.equal(500);
      await new Promise((resolve) => setImmediate(resolve));
      expect(api.lines.map((line) => [line.level, line.res.statusCode, line.msg])).to.deep.equal([
        [30, 403, "request completed"],
        [50, 500, "request errored"],
      ]);
      const refused = api.lines[0]!;
      expect(refused.reqId).to.equal("req-42");
      expect(refused.req).to.include({ method: "GET", url: "/refused?number=7" });
      expect(refused.responseTime).to.be.a("number");
      expect(refused.req.headers).to.include({ authorization: "[redacted]", "x-api-key": "[redacted]", cookie: "[redacted]", "x-csrf-token": "[redacted]" });
      expect(JSON.stringify(api.lines)).not.to.include("sk_live_abcdef").and.not.to.include("s3cret-session").and.not.to.include("csrf-value-9");
    } finally {
      await api.close();
    }
  });

  it("leaves answered requests out at info, and writes them at debug with the cookie an answer sets redacted", async () => {
    const quiet = await serve("info");
    try {
      expect((await fetch(`${quiet.url}/ok`)).status).to.equal(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(quiet.lines).to.deep.equal([]);
    } finally {
      await quiet.close();
    }
    const verbose = await serve("debug");
    try {
      const answer = await fetch(`${verbose.url}/ok`, { headers: credentials });
      expect(answer.headers.get("set-cookie")).to.include("s3cret-session");
      await new Promise((resolve) => setImmediate(resolve));
      expect(verbose.lines).to.have.length(1);
      expect(verbose.lines[0]).to.include({ level: 20, msg: "request completed" });
      expect(verbose.lines[0]!.res.headers["set-cookie"]).to.equal("[redacted]");
      expect(JSON.stringify(verbose.lines)).not.to.include("s3cret-session").and.not.to.include("sk_live_abcdef");
    } finally {
      await verbose.close();
    }
  });
});
