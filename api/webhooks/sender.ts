import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";

import type { ResolvedTarget } from "./url-guard";

/**
 * One POST to a subscriber, to the address the URL guard checked (never resolving the name again: DNS
 * rebinding), with the URL's host in the Host header and, over https, in SNI and the certificate check. Bounded:
 * `timeoutMs` for the whole exchange (connection, answer and its body), and at most `maxResponseBytes` of the answer
 * are read (then the connection is dropped: only the status counts). Redirects are answers like any other: not
 * followed. Resolves with the status code, or rejects with the reason the exchange failed.
 */
export interface SendLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

export class SendFailure extends Error {
  constructor(
    readonly kind: "timeout" | "connection",
    message: string,
  ) {
    super(message);
    this.name = "SendFailure";
  }
}

export function postTo(target: ResolvedTarget, headers: Record<string, string>, body: string, limits: SendLimits): Promise<number> {
  const https = target.url.protocol === "https:";
  const request = https ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const req = request({
      hostname: target.address,
      family: target.family,
      port: target.url.port === "" ? (https ? 443 : 80) : Number(target.url.port),
      path: `${target.url.pathname}${target.url.search}`,
      method: "POST",
      agent: false,
      headers: { ...headers, host: target.url.host, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "user-agent": "e-invoice-ledger-webhooks/1" },
      // The certificate is checked against the name in the URL, not the address connected to.
      ...(https && isIP(target.host) === 0 ? { servername: target.host } : {}),
    });
    const timer = setTimeout(() => {
      finish(() => reject(new SendFailure("timeout", `no complete answer within ${limits.timeoutMs} ms`)));
      req.destroy();
    }, limits.timeoutMs);
    req.on("error", (error: Error) => finish(() => reject(new SendFailure("connection", error.message))));
    req.on("response", (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > limits.maxResponseBytes) {
          finish(() => resolve(status));
          res.destroy();
          req.destroy();
        }
      });
      res.on("end", () => finish(() => resolve(status)));
      res.on("error", (error: Error) => finish(() => reject(new SendFailure("connection", error.message))));
    });
    req.end(body);
  });
}
