import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { Webhook } from "standardwebhooks";

import { invoiceBody, randomTaxpayerId } from "../../scripts/lib/demo-data";
import { actWithOwnKey, claimWithOwnKey, createEInvoiceClient, createTransport, EInvoiceApiError, getInvoice, isEInvoiceApiError, iterateInvoices, iterateParticipants, registerWithOwnKey, type EInvoiceClient } from "../../sdk/src";
import { merchantIntegration } from "../../sdk/examples/merchant-integration";
import { signClaimSubmission } from "../../sdk/examples/self-custody-signing";
import { webhookReceiver } from "../../sdk/examples/webhook-receiver";
import { LedgerForwarder__factory } from "../../typechain-types";
import { registerCast, startSystem, type Cast, type TestSystem } from "../api/helpers/system";

const ROOT = join(__dirname, "..", "..");

const lineItem = (unitPrice: string) => ({ name: "工作餐", quantity: "1", unitPrice, amount: unitPrice, taxRate: 0 as const, tax: "0" });

/**
 * A merchant's integration, an employee's and an enterprise's, driven only by the SDK against a real ledger node
 * and API; the README's examples, run as they are printed.
 */
describe("SDK", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cast: Cast;
  const sdkOf = (apiKey: string | undefined, language?: string): EInvoiceClient =>
    createEInvoiceClient({ baseUrl: system.api.url, ...(apiKey === undefined ? {} : { apiKey }), ...(language === undefined ? {} : { language }) });

  before(async () => {
    // Loopback allowed for webhooks: the test's receiver listens on 127.0.0.1.
    system = await startSystem({ webhookAllowedNetworks: ["loopback"], webhookPollMs: 50 });
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  it("issues, reads, claims, submits, reimburses and traces: each party with its own key, the chain naming each as actor", async () => {
    const merchant = sdkOf(cast.merchant.client.apiKey);
    const employee = sdkOf(cast.employee.client.apiKey);
    const enterprise = sdkOf(cast.enterprise.client.apiKey);
    const body = { reference: "SDK-1", buyer: { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }, items: [lineItem("8800")] };
    const issued = await merchant.issueInvoice({ body, idempotencyKey: "sdk-1" });
    expect(issued.replayed).to.equal(false);
    expect(issued.invoice).to.include({ state: "Issued", total: "8800" });
    // The same Idempotency-Key: the first answer again.
    expect((await merchant.issueInvoice({ body, idempotencyKey: "sdk-1" })).invoice.id).to.equal(issued.invoice.id);

    const claimed = await employee.claimInvoice({ params: { id: issued.invoice.id }, body: { claimCode: issued.invoice.claimCode! } });
    expect(claimed.holder).to.equal(cast.employee.account);
    expect((await employee.submitInvoice({ params: { id: claimed.id }, body: { enterprise: cast.enterprise.account } })).state).to.equal("Locked");
    expect((await enterprise.reimburseInvoice({ params: { id: claimed.id } })).state).to.equal("Reimbursed");

    const trace = await getInvoice(createTransport({ baseUrl: system.api.url, apiKey: cast.merchant.client.apiKey! }), { params: { id: claimed.id } });
    expect(trace.state).to.equal("Reimbursed");
    const events = (await employee.traceInvoice({ params: { id: claimed.id } })).events.map((event) => [event.type, event.actor]);
    expect(events).to.deep.include.members([
      ["InvoiceIssued", cast.merchant.account],
      ["InvoiceClaimed", cast.employee.account],
      ["InvoiceSubmitted", cast.employee.account],
      ["InvoiceReimbursed", cast.enterprise.account],
    ]);

    const pdf = await employee.getInvoicePdf({ params: { id: claimed.id } });
    expect(pdf).to.be.instanceOf(Uint8Array);
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).to.equal("%PDF-");
    expect(await employee.getInvoiceUbl({ params: { id: claimed.id } })).to.match(/^<\?xml/);
  });

  it("rejects with EInvoiceApiError carrying status, code, details and the request id; never a message to match", async () => {
    const merchant = sdkOf(cast.merchant.client.apiKey, "zh-CN");
    const unknown = `0x${"ab".repeat(32)}`;
    const error = await merchant.getInvoice({ params: { id: unknown } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(EInvoiceApiError);
    expect(error).to.include({ status: 404, code: "NOT_FOUND", retryable: false, operationId: "getInvoice" });
    expect((error as EInvoiceApiError).requestId).to.match(/^[0-9a-f-]{36}$/);

    const wrongRole = await sdkOf(cast.employee.client.apiKey).issueInvoice({ body: { reference: "X-1", buyer: { type: "individual", name: "张三" }, items: [lineItem("100")] } }).catch((e: unknown) => e);
    expect(isEInvoiceApiError(wrongRole, "FORBIDDEN")).to.equal(true);
    expect((wrongRole as EInvoiceApiError).details).to.deep.include({ role: "individual" });

    const invalid = await merchant.issueInvoice({ body: { reference: "X-2", buyer: { type: "individual", name: "张三" }, items: [{ ...lineItem("100"), amount: "101" }] } }).catch((e: unknown) => e);
    expect(invalid).to.include({ status: 400, code: "VALIDATION_FAILED" });
    expect((invalid as EInvoiceApiError).details.issues).to.deep.include.members([{ in: "body", path: "items.0.amount", code: "custom", message: (invalid as { details: { issues: { message: string }[] } }).details.issues[0]!.message }]);

    const noKey = await sdkOf("not-a-key").listApiKeys().catch((e: unknown) => e);
    expect(noKey).to.include({ status: 401, code: "UNAUTHENTICATED" });

    const unreachable = await createEInvoiceClient({ baseUrl: "http://127.0.0.1:1" }).verifyByNumber({ query: { number: "1", checkCode: "1", total: "1" } }).catch((e: unknown) => e);
    expect(unreachable).to.include({ status: 0, code: "NETWORK_ERROR", retryable: true });
  });

  it("iterates a search across pages by nextCursor, and participants across pages by account", async () => {
    const merchant = sdkOf(cast.otherMerchant.client.apiKey);
    const invoices = Array.from({ length: 7 }, (_, i) => ({ reference: `PAGE-${i}`, buyer: { type: "individual" as const, name: "王五" }, items: [lineItem(String(100 + i))] }));
    const { results } = await merchant.issueInvoiceBatch({ body: { invoices } });
    const seen: string[] = [];
    for await (const invoice of iterateInvoices(merchant.transport, { query: { limit: "3", sort: "total" } })) seen.push(invoice.id);
    expect(seen).to.deep.equal(results.map((result) => result.invoice.id));

    const bureau = sdkOf(system.bureau.apiKey);
    const accounts: string[] = [];
    for await (const participant of iterateParticipants(bureau.transport, { query: { limit: "2" } })) accounts.push(participant.account);
    expect(new Set(accounts).size).to.equal(accounts.length);
    expect(accounts).to.include.members([cast.merchant.account, cast.otherMerchant.account, cast.enterprise.account, cast.employee.account, cast.outsider.account]);
  });

  describe("README examples (sdk/README.md), as printed", () => {
    it("prints each example file exactly as it is", () => {
      const readme = readFileSync(join(ROOT, "sdk", "README.md"), "utf8");
      const blocks = [...readme.matchAll(/<!-- example: (sdk\/examples\/[^ ]+) -->\n```ts\n([\s\S]*?)```\n/g)];
      expect(blocks.map((block) => block[1])).to.deep.equal(["sdk/examples/merchant-integration.ts", "sdk/examples/webhook-receiver.ts", "sdk/examples/self-custody-signing.ts"]);
      for (const [, file, text] of blocks) expect(text, file).to.equal(readFileSync(join(ROOT, file!), "utf8"));
    });

    it("a merchant's integration: issue, read, list, a typed refusal, a refund", async () => {
      const result = await merchantIntegration({ baseUrl: system.api.url, apiKey: cast.merchant.client.apiKey!, orderNumber: "README-1", buyerTaxpayerId: randomTaxpayerId() });
      expect(result.invoice.state).to.equal("Issued");
      expect(result.open).to.be.greaterThanOrEqual(1);
      expect(result.refusedWith).to.match(/^DUPLICATE_REFERENCE \(HTTP 409, request [0-9a-f-]{36}\)$/);
      expect(result.creditNote.status).to.equal("Effective");
      expect(result.stateAfterRefund).to.equal("Reversed");
    });

    it("a merchant's integration, end to end: subscribes, issues, receives the signed event, reverses, receives that too", async () => {
      const merchant = sdkOf(cast.merchant.client.apiKey);
      const events: { type: string; data: { invoiceId: string } }[] = [];
      let secret = "";
      const server = webhookReceiver(() => secret, (event) => events.push(event as (typeof events)[number]));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const subscription = await merchant.createWebhook({ body: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, eventTypes: ["invoice.issued", "invoice.reversed"] } as never });
        secret = (subscription as { secret: string }).secret;
        const { invoice } = await merchant.issueInvoice({ body: invoiceBody(`sdk-hook-${Date.now()}`, { type: "organisation", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId }) as never });
        await merchant.reverseInvoice({ params: { id: invoice.id }, body: { reference: `sdk-hook-refund-${Date.now()}`, reason: "sales-return" } });
        const deadline = Date.now() + 30_000;
        while (events.filter((e) => e.data.invoiceId === invoice.id).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(events.filter((e) => e.data.invoiceId === invoice.id).map((e) => e.type)).to.deep.equal(["invoice.issued", "invoice.reversed"]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it("a webhook receiver: takes a signed delivery once per id, refuses a forged or altered one", async () => {
      const secret = `whsec_${Buffer.from("a secret of the subscription, 32b").toString("base64")}`;
      const handled: [unknown, string][] = [];
      const server = webhookReceiver(() => secret, (event, id) => handled.push([event, id]));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      try {
        const body = JSON.stringify({ type: "invoice.claimed", data: { id: "0x01" } });
        const now = new Date();
        const signed = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign("msg_1", now, body) };
        const deliver = (headers: Record<string, string>, text = body) => fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: text });
        expect((await deliver(signed)).status).to.equal(204);
        expect((await deliver(signed)).status).to.equal(204);
        const altered = await deliver(signed, body.replace("claimed", "reimbursed"));
        expect([altered.status, await altered.json()]).to.deep.equal([401, { code: "WEBHOOK_SIGNATURE_INVALID" }]);
        const forged = await deliver({ ...signed, "webhook-signature": new Webhook(`whsec_${Buffer.from("another secret entirely, 32 bytes").toString("base64")}`).sign("msg_1", now, body) });
        expect([forged.status, await forged.json()]).to.deep.equal([401, { code: "WEBHOOK_SIGNATURE_INVALID" }]);
        const stale = new Date(now.getTime() - 3600_000);
        const old = await deliver({ ...signed, "webhook-timestamp": String(Math.floor(stale.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign("msg_1", stale, body) });
        expect([old.status, await old.json()]).to.deep.equal([401, { code: "WEBHOOK_TIMESTAMP_OUT_OF_RANGE" }]);
        const unsigned = await deliver({});
        expect([unsigned.status, await unsigned.json()]).to.deep.equal([401, { code: "WEBHOOK_HEADERS_MISSING" }]);
        expect(handled).to.deep.equal([[{ type: "invoice.claimed", data: { id: "0x01" } }, "msg_1"]]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it("an employee with a key the operator never saw: registers, claims and submits through the SDK; the trace shows the person's own account", async () => {
      const person = Wallet.createRandom();
      const registered = await registerWithOwnKey(createEInvoiceClient({ baseUrl: system.api.url }), person, "自持密钥员工");
      expect(registered.participant.account).to.equal(person.address);
      const own = createEInvoiceClient({ baseUrl: system.api.url, apiKey: registered.apiKey });
      const merchant = createEInvoiceClient({ baseUrl: system.api.url, apiKey: cast.merchant.client.apiKey! });
      const { invoice } = await merchant.issueInvoice({ body: invoiceBody(`sdk-own-${Date.now()}`, { type: "individual", name: "自持密钥员工" }) as never });
      const claimed = (await claimWithOwnKey(own, person, { invoiceId: invoice.id, claimCode: invoice.claimCode! })) as { holder: string };
      expect(claimed.holder).to.equal(person.address);
      const submitted = (await actWithOwnKey(own, person, { action: "submit", id: invoice.id, enterprise: cast.enterprise.account })) as { state: string };
      expect(submitted.state).to.equal("Locked");
      const trace = await createEInvoiceClient({ baseUrl: system.api.url, apiKey: cast.enterprise.client.apiKey! }).traceInvoice({ params: { id: invoice.id } });
      expect(trace.events.map((e) => [e.type, e.actor])).to.deep.include.members([["InvoiceClaimed", person.address], ["InvoiceSubmitted", person.address]]);
      // Submitting again: the ledger's refusal (a simulation as the person) comes back by its code, and nothing is relayed.
      const error = await actWithOwnKey(own, person, { action: "submit", id: invoice.id, enterprise: cast.enterprise.account }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(EInvoiceApiError);
      expect((error as EInvoiceApiError).code).to.equal("INVALID_STATE");
    });

    it("signing with one's own key: the deployed forwarder takes the request as the party's, and not once a field is changed", async () => {
      const provider = new JsonRpcProvider(system.node.url, undefined, { staticNetwork: true });
      try {
        const { contracts, chainId } = system.node.ready;
        const forwarder = LedgerForwarder__factory.connect(contracts.forwarder, provider);
        const party = Wallet.createRandom();
        const signed = await signClaimSubmission({
          partyKey: party.privateKey,
          chainId: BigInt(chainId),
          forwarder: contracts.forwarder,
          ledger: contracts.ledger,
          invoiceId: `0x${"12".repeat(32)}`,
          enterprise: cast.enterprise.account,
          nonce: await forwarder.nonces(party.address),
        });
        expect(signed.from).to.equal(party.address);
        const data = { from: signed.from, to: signed.to, value: signed.value, gas: signed.gas, deadline: signed.deadline, data: signed.data, signature: signed.signature };
        expect(await forwarder.verify(data)).to.equal(true);
        // Re-targeted, or signed for another forwarder: not the party's request.
        expect(await forwarder.verify({ ...data, to: contracts.registry })).to.equal(false);
        const elsewhere = await signClaimSubmission({ partyKey: party.privateKey, chainId: BigInt(chainId), forwarder: contracts.registry, ledger: contracts.ledger, invoiceId: `0x${"12".repeat(32)}`, enterprise: cast.enterprise.account, nonce: 0n });
        expect(await forwarder.verify({ ...data, signature: elsewhere.signature, deadline: elsewhere.deadline })).to.equal(false);
      } finally {
        provider.destroy();
      }
    });
  });
});
