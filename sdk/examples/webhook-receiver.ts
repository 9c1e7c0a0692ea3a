import { createServer, type Server } from "node:http";

import { EInvoiceWebhookError, verifyWebhook } from "../src";

/**
 * A webhook receiver: checks each delivery's Standard Webhooks signature against the subscription's secret (read
 * when a delivery comes: the API shows it once, when the subscription is made),
 * drops a delivery it has seen (same webhook-id), and answers 2xx only once the event is handled.
 */
export function webhookReceiver(secret: () => string, handle: (event: unknown, id: string) => void): Server {
  const seen = new Set<string>();
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        // The raw body, exactly as received: the signature is over these bytes.
        const { id, payload } = verifyWebhook(secret(), Buffer.concat(chunks).toString("utf8"), req.headers);
        if (!seen.has(id)) {
          seen.add(id);
          handle(payload, id);
        }
        res.writeHead(204).end();
      } catch (error) {
        res.writeHead(error instanceof EInvoiceWebhookError ? 401 : 500, { "content-type": "application/json" }).end(JSON.stringify({ code: error instanceof EInvoiceWebhookError ? error.code : "INTERNAL" }));
      }
    });
  });
}
