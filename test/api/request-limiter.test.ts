import type { AddressInfo } from "node:net";

import { expect } from "chai";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";

import { ApiError } from "../../api/errors";
import { addressKey, createRequestLimiter } from "../../api/http/request-limiter";

/**
 * The API's request limiter (api/http/request-limiter.ts) against express-rate-limit 8 as the API configured it
 * before: the same statuses, the same draft-8 headers request by request, client addresses keyed alike (an IPv6
 * /56 network as one client); and its windows: a key's count starts again once its window has passed, and a
 * refusal says how long until then.
 */
describe("request limiter", () => {
  const refuse: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    void _next;
    const answer = error instanceof ApiError ? error : new ApiError(500, "INTERNAL", "unexpected");
    if (answer.retryable) res.set("retry-after", String(answer.retryAfterSeconds));
    res.status(answer.status).json({ error: { code: answer.code } });
  };

  async function serve(limiter: RequestHandler): Promise<{ url: string; close(): Promise<void> }> {
    const app = express();
    // The test client is the proxy: X-Forwarded-For names the client address.
    app.set("trust proxy", "loopback");
    app.get("/", limiter, (_req, res) => void res.json({ ok: true }));
    app.use(refuse);
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  const answer = async (url: string, from: string) => {
    const response = await fetch(`${url}/`, { headers: { "x-forwarded-for": from } });
    await response.arrayBuffer();
    return { status: response.status, policy: response.headers.get("ratelimit-policy"), limit: response.headers.get("ratelimit"), retryAfter: response.headers.get("retry-after") };
  };

  it("answers as express-rate-limit did, header by header, for addresses IPv4 and IPv6", async () => {
    const tooMany = (): never => {
      throw new ApiError(429, "RATE_LIMITED", "too many requests; slow down", {}, { retryable: true });
    };
    const theirs = await serve(rateLimit({ windowMs: 60_000, limit: 3, standardHeaders: "draft-8", legacyHeaders: false, handler: tooMany }));
    const ours = await serve(createRequestLimiter({ windowMs: 60_000, limit: 3, keyOf: addressKey }));
    try {
      // Two addresses of one /56 network count as one client; another network and an IPv4 address as others.
      const sequence = ["2001:db8:1:100::1", "2001:db8:1:1ff::2", "2001:db8:2::1", "203.0.113.9", "2001:db8:1:100::3", "2001:db8:1:100::4", "203.0.113.9", "203.0.113.9", "203.0.113.9"];
      const statuses: number[] = [];
      for (const from of sequence) {
        const [a, b] = [await answer(theirs.url, from), await answer(ours.url, from)];
        expect([b.status, b.policy, b.limit?.replace(/t=\d+/, "")], from).to.deep.equal([a.status, a.policy, a.limit?.replace(/t=\d+/, "")]);
        expect(Number(/t=(\d+)/.exec(b.limit!)![1])).to.be.within(59, 60);
        if (b.status === 429) expect(Number(b.retryAfter)).to.be.within(59, 60);
        statuses.push(b.status);
      }
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 200, 200, 429]);
    } finally {
      await Promise.all([theirs.close(), ours.close()]);
    }
  });

  it("starts a key's count again once its window has passed, and keeps counting keys seen since", async () => {
    let now = 1_000_000;
    const limiter = createRequestLimiter({ windowMs: 60_000, limit: 2, keyOf: (req) => String(req.headers["x-key"]), now: () => now });
    const call = (key: string) => {
      const headers: Record<string, string> = {};
      let refusal: unknown;
      const req = { headers: { "x-key": key } } as never;
      const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as never;
      try {
        limiter(req, res, () => undefined);
      } catch (error) {
        refusal = error;
      }
      return { headers, refusal: refusal as ApiError | undefined };
    };
    expect(call("a").headers.RateLimit).to.equal('"2-in-1min"; r=1; t=60');
    now += 30_000;
    expect(call("a").headers.RateLimit).to.equal('"2-in-1min"; r=0; t=30');
    now += 10_500;
    const refused = call("a").refusal;
    expect([refused?.status, refused?.code, refused?.retryAfterSeconds]).to.deep.equal([429, "RATE_LIMITED", 20]);
    // Past the window (and past a generation of the maps, for both keys): a fresh count.
    now += 60_000;
    call("b");
    now += 60_000;
    expect(call("a").headers.RateLimit).to.equal('"2-in-1min"; r=1; t=60');
    expect(call("b").headers.RateLimit).to.equal('"2-in-1min"; r=1; t=60');
  });
});
