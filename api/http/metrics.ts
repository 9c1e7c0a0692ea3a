import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The API's Prometheus metrics, one registry per app (no globals). */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "api_" });
  return {
    registry,
    requests: new Counter({ name: "api_http_requests_total", help: "HTTP requests by route and status", labelNames: ["method", "route", "status"], registers: [registry] }),
    latency: new Histogram({ name: "api_http_request_seconds", help: "HTTP request duration", labelNames: ["method", "route"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] }),
    batchSize: new Histogram({ name: "api_issue_batch_size", help: "Invoices per issue transaction (group commit)", buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500], registers: [registry] }),
    issuePhases: new Histogram({
      name: "api_issue_phase_seconds",
      help: "Where the time of an issue request goes: store (its document, synced), queue (until its group leaves), send (account lock, nonce, signature, sending), block (until its receipt), index (until the event index has the block)",
      labelNames: ["phase"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    indexedEvents: new Counter({ name: "api_indexed_events_total", help: "Chain events indexed", registers: [registry] }),
    // What the business did through this instance (Prometheus sums the instances).
    invoicesIssued: new Counter({ name: "api_invoices_issued_total", help: "Invoices issued through this API instance, by single or batch request", labelNames: ["channel"], registers: [registry] }),
    lifecycleActions: new Counter({ name: "api_lifecycle_actions_total", help: "Lifecycle actions done (issue, claim, submit, reimburse, file, reverse, freeze, ...)", labelNames: ["action"], registers: [registry] }),
    refusals: new Counter({ name: "api_refusals_total", help: "Requests refused, by error code and status (4xx) and failed (5xx)", labelNames: ["code", "status"], registers: [registry] }),
    indexedBlock: new Gauge({ name: "api_indexed_block", help: "Last block in the event index", registers: [registry] }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
