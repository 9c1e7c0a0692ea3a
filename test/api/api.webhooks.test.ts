import { execFile } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";

import { expect } from "chai";
import { Webhook } from "standardwebhooks";

import { ApiError } from "../../api/errors";
import { networkAllowance, resolveTarget } from "../../api/webhooks/url-guard";
import type { ApiClient } from "../../scripts/lib/api-client";
import { builtProgram } from "../../scripts/lib/built-program";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { RealProcesses } from "./helpers/processes";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Webhooks (POST /v1/webhooks ..., api/webhooks/): a subscriber in this test (a local HTTP server; loopback is
 * allowed by configuration) receives the events of the invoices its party may read, each verified with the
 * standardwebhooks library and the secret shown at subscription; a party never gets another's; failures (500s,
 * time-outs, redirects, which are not followed) are retried on the configured schedule with every attempt in the
 * delivery log; a manual redelivery sends the same id again; a rebuild of the index sends nothing again; URLs on
 * the operator's network are refused. With real processes: kill -9 of the API mid-delivery, then a restart:
 * every event is delivered at least once, each with one webhook-id however often it was sent.
 */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with; undefined while held (or never answered). */
  answered?: number;
}

/** A subscriber: records every request, answers as `answer` says (a status, or "hang": never answers). */
class Subscriber {
  readonly received: Received[] = [];
  answer: (request: Received, index: number) => number | "hang" = () => 200;
  /** Where a 3xx answer points. */
  redirectTo = "http://127.0.0.1:1/elsewhere";
  private readonly hanging: ServerResponse[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Subscriber> {
    const server = createServer();
    const subscriber = new Subscriber(server);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const request: Received = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        subscriber.received.push(request);
        const answer = subscriber.answer(request, subscriber.received.length - 1);
        if (answer === "hang") return void subscriber.hanging.push(res);
        if (answer >= 300 && answer < 400) res.setHeader("location", subscriber.redirectTo);
        request.answered = answer;
        res.writeHead(answer).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return subscriber;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  at(path: string): (Received & { event: { type: string; timestamp: string; data: Record<string, any> } })[] {
    return this.received.filter((r) => r.path === path).map((r) => ({ ...r, event: JSON.parse(r.body) }));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const run = promisify(execFile);

/** Waits (polling) until `check` holds; fails with `what` when it does not within `ms`. Not a timing assertion: a bound on waiting. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ALL_TYPES = ["invoice.issued", "invoice.claimed", "invoice.transferred", "invoice.submitted", "invoice.rejected", "invoice.reimbursed", "invoice.filed", "invoice.reversal_requested", "invoice.reversed", "credit_note.confirmed", "credit_note.cancelled", "invoice.frozen", "invoice.unfrozen", "invoice.erased", "participant.status_changed"];

async function subscribe(client: ApiClient, url: string, eventTypes = ALL_TYPES): Promise<{ id: string; secret: string }> {
  const answer = await client.post("/v1/webhooks", { url, eventTypes });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  expect(answer.body.secret).to.match(/^whsec_/);
  return { id: answer.body.webhook.id, secret: answer.body.secret };
}

/** Verifies a received request's signature with the reference library; returns the event. */
function verified(request: Received, secret: string): { type: string; data: Record<string, any> } {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: Record<string, any> };
}

describe("webhooks", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  let subscriber: Subscriber;
  let ref = 0;
  const reference = () => `wh-${Date.now().toString(36)}-${ref++}`;

  before(async () => {
    system = await startSystem({ webhookAllowedNetworks: ["loopback"], webhookRetryScheduleMs: [100, 150, 200, 250, 300], webhookTimeoutMs: 700, webhookPollMs: 50 });
    cast = await registerCast(system.bureau);
    subscriber = await Subscriber.start();
  });
  after(async () => {
    await subscriber?.close();
    await system?.close();
  });

  async function issued(buyer: { type: "organisation"; name: string; taxpayerId: string } | { type: "individual"; name: string } = { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }) {
    const answer = await cast.merchant.client.post("/v1/invoices", invoiceBody(reference(), buyer));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.invoice as { id: string; claimCode: string; number: string; printedNumber: string };
  }
  const ok = async (answer: Promise<{ status: number; body: any }>, status = 200) => {
    const { status: actual, body } = await answer;
    expect(actual, JSON.stringify(body)).to.equal(status);
    return body;
  };

  it("sends each party the signed events of the invoices it may read, and nobody another's", async () => {
    const merchant = await subscribe(cast.merchant.client, subscriber.url("/merchant"));
    const employee = await subscribe(cast.employee.client, subscriber.url("/employee"));
    const enterprise = await subscribe(cast.enterprise.client, subscriber.url("/enterprise"));
    const otherMerchant = await subscribe(cast.otherMerchant.client, subscriber.url("/other-merchant"));
    const outsider = await subscribe(cast.outsider.client, subscriber.url("/outsider"));
    const bureau = await subscribe(system.bureau, subscriber.url("/bureau"), ["invoice.issued", "invoice.reversal_requested"]);

    // The story: issued, claimed, submitted, reimbursed, then a discount the enterprise confirms.
    const invoice = await issued();
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }));
    await ok(cast.enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`));
    const note = (await ok(cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: reference(), reason: "discount", total: "1060", tax: "60" }), 201)).creditNote;
    await ok(cast.enterprise.client.post(`/v1/credit-notes/${note.id}/confirm`));
    // And one the enterprise rejects, with its reason: told to the holder.
    const rejected = await issued();
    await ok(cast.employee.client.post(`/v1/invoices/${rejected.id}/claim`, { claimCode: rejected.claimCode }));
    await ok(cast.employee.client.post(`/v1/invoices/${rejected.id}/submit`, { enterprise: cast.enterprise.account }));
    await ok(cast.enterprise.client.post(`/v1/invoices/${rejected.id}/reject`, { reason: "MISSING_RECEIPT" }));

    const typesOf = (path: string, id: string) => subscriber.at(path).filter((r) => r.event.data.invoiceId === id).map((r) => r.event.type);
    const merchantStory = ["invoice.issued", "invoice.claimed", "invoice.submitted", "invoice.reimbursed", "invoice.reversal_requested", "credit_note.confirmed"];
    await until("the merchant's events", () => merchantStory.every((type) => typesOf("/merchant", invoice.id).includes(type)) && typesOf("/employee", rejected.id).includes("invoice.rejected"));
    await until("the others' events", () => typesOf("/employee", invoice.id).includes("credit_note.confirmed") && typesOf("/bureau", invoice.id).includes("invoice.reversal_requested"));

    // Every request verifies under its subscription's secret, and under no other.
    for (const [path, secret] of [["/merchant", merchant.secret], ["/employee", employee.secret], ["/enterprise", enterprise.secret], ["/bureau", bureau.secret]] as const) {
      for (const request of subscriber.at(path)) {
        expect(verified(request, secret).type).to.equal(request.event.type);
        expect(() => verified(request, otherMerchant.secret)).to.throw();
      }
    }
    const byType = (path: string, id: string) => new Map(subscriber.at(path).filter((r) => r.event.data.invoiceId === id).map((r) => [r.event.type, r.event.data]));
    const seen = byType("/merchant", invoice.id);
    expect(seen.get("invoice.issued")).to.include({ number: invoice.number, printedNumber: invoice.printedNumber, state: "Issued", actor: cast.merchant.account });
    expect(seen.get("invoice.claimed")).to.include({ state: "Issued", holder: cast.employee.account, actor: cast.employee.account });
    expect(seen.get("invoice.submitted")).to.include({ state: "Locked", enterprise: cast.enterprise.account });
    expect(seen.get("invoice.reimbursed")).to.include({ state: "Reimbursed", actor: cast.enterprise.account });
    expect(seen.get("credit_note.confirmed")!.creditNote).to.include({ id: note.id, number: note.number, printedNumber: note.printedNumber });
    for (const data of seen.values()) {
      expect(data.blockNumber).to.be.a("number");
      expect(data.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    }
    // Nothing of the document: no names, no items.
    expect(subscriber.received.map((r) => r.body).join("\n")).not.to.include(cast.enterprise.name);

    // The employee was told from its claim on (not of the issue, before it could read the invoice), and of the rejection's reason.
    expect(typesOf("/employee", invoice.id)).to.not.include("invoice.issued");
    expect(typesOf("/employee", invoice.id)).to.include.members(["invoice.claimed", "invoice.submitted", "invoice.reimbursed", "credit_note.confirmed"]);
    expect(byType("/employee", rejected.id).get("invoice.rejected")).to.include({ reason: "MISSING_RECEIPT", state: "Issued", rejectedBy: cast.enterprise.account });
    // The enterprise from the submission on; not of the rejection, after which it no longer reads that invoice.
    expect(typesOf("/enterprise", invoice.id)).to.include.members(["invoice.submitted", "invoice.reimbursed", "credit_note.confirmed"]);
    expect(typesOf("/enterprise", invoice.id)).to.not.include("invoice.claimed");
    expect(typesOf("/enterprise", rejected.id)).to.not.include("invoice.rejected");
    // The bureau reads every invoice: only the types it chose.
    expect(new Set(subscriber.at("/bureau").map((r) => r.event.type))).to.deep.equal(new Set(["invoice.issued", "invoice.reversal_requested"]));
    // Another merchant and another enterprise's employee: nothing.
    expect(subscriber.at("/other-merchant")).to.deep.equal([]);
    expect(subscriber.at("/outsider")).to.deep.equal([]);

    // Another party's subscription and deliveries read as none at all.
    const delivered = (await ok(cast.merchant.client.get(`/v1/webhooks/${merchant.id}/deliveries`))).deliveries as { id: string }[];
    expect(delivered.length).to.be.at.least(merchantStory.length);
    for (const answer of [
      await cast.otherMerchant.client.get(`/v1/webhooks/${merchant.id}`),
      await cast.otherMerchant.client.get(`/v1/webhooks/${merchant.id}/deliveries`),
      await cast.otherMerchant.client.post(`/v1/webhooks/deliveries/${delivered[0]!.id}/redeliver`),
      await cast.otherMerchant.client.delete(`/v1/webhooks/${merchant.id}`),
    ]) {
      expect(answer.status).to.equal(404);
      expect(answer.body.error.code).to.equal("NOT_FOUND");
    }
    expect((await ok(cast.otherMerchant.client.get("/v1/webhooks"))).webhooks.map((w: { id: string }) => w.id)).to.deep.equal([otherMerchant.id]);
    for (const [client, id] of [[cast.merchant.client, merchant.id], [cast.employee.client, employee.id], [cast.enterprise.client, enterprise.id], [cast.otherMerchant.client, otherMerchant.id], [cast.outsider.client, outsider.id], [system.bureau, bureau.id]] as const) {
      await ok(client.delete(`/v1/webhooks/${id}`));
    }
  });

  it("tells the holder and the bureau of an erasure, which is not on chain", async () => {
    const holder = await subscribe(cast.employee.client, subscriber.url("/erasure-holder"), ["invoice.erased"]);
    const bureau = await subscribe(system.bureau, subscriber.url("/erasure-bureau"), ["invoice.erased"]);
    const invoice = await issued({ type: "individual", name: "张三" });
    await ok(cast.employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    await ok(system.bureau.post(`/v1/invoices/${invoice.id}/erase`, { basis: "PIPL-47", requestReference: "DEL-1" }));
    await until("the erasure's events", () => subscriber.at("/erasure-holder").length > 0 && subscriber.at("/erasure-bureau").length > 0);
    expect(verified(subscriber.at("/erasure-holder")[0]!, holder.secret).data).to.include({ invoiceId: invoice.id, printedNumber: invoice.printedNumber, blockNumber: null });
    expect(verified(subscriber.at("/erasure-bureau")[0]!, bureau.secret).type).to.equal("invoice.erased");
    expect(subscriber.received.map((r) => r.body).join("\n")).not.to.include("张三");
    await ok(cast.employee.client.delete(`/v1/webhooks/${holder.id}`));
    await ok(system.bureau.delete(`/v1/webhooks/${bureau.id}`));
  });

  it("retries a subscriber that fails (500s, a time-out) until it answers, with every attempt in the log and one webhook-id; redelivers on request", async () => {
    const { id, secret } = await subscribe(cast.merchant.client, subscriber.url("/flaky"), ["invoice.issued"]);
    // 500, then no answer within the time-out, then 500, then 200.
    const script: (number | "hang")[] = [500, "hang", 500];
    let calls = 0;
    subscriber.answer = (request) => (request.path !== "/flaky" ? 200 : (script[calls++] ?? 200));
    const invoice = await issued();
    const deliveryOf = async () => ((await ok(cast.merchant.client.get(`/v1/webhooks/${id}/deliveries`))).deliveries as any[]).find((d) => d.payload.data.invoiceId === invoice.id);
    await until("the delivery delivered", async () => (await deliveryOf())?.status === "delivered");
    subscriber.answer = () => 200;
    const delivery = await deliveryOf();
    expect(delivery.attempts).to.equal(4);
    expect(delivery.attemptLog.map((a: any) => a.statusCode)).to.deep.equal([500, null, 500, 200]);
    expect(delivery.attemptLog[1].error).to.match(/^timeout/);
    expect(delivery.attemptLog[0].error).to.equal("HTTP 500");
    expect(delivery.lastStatusCode).to.equal(200);
    const received = subscriber.at("/flaky").filter((r) => r.event.data.invoiceId === invoice.id);
    expect(received).to.have.length(4);
    expect(new Set(received.map((r) => r.headers["webhook-id"]))).to.deep.equal(new Set([delivery.id]));
    for (const request of received) expect(verified(request, secret).type).to.equal("invoice.issued");

    // Redelivered on request: the same id and body once more.
    const redelivered = await ok(cast.merchant.client.post(`/v1/webhooks/deliveries/${delivery.id}/redeliver`), 202);
    expect(redelivered.id).to.equal(delivery.id);
    await until("the redelivery", () => subscriber.at("/flaky").filter((r) => r.event.data.invoiceId === invoice.id).length === 5);
    const again = subscriber.at("/flaky").filter((r) => r.event.data.invoiceId === invoice.id)[4]!;
    expect(again.headers["webhook-id"]).to.equal(delivery.id);
    expect(again.body).to.equal(received[0]!.body);
    await until("the redelivery logged", async () => (await deliveryOf()).attempts === 5);
    await ok(cast.merchant.client.delete(`/v1/webhooks/${id}`));
  });

  it("gives up once the schedule is spent, and does not follow redirects", async () => {
    const target = await Subscriber.start();
    try {
      const { id } = await subscribe(cast.merchant.client, subscriber.url("/redirecting"), ["invoice.issued"]);
      subscriber.redirectTo = target.url("/elsewhere");
      subscriber.answer = (request) => (request.path === "/redirecting" ? 302 : 200);
      const invoice = await issued();
      const deliveryOf = async () => ((await ok(cast.merchant.client.get(`/v1/webhooks/${id}/deliveries?status=failed`))).deliveries as any[]).find((d) => d.payload.data.invoiceId === invoice.id);
      await until("the delivery failed", async () => (await deliveryOf()) !== undefined);
      subscriber.answer = () => 200;
      const delivery = await deliveryOf();
      // The first attempt and one per delay of the schedule (5).
      expect(delivery.attempts).to.equal(6);
      expect(delivery.attemptLog.every((a: any) => a.statusCode === 302)).to.equal(true);
      expect(delivery.nextAttemptAt).to.equal(null);
      expect(target.received).to.deep.equal([]);
      await ok(cast.merchant.client.delete(`/v1/webhooks/${id}`));
    } finally {
      await target.close();
    }
  });

  it("refuses URLs on the operator's network: private, link-local (metadata), CGNAT, unique-local, mapped addresses; other schemes and credentials", async () => {
    const refused = async (url: string, reason: string, range?: string) => {
      const answer = await cast.merchant.client.post("/v1/webhooks", { url, eventTypes: ["invoice.issued"] });
      expect(answer.status, url).to.equal(422);
      expect(answer.body.error.code, url).to.equal("WEBHOOK_URL_NOT_ALLOWED");
      expect(answer.body.error.details, url).to.deep.equal(range === undefined ? { reason } : { reason, range });
    };
    await refused("http://10.1.2.3/hook", "address", "private");
    await refused("http://192.168.0.10:8080/hook", "address", "private");
    await refused("http://172.16.5.4/hook", "address", "private");
    await refused("http://169.254.169.254/latest/meta-data/", "address", "linkLocal");
    await refused("http://100.100.100.200/latest/meta-data/", "address", "carrierGradeNat");
    await refused("http://[fd00:ec2::254]/", "address", "uniqueLocal");
    await refused("http://[::ffff:10.0.0.1]/", "address", "private");
    await refused("http://0.0.0.0/", "address", "unspecified");
    await refused("http://224.0.0.1/", "address", "multicast");
    await refused("ftp://example.com/hook", "scheme");
    await refused("file:///etc/passwd", "scheme");
    await refused("http://user:password@127.0.0.1/hook", "credentials");
    const invalid = await cast.merchant.client.post("/v1/webhooks", { url: subscriber.url("/x"), eventTypes: ["invoice.nonsense"] });
    expect(invalid.body.error.code).to.equal("VALIDATION_FAILED");
  });

  it("refuses loopback (a host name resolving to it, too) unless configuration allows it, at each delivery as when subscribing", async () => {
    const none = networkAllowance([]);
    for (const url of ["http://localhost:8080/hook", "http://127.0.0.1/hook", "http://[::1]/hook", "http://2130706433/hook"]) {
      const error = await resolveTarget(url, none, 2_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, url).to.be.instanceOf(ApiError);
      expect((error as ApiError).code).to.equal("WEBHOOK_URL_NOT_ALLOWED");
      expect((error as ApiError).details).to.deep.equal({ reason: "address", range: "loopback" });
    }
    expect((await resolveTarget("http://localhost:8080/hook", networkAllowance(["loopback"]), 2_000)).address).to.match(/^(127\.0\.0\.1|::1)$/);
    expect((await resolveTarget("http://10.9.8.7/", networkAllowance(["10.9.0.0/16"]), 2_000)).address).to.equal("10.9.8.7");
    expect(() => networkAllowance(["not-a-network"])).to.throw();
  });

  it("signs with both secrets for a while after a rotation", async () => {
    const { id, secret } = await subscribe(cast.merchant.client, subscriber.url("/rotated"), ["invoice.issued"]);
    const rotated = await ok(cast.merchant.client.post(`/v1/webhooks/${id}/rotate-secret`));
    expect(rotated.secret).to.match(/^whsec_/).and.not.equal(secret);
    expect(rotated.webhook.previousSecretUntil).to.be.a("string");
    const invoice = await issued();
    await until("the delivery", () => subscriber.at("/rotated").some((r) => r.event.data.invoiceId === invoice.id));
    const request = subscriber.at("/rotated").find((r) => r.event.data.invoiceId === invoice.id)!;
    expect(String(request.headers["webhook-signature"]).split(" ")).to.have.length(2);
    expect(verified(request, rotated.secret).type).to.equal("invoice.issued");
    expect(verified(request, secret).type).to.equal("invoice.issued");
    await ok(cast.merchant.client.delete(`/v1/webhooks/${id}`));
  });
});

describe("webhooks: kill -9 of the API mid-delivery", function () {
  this.timeout(600_000);
  let processes: RealProcesses;
  let subscriber: Subscriber;

  before(async () => {
    processes = await RealProcesses.start({ API_WEBHOOK_ALLOWED_NETWORKS: "loopback", API_WEBHOOK_RETRY_SCHEDULE: "100ms,200ms,300ms,400ms,500ms,1s,1s,1s,1s,1s", API_WEBHOOK_TIMEOUT_MS: "1000", API_WEBHOOK_POLL_MS: "50" });
    subscriber = await Subscriber.start();
  });
  after(async () => {
    await subscriber?.close();
    await processes?.close();
  });

  it("delivers every event at least once after a restart, each with the same webhook-id on every attempt", async () => {
    const cast = await registerCast(processes.bureau());
    const { secret } = await subscribe(cast.merchant.client, subscriber.url("/killed"), ["invoice.issued"]);
    // The subscriber holds the first requests without answering: the API is killed while they are in flight.
    let held = 0;
    subscriber.answer = () => (held++ < 3 ? "hang" : 200);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await cast.merchant.client.post("/v1/invoices", invoiceBody(`kill-${Date.now().toString(36)}-${i}`, { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }));
      expect(answer.status).to.equal(201);
      ids.push(answer.body.invoice.id);
    }
    await until("deliveries in flight", () => held >= 3);
    await processes.api.kill();
    await processes.restartApi();
    const delivered = () => new Set(subscriber.at("/killed").filter((r) => r.answered === 200).map((r) => r.event.data.invoiceId as string));
    await until("every invoice's event, answered", () => ids.every((id) => delivered().has(id)), 120_000);
    const received = subscriber.at("/killed");
    for (const id of ids) {
      const copies = received.filter((r) => r.event.data.invoiceId === id);
      expect(new Set(copies.map((r) => r.headers["webhook-id"])).size, `${id}: one webhook-id`).to.equal(1);
      for (const copy of copies) expect(verified(copy, secret).data.invoiceId).to.equal(id);
    }
    // The ones held when the API was killed were sent again.
    expect(received.length).to.be.at.least(ids.length + 3);
  });

  it("sends nothing again after `api:reindex` rebuilt the index from the chain, and what came after it", async () => {
    const cast = await registerCast(processes.bureau());
    const { id } = await subscribe(cast.merchant.client, subscriber.url("/reindexed"), ["invoice.issued"]);
    const issue = async () => (await cast.merchant.client.post("/v1/invoices", invoiceBody(`re-${Date.now().toString(36)}-${Math.random()}`, { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }))).body.invoice.id as string;
    const first = await issue();
    await until("the first delivery", () => subscriber.at("/reindexed").some((r) => r.event.data.invoiceId === first && r.answered === 200));
    const before = (await cast.merchant.client.get(`/v1/webhooks/${id}/deliveries`)).body.deliveries.length as number;
    // Subscribed after the first invoice was indexed: the rebuild reads that invoice again, and must not send it here.
    const late = await subscribe(cast.merchant.client, subscriber.url("/late"), ["invoice.issued"]);
    await processes.api.kill();
    const { stdout } = await run(process.execPath, [builtProgram("api/reindex"), "--rpc-url", processes.node.url], { env: { ...process.env, LEDGER_DATA_DIR: processes.dataDir } });
    expect(JSON.parse(stdout.trim().split("\n").pop()!).event).to.equal("reindexed");
    await processes.restartApi();
    const second = await issue();
    await until("the next delivery", () => subscriber.at("/reindexed").some((r) => r.event.data.invoiceId === second && r.answered === 200));
    const deliveries = (await cast.merchant.client.get(`/v1/webhooks/${id}/deliveries`)).body.deliveries as { payload: { data: { invoiceId: string } } }[];
    expect(deliveries).to.have.length(before + 1);
    expect(subscriber.at("/reindexed").filter((r) => r.event.data.invoiceId === first)).to.have.length(1);
    await until("the late subscription's delivery", () => subscriber.at("/late").some((r) => r.event.data.invoiceId === second && r.answered === 200));
    const lateDeliveries = (await cast.merchant.client.get(`/v1/webhooks/${late.id}/deliveries`)).body.deliveries as { payload: { data: { invoiceId: string } } }[];
    expect(lateDeliveries.map((d) => d.payload.data.invoiceId)).to.deep.equal([second]);
  });
});
