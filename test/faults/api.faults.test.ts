import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { InvoiceLedger__factory } from "../../typechain-types";
import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody, type DemoBuyer } from "../../scripts/lib/demo-data";
import { RealProcesses } from "../api/helpers/processes";
import { registerCast } from "../api/helpers/system";

/**
 * Faults under load (DESIGN.md §6): while merchants issue invoices (single and batch requests, each with an
 * Idempotency-Key), kill -9 the ledger node, then the API, then both, at a random moment, round after round.
 * After each restart every request whose answer was lost is retried with its key, and a sample of
 * acknowledged ones too. At the end: every acknowledged invoice is on chain exactly once, nothing is on chain
 * that no request asked for, every retried key returned the original invoice, and the index agrees with the
 * chain. `npm run test:faults -- --rounds 20` is the full run; `npm test` runs FAULT_ROUNDS (default 3).
 */
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 3);
const TARGETS = ["node", "api", "both"] as const;

interface Sent {
  key: string;
  path: "/v1/invoices" | "/v1/invoices/batch";
  body: unknown;
}

/** The invoices an issue answer names, by reference: one for a single issue, every one for a batch. */
function invoicesOf(answer: ApiAnswer): { reference: string; id: string; number: string }[] {
  const results = answer.body.results ?? [answer.body];
  return results.map((r: { invoice: { id: string; number: string; document: { document: { reference: string } } } }) => ({ reference: r.invoice.document.document.reference, id: r.invoice.id, number: r.invoice.number }));
}

