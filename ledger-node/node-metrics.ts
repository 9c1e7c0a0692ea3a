import { Counter, Gauge, Histogram, Registry } from "prom-client";

import type { SealerMetrics } from "./chain/block-sealer";
import type { StoredBlock } from "./store/chain-store";

/** The node's Prometheus metrics, in a registry of its own (no globals). */
export function createNodeMetrics(storeSize: () => Promise<number>) {
  const registry = new Registry();
  const blocks = new Counter({ name: "ledger_blocks_sealed_total", help: "Blocks sealed and journaled", registers: [registry] });
  const transactions = new Counter({ name: "ledger_transactions_total", help: "Transactions included in sealed blocks", registers: [registry] });
  const refused = new Counter({ name: "ledger_transactions_refused_total", help: "Transactions refused at admission", labelNames: ["reason"], registers: [registry] });
  const head = new Gauge({ name: "ledger_head_block", help: "Number of the newest durable block", registers: [registry] });
  const pending = new Gauge({ name: "ledger_pending_transactions", help: "Transactions waiting for a block", registers: [registry] });
  const sealSeconds = new Histogram({
    name: "ledger_seal_seconds", help: "Time to mine, sign and durably journal a block", buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
  });
  new Gauge({
    name: "ledger_store_bytes", help: "Size of the chain store on disk", registers: [registry],
    async collect() {
      this.set(await storeSize());
    },
  });
  const sealer: SealerMetrics = {
    blockSealed(block: StoredBlock, sealMs: number) {
      blocks.inc();
      transactions.inc(block.transactions.length);
      head.set(block.number);
      sealSeconds.observe(sealMs / 1000);
    },
    pending(count: number) {
      pending.set(count);
    },
  };
  return { registry, sealer, refused, head };
}

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
