import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { InvoiceLedger__factory } from "../../typechain-types";
import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { startApiProcess, type ApiProcess } from "../../scripts/lib/api-process";
import { invoiceBody, type DemoBuyer } from "../../scripts/lib/demo-data";
import { RealProcesses } from "./helpers/processes";
import { registerCast } from "./helpers/system";

/**
 * Two API processes on one chain and one database, issuing at once for the same merchants (whose hosted
 * keys both instances sign with), one of them killed -9 midway: every acknowledged invoice is on chain
 * exactly once, the ledger's numbers have no gap, an Idempotency-Key answered by one instance is answered
 * alike by the other, and the index (written by both indexers, one range at a time) agrees with the chain.
 */
describe("several API instances on one chain and one database", function () {
  this.timeout(300_000);
  let system: RealProcesses;
  let second: ApiProcess;

  before(async () => {
    system = await RealProcesses.start({ LOG_LEVEL: "warn" });
    second = await startApiProcess(system.dataDir, system.node.url, { LOG_LEVEL: "warn", DATABASE_URL: system.databaseUrl() });
  });
  after(async () => {
    await second?.kill();
    await system?.close();
  });

  it("issue for the same merchants through both, one killed -9: nothing lost, nothing twice, numbers gapless, keys honoured across instances", async () => {
    const cast = await registerCast(system.bureau());
    const buyer: DemoBuyer = { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const merchantKeys = [cast.merchant.client.apiKey!, cast.otherMerchant.client.apiKey!];
    const urls = [system.api.url, second.url];
    const acknowledged = new Map<string, { id: string; number: string }>(); // by reference
    const inDoubt: { key: string; body: unknown; apiKey: string }[] = [];
    let sequence = 0;
    let crossChecked = 0;
    let loading = true;
    let firstKilled = false;

    const accept = (reference: string, answer: ApiAnswer) => {
      const invoice = { id: answer.body.invoice.id as string, number: answer.body.invoice.number as string };
      const earlier = acknowledged.get(reference);
      if (earlier !== undefined) expect(invoice, `reference ${reference} acknowledged twice`).to.deep.equal(earlier);
      acknowledged.set(reference, invoice);
    };
    const worker = async (instance: number, apiKey: string) => {
      while (loading) {
        const n = sequence++;
        const reference = `multi-${n}`;
        const body = invoiceBody(reference, buyer);
        const key = `key-${n}`;
        const url = instance === 0 && firstKilled ? undefined : urls[instance]!;
        let answer: ApiAnswer | undefined;
        if (url !== undefined) answer = await new ApiClient(url, apiKey).post("/v1/invoices", body, { "idempotency-key": key }).catch(() => undefined);
        if (answer?.status === 201) {
          accept(reference, answer);
          // Every fourth answer: the same key and body at the other instance is the same answer, replayed.
          const other = urls[1 - instance]!;
          if (n % 4 === 0 && !(instance === 1 && firstKilled)) {
            const again = await new ApiClient(other, apiKey).post("/v1/invoices", body, { "idempotency-key": key }).catch(() => undefined);
            if (again !== undefined) {
              expect(again.body, key).to.deep.equal(answer.body);
              expect(again.headers.get("idempotent-replayed")).to.equal("true");
              crossChecked++;
            }
          }
        } else {
          // Lost with the killed instance; anything else is a failure of the instances' coordination.
          if (answer !== undefined) expect.fail(`${key} at instance ${instance}: ${answer.status} ${JSON.stringify(answer.body)}`);
          inDoubt.push({ key, body, apiKey });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const load = merchantKeys.flatMap((apiKey) => [0, 0, 1, 1].map((instance) => worker(instance, apiKey)));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await system.api.kill();
    firstKilled = true;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    loading = false;
    await Promise.all(load);

    // Every request whose answer was lost is retried with its key at the surviving instance.
    for (const { key, body, apiKey } of inDoubt) {
      const answer = await new ApiClient(second.url, apiKey).post("/v1/invoices", body, { "idempotency-key": key });
      expect(answer.status, `${key}: ${JSON.stringify(answer.body)}`).to.be.oneOf([200, 201]);
      accept((body as { reference: string }).reference, answer);
    }
    expect(acknowledged.size).to.be.greaterThan(20);
    expect(crossChecked).to.be.greaterThan(3);

    // The chain: each acknowledged invoice once, nothing else, numbers 1..N without a gap.
    const provider = new JsonRpcProvider(system.node.url, system.node.ready.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const ledger = InvoiceLedger__factory.connect(system.node.ready.contracts.ledger, provider);
    const logs = await ledger.queryFilter(ledger.filters.InvoiceIssued(), 0, "latest");
    provider.destroy();
    expect(logs.length, "invoices on chain that no acknowledged request asked for").to.equal(acknowledged.size);
    const ids = new Set(logs.map((l) => l.args.id.toLowerCase()));
    for (const [reference, invoice] of acknowledged) expect(ids.has(invoice.id.toLowerCase()), reference).to.equal(true);
    const numbers = logs.map((l) => Number(l.args.number)).sort((a, b) => a - b);
    expect(numbers).to.deep.equal(Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i));

    // The index the surviving instance serves: the chain's set, number for number.
    const bureau = new ApiClient(second.url, system.bureau().apiKey!);
    let listed = new Map<string, string>();
    for (let attempt = 0; attempt < 100 && listed.size < logs.length; attempt++) {
      // Every page of the list (more than one page's 500 can be issued in the time the load runs).
      listed = new Map();
      for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
        const body = (await bureau.get(`/v1/invoices?limit=500${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`)).body as { invoices: { id: string; number: string }[]; nextCursor: string | null };
        for (const summary of body.invoices) listed.set(summary.id.toLowerCase(), summary.number);
        cursor = body.nextCursor;
      }
      if (listed.size < logs.length) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed).to.deep.equal(new Map(logs.map((l) => [l.args.id.toLowerCase(), l.args.number.toString()])));
  });
});