describe(`faults: kill -9 of the node, the API or both under an issuing load (${ROUNDS} rounds)`, function () {
  this.timeout(60_000 + ROUNDS * 90_000);
  let system: RealProcesses;

  before(async () => {
    system = await RealProcesses.start({ LOG_LEVEL: "warn" });
  });
  after(async () => system?.close());

  it("acknowledged invoices are present exactly once, retried keys return the originals, the index agrees with the chain", async () => {
    const bureau = system.bureau();
    const cast = await registerCast(bureau);
    const buyer: DemoBuyer = { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const merchants = [cast.merchant.client, cast.otherMerchant.client];

    const acknowledged = new Map<string, { id: string; number: string }>(); // by reference
    const answers = new Map<string, ApiAnswer>(); // first 201 answer by Idempotency-Key
    const requests = new Map<string, { client: ApiClient; sent: Sent }>(); // by Idempotency-Key
    let inDoubt: Sent[] = [];
    let sequence = 0;
    let replaysChecked = 0;

    const accept = (sent: Sent, answer: ApiAnswer) => {
      for (const invoice of invoicesOf(answer)) {
        const earlier = acknowledged.get(invoice.reference);
        if (earlier !== undefined) expect(invoice, `reference ${invoice.reference} acknowledged twice`).to.include(earlier);
        acknowledged.set(invoice.reference, { id: invoice.id, number: invoice.number });
      }
      if (!answers.has(sent.key)) answers.set(sent.key, answer);
    };

    for (let round = 0; round < ROUNDS; round++) {
      const target = TARGETS[round % TARGETS.length]!;
      let loading = true;
      const worker = async (client: ApiClient, w: number) => {
        while (loading) {
          const n = sequence++;
          const batch = n % 7 === 0;
          const references = batch ? [0, 1, 2].map((i) => `f-${n}-${i}`) : [`f-${n}`];
          const sent: Sent = batch
            ? { key: `k-${n}`, path: "/v1/invoices/batch", body: { invoices: references.map((r) => invoiceBody(r, buyer)) } }
            : { key: `k-${n}`, path: "/v1/invoices", body: invoiceBody(references[0]!, buyer) };
          requests.set(sent.key, { client, sent });
          let answer: ApiAnswer | undefined;
          try {
            answer = await client.post(sent.path, sent.body, { "idempotency-key": sent.key });
          } catch {
            answer = undefined; // the API is gone: the answer is lost
          }
          if (answer?.status === 201) accept(sent, answer);
          else {
            // Lost, or refused as retryable because the node is down (503, never a 500): the client will retry.
            if (answer !== undefined) {
              expect(answer.status, `${sent.path} ${JSON.stringify(answer.body)}`).to.equal(503);
              expect(answer.headers.get("retry-after"), JSON.stringify(answer.body)).to.equal("1");
            }
            inDoubt.push(sent);
            await new Promise((resolve) => setTimeout(resolve, 50 + w));
          }
        }
      };
      const load = merchants.flatMap((client) => [0, 1, 2, 3].map((w) => worker(client, w)));
      await new Promise((resolve) => setTimeout(resolve, 400 + Math.floor(Math.random() * 1200)));
      if (target !== "api") await system.node.kill();
      if (target !== "node") await system.api.kill();
      await new Promise((resolve) => setTimeout(resolve, 300));
      loading = false;
      await Promise.all(load);

      if (target !== "api") await system.restartNode();
      if (target !== "node") await system.restartApi();

      // Every lost answer is retried with its key until it is answered: the original if it had happened, else a new issue.
      // (200: the API had issued it but died before recording the key; the merchant's reference found it.)
      const answered = (a: ApiAnswer | undefined) => a?.status === 201 || a?.status === 200;
      for (const sent of inDoubt) {
        let answer: ApiAnswer | undefined;
        for (let attempt = 0; attempt < 50 && !answered(answer); attempt++) {
          answer = await requests.get(sent.key)!.client.post(sent.path, sent.body, { "idempotency-key": sent.key }).catch(() => undefined);
          if (!answered(answer)) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(answered(answer), `retry of ${sent.key}: ${answer?.status} ${JSON.stringify(answer?.body)}`).to.equal(true);
        accept(sent, answer!);
      }
      inDoubt = [];
      // A retried key that had been answered returns the very same answer.
      const keys = [...answers.keys()];
      for (const key of keys.slice(-5)) {
        const first = answers.get(key)!;
        const { client, sent } = requests.get(key)!;
        const again = await client.post(sent.path, sent.body, { "idempotency-key": key });
        expect(again.status, key).to.equal(first.status);
        expect(again.body, key).to.deep.equal(first.body);
        expect(again.headers.get("idempotent-replayed")).to.equal("true");
        replaysChecked++;
      }
    }

    // The chain: every acknowledged invoice exactly once, nothing else issued.
    const provider = new JsonRpcProvider(system.node.url, system.node.ready.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const ledger = InvoiceLedger__factory.connect(system.node.ready.contracts.ledger, provider);
    const logs = await ledger.queryFilter(ledger.filters.InvoiceIssued(), 0, "latest");
    provider.destroy();
    const onChain = new Map<string, number>();
    for (const log of logs) onChain.set(log.args.id.toLowerCase(), (onChain.get(log.args.id.toLowerCase()) ?? 0) + 1);
    expect(acknowledged.size).to.be.greaterThan(ROUNDS * 10);
    for (const [reference, invoice] of acknowledged) expect(onChain.get(invoice.id.toLowerCase()), `invoice of ${reference}`).to.equal(1);
    expect(logs.length, "invoices on chain that no acknowledged request asked for").to.equal(acknowledged.size);
    expect(new Set(logs.map((l) => l.args.number)).size).to.equal(logs.length);
    expect(replaysChecked).to.equal(ROUNDS * 5);

    // The index: the bureau's list is the chain's set, number for number (once the indexer has caught up).
    const listed = new Map<string, string>();
    for (let attempt = 0; attempt < 100 && listed.size < logs.length; attempt++) {
      listed.clear();
      let after: string | undefined;
      for (;;) {
        const page = (await bureau.get(`/v1/invoices?limit=500${after === undefined ? "" : `&after=${after}`}`)).body.invoices as { id: string; number: string }[];
        for (const summary of page) listed.set(summary.id.toLowerCase(), summary.number);
        if (page.length < 500) break;
        after = page[page.length - 1]!.number;
      }
      if (listed.size < logs.length) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(new Map(logs.map((l) => [l.args.id.toLowerCase(), l.args.number.toString()]))).to.deep.equal(listed);
  });
});
