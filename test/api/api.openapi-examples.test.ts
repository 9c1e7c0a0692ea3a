import Ajv, { type ValidateFunction } from "ajv";
import { expect } from "chai";

import { isValidTaxpayerId } from "../../api/domain/taxpayer-id";
import { EXAMPLE_CAST, EXAMPLE_CREDIT_NOTE, EXAMPLE_INVOICE, EXAMPLE_ISSUE_BODY, EXAMPLE_KEY, EXAMPLE_PERIOD } from "../../api/http/schemas/example-cast";
import { EXAMPLE_PRIVATE_INVOICE } from "../../api/http/schemas/erasure-examples";
import { EXAMPLE_SELF } from "../../api/http/schemas/self-custody-examples";
import { Wallet, type TypedDataDomain } from "ethers";
import { CUSTODY_CHANGE_TYPES, FORWARD_REQUEST_TYPES, SELF_REGISTRATION_TYPES, nameHashOf } from "../../lib/forward-request";
import { EXAMPLE_EXPIRY } from "../../api/http/schemas/identity-examples";
import { EXAMPLE_DELIVERY, EXAMPLE_WEBHOOK } from "../../api/http/schemas/webhook-examples";
import { MAX_SUBSCRIPTIONS_PER_PARTY } from "../../api/services/webhooks";
import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody, randomTaxpayerId, type DemoBuyer } from "../../scripts/lib/demo-data";
import { signIn } from "./helpers/console-session";
import { registerCast, startSystem, type Cast, type Org, type Person, type TestSystem } from "./helpers/system";

/**
 * Every example of the served /openapi.json, sent to a running API (createApp in process against a real ledger
 * node) as the role its answer names (`x-role`), and held to the documented answer: the status, the documented
 * schema of that status (validated with ajv against the document's own JSON schemas), the error code of a
 * refusal, and the states the example shows (state, status, kind, ...). An example the API answers otherwise
 * fails this test, as does an example without a documented answer, an operation with parameters or a body and no
 * example, and a status beyond the standard refusals that no example shows.
 *
 * The examples name made-up objects (api/http/schemas/example-cast.ts). Before an example is sent, each such
 * value is replaced, leaf by leaf (a value equal to it, anywhere in the path, query or body), by the object this
 * test made for it:
 *  - by default (`defaults` below), the cast of registerCast for the example cast, and for the story's invoice
 *    and credit note an invoice issued with the example's own body, claimed by the employee, submitted to and
 *    reimbursed by the enterprise, with a pending discount (the state the examples show it in);
 *  - where an example needs an object in another state, or changes one, the table GIVEN (by operation and
 *    example name) makes a fresh object for it and says which example value stands for it;
 *  - every `reference` (a merchant's order number) becomes one of its own per example, so that examples do not
 *    replay one another (an example that is about a replay makes the first request in GIVEN);
 *  - a document file cannot be made up: the example that verifies one sends the served file of the invoice it
 *    names.
 * An example naming an account or id (0x + 40 or 64 hex digits) that nothing here maps fails: it would test
 * nothing but a 404.
 */
describe("OpenAPI examples, sent to a running API", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cast: Cast;
  let document: OpenApiDocument;
  let examples: DocumentedExample[];
  let problems: string[];
  let defaults: Map<unknown, unknown>;
  let story: { id: string; number: string; printedNumber: string; checkCode: string; total: string; note: { id: string; number: string; printedNumber: string; checkCode: string } };
  let run = 0;
  const ref = () => `oe-${Date.now().toString(36)}-${run++}`;

  before(async () => {
    // Webhook examples subscribe a loopback address (nothing listens there: deliveries fail and are retried).
    system = await startSystem({ webhookAllowedNetworks: ["loopback"] });
    cast = await registerCast(system.bureau);
    document = (await new ApiClient(system.api.url).get("/openapi.json")).body as OpenApiDocument;
    ({ examples, problems } = examplesOf(document));
    const castMap = new Map<unknown, unknown>([
      [EXAMPLE_CAST.merchant.account, cast.merchant.account],
      [EXAMPLE_CAST.merchant.taxpayerId, cast.merchant.taxpayerId],
      [EXAMPLE_CAST.otherMerchant.account, cast.otherMerchant.account],
      [EXAMPLE_CAST.otherMerchant.taxpayerId, cast.otherMerchant.taxpayerId],
      [EXAMPLE_CAST.enterprise.account, cast.enterprise.account],
      [EXAMPLE_CAST.enterprise.taxpayerId, cast.enterprise.taxpayerId],
      [EXAMPLE_CAST.otherEnterprise.account, cast.otherEnterprise.account],
      [EXAMPLE_CAST.otherEnterprise.taxpayerId, cast.otherEnterprise.taxpayerId],
      [EXAMPLE_CAST.employee.account, cast.employee.account],
      [EXAMPLE_CAST.colleague.account, cast.colleague.account],
      [EXAMPLE_PERIOD, cast.period],
      [String(EXAMPLE_PERIOD), String(cast.period)],
    ]);
    // The story: the example's own invoice, claimed, submitted, reimbursed, with a pending discount.
    const issued = (await ok(cast.merchant.client.post("/v1/invoices", substitute({ ...EXAMPLE_ISSUE_BODY, reference: ref() }, castMap)), 201)).invoice;
    await ok(cast.employee.client.post(`/v1/invoices/${issued.id}/claim`, { claimCode: issued.claimCode }));
    await ok(cast.employee.client.post(`/v1/invoices/${issued.id}/submit`, { enterprise: cast.enterprise.account }));
    await ok(cast.enterprise.client.post(`/v1/invoices/${issued.id}/reimburse`));
    const { totals } = EXAMPLE_CREDIT_NOTE;
    const note = (await ok(cast.merchant.client.post(`/v1/invoices/${issued.id}/reversals`, { reference: ref(), reason: "discount", total: totals.total, tax: totals.tax }), 201)).creditNote;
    story = { id: issued.id, number: issued.number, printedNumber: issued.printedNumber, checkCode: issued.checkCode, total: issued.total, note: { id: note.id, number: note.number, printedNumber: note.printedNumber, checkCode: note.checkCode } };
    defaults = new Map([
      ...castMap,
      [EXAMPLE_INVOICE.id, story.id],
      [EXAMPLE_INVOICE.number, story.number],
      [EXAMPLE_INVOICE.printedNumber, story.printedNumber],
      // The story's printed number with another year (the altered-year example): the same sequence, not printed so.
      [`25${EXAMPLE_INVOICE.printedNumber.slice(2)}`, `${String((Number(story.printedNumber.slice(0, 2)) + 99) % 100).padStart(2, "0")}${story.printedNumber.slice(2)}`],
      [EXAMPLE_INVOICE.checkCode, story.checkCode],
      [EXAMPLE_INVOICE.totals.total, story.total],
      [EXAMPLE_CREDIT_NOTE.id, story.note.id],
      [EXAMPLE_CREDIT_NOTE.number, story.note.number],
      [EXAMPLE_CREDIT_NOTE.printedNumber, story.note.printedNumber],
      [EXAMPLE_CREDIT_NOTE.checkCode, story.note.checkCode],
    ]);
  });
  after(async () => system?.close());

  // ---- What the examples need that the defaults are not: fresh objects in the state an example shows. ----

  type Made = { id: string; claimCode: string; printedNumber: string; checkCode: string };
  const organisationBuyer = (org: Org): DemoBuyer => ({ type: "organisation", name: org.name, taxpayerId: org.taxpayerId });
  const issued = async (buyer: DemoBuyer = organisationBuyer(cast.enterprise)): Promise<Made> => (await ok(cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), buyer)), 201)).invoice;
  async function claimed(holder: Person = cast.employee, buyer: DemoBuyer = organisationBuyer(cast.enterprise)): Promise<Made> {
    const invoice = await issued(buyer);
    await ok(holder.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
    return invoice;
  }
  async function locked(holder: Person = cast.employee, enterprise: Org = cast.enterprise, buyer: DemoBuyer = organisationBuyer(enterprise)): Promise<Made> {
    const invoice = await claimed(holder, buyer);
    await ok(holder.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: enterprise.account }));
    return invoice;
  }
  async function reimbursed(holder: Person = cast.employee, enterprise: Org = cast.enterprise): Promise<Made> {
    const invoice = await locked(holder, enterprise);
    await ok(enterprise.client.post(`/v1/invoices/${invoice.id}/reimburse`));
    return invoice;
  }
  async function frozen(): Promise<Made> {
    const invoice = await reimbursed();
    await ok(system.bureau.post(`/v1/invoices/${invoice.id}/freeze`, { reason: "AUDIT" }));
    return invoice;
  }
  async function pendingNote(holder: Person = cast.employee, enterprise: Org = cast.enterprise): Promise<string> {
    const invoice = await reimbursed(holder, enterprise);
    return (await ok(cast.merchant.client.post(`/v1/invoices/${invoice.id}/reversals`, { reference: ref(), reason: "discount", total: "1060", tax: "60" }), 201)).creditNote.id;
  }
  async function organisation(role: "merchant" | "enterprise", options: { quota?: string; suspended?: boolean } = {}): Promise<Org> {
    const name = `深圳市示例${run++}有限公司`;
    const body = await ok(system.bureau.post("/v1/participants", { role, name, taxpayerId: randomTaxpayerId() }), 201);
    const org: Org = { account: body.participant.account, taxpayerId: body.participant.taxpayerId, name, client: system.bureau.as(body.apiKey) };
    if (options.quota !== undefined) await ok(system.bureau.put(`/v1/merchants/${org.account}/quotas/${cast.period}`, { granted: options.quota }));
    if (options.suspended) await ok(system.bureau.post(`/v1/participants/${org.account}/suspend`));
    return org;
  }
  async function employee(status: "Active" | "Revoked" = "Active", employer: Org = cast.enterprise): Promise<Person> {
    const body = await ok(employer.client.post("/v1/employees", { name: "赵六" }), 201);
    if (status === "Revoked") await ok(employer.client.post(`/v1/participants/${body.participant.account}/revoke`));
    return { account: body.participant.account, client: employer.client.as(body.apiKey) };
  }
  const I = EXAMPLE_INVOICE;
  const invoice = (made: Made) => ({ map: { [I.id]: made.id, [I.claimCode]: made.claimCode } });
  const note = (id: string) => ({ map: { [EXAMPLE_CREDIT_NOTE.id]: id } });
  /** What the QR code of a fresh invoice carries, for the example's number, check code and claim code. */
  const scanned = (made: Made) => ({ map: { [I.id]: made.id, [I.printedNumber]: made.printedNumber, [I.checkCode]: made.checkCode, [I.claimCode]: made.claimCode } });
  const asFreshMerchant = async (options: { quota?: string; suspended?: boolean } = {}): Promise<Given> => {
    const merchant = await organisation("merchant", options);
    return { map: { [EXAMPLE_CAST.merchant.account]: merchant.account }, as: merchant.client };
  };
  const issuedBefore = (body: (request: SentRequest) => unknown, path = "/v1/invoices") => ({
    prepare: async (request: SentRequest) => void (await ok(cast.merchant.client.post(path, body(request)), 201)),
  });
  const firstReference = (request: SentRequest) => (request.body as { invoices: { reference: string }[] }).invoices[0]!.reference;

  /** By "METHOD path example": what the example's values stand for, who sends it, and what must happen first. */
  const GIVEN: Record<string, () => Promise<Given>> = {
    "POST /v1/participants merchant": async () => ({ map: { [EXAMPLE_CAST.merchant.taxpayerId]: randomTaxpayerId() } }),
    "POST /v1/participants enterprise": async () => ({ map: { [EXAMPLE_CAST.enterprise.taxpayerId]: randomTaxpayerId() } }),
    "POST /v1/participants/{account}/suspend merchant": async () => ({ map: { [EXAMPLE_CAST.merchant.account]: (await organisation("merchant")).account } }),
    "POST /v1/participants/{account}/suspend already-suspended": async () => ({ map: { [EXAMPLE_CAST.merchant.account]: (await organisation("merchant", { suspended: true })).account } }),
    "POST /v1/participants/{account}/reinstate merchant": async () => ({ map: { [EXAMPLE_CAST.merchant.account]: (await organisation("merchant", { suspended: true })).account } }),
    "POST /v1/participants/{account}/reinstate not-suspended": async () => ({ map: { [EXAMPLE_CAST.merchant.account]: (await organisation("merchant")).account } }),
    "POST /v1/participants/{account}/revoke employee": async () => ({ map: { [EXAMPLE_CAST.colleague.account]: (await employee()).account } }),
    "POST /v1/participants/{account}/revoke already-revoked": async () => ({ map: { [EXAMPLE_CAST.colleague.account]: (await employee("Revoked")).account } }),
    "PUT /v1/merchants/{account}/quotas/{period} grant": async () => ({ map: { [EXAMPLE_CAST.merchant.account]: (await organisation("merchant")).account } }),
    "DELETE /v1/api-keys/{keyId} till": async () => ({ map: { [EXAMPLE_KEY.keyId]: (await ok(cast.merchant.client.post("/v1/api-keys", { label: "to revoke" }), 201)).info.keyId } }),
    "DELETE /v1/api-keys/{keyId} read-only-key": async () => {
      const reader = (await ok(cast.merchant.client.post("/v1/api-keys", { label: "accountant", scope: "read" }), 201)).apiKey as string;
      const other = (await ok(cast.merchant.client.post("/v1/api-keys", { label: "till" }), 201)).info.keyId as string;
      return { map: { [EXAMPLE_KEY.keyId]: other }, as: cast.merchant.client.as(reader) };
    },
    // An expiry as far ahead of this run's clock as the example's is of the story's day.
    "POST /v1/api-keys read-only-expiring": async () => ({ map: { [EXAMPLE_EXPIRY]: new Date(Date.now() + 181 * 24 * 3600 * 1000).toISOString() } }),
    "POST /v1/participants/{account}/api-keys revoked": async () => ({ map: { [EXAMPLE_CAST.colleague.account]: (await employee("Revoked")).account } }),
    "POST /v1/invoices replayed": async () => issuedBefore((request) => request.body),
    "POST /v1/invoices duplicate-reference": async () => issuedBefore((request) => invoiceBody((request.body as { reference: string }).reference, organisationBuyer(cast.enterprise))),
    "POST /v1/invoices quota-exceeded": async () => asFreshMerchant({ quota: "10000" }),
    "POST /v1/invoices/batch duplicate-reference": async () => issuedBefore((request) => invoiceBody(firstReference(request), organisationBuyer(cast.enterprise))),
    "POST /v1/invoices/batch quota-exceeded": async () => asFreshMerchant({ quota: "10000" }),
    "POST /v1/invoices/{id}/claim claim": async () => invoice(await issued()),
    "POST /v1/invoices/{id}/claim already-claimed": async () => invoice(await claimed(cast.colleague)),
    "POST /v1/claims scan": async () => scanned(await issued()),
    "POST /v1/claims wrong-check-code": async () => scanned(await issued()),
    "POST /v1/claims already-claimed": async () => scanned(await claimed(cast.colleague)),
    "POST /v1/invoices/{id}/transfer to-colleague": async () => invoice(await claimed()),
    "POST /v1/invoices/{id}/transfer to-a-merchant": async () => invoice(await claimed()),
    "POST /v1/invoices/{id}/submit to-employer": async () => invoice(await claimed()),
    "POST /v1/invoices/{id}/submit buyer-mismatch": async () => invoice(await claimed()),
    "POST /v1/invoices/{id}/submit already-submitted": async () => invoice(await locked()),
    "POST /v1/invoices/{id}/reject missing-receipt": async () => invoice(await locked()),
    "POST /v1/invoices/{id}/reject already-reimbursed": async () => invoice(await reimbursed()),
    "POST /v1/invoices/{id}/reimburse reimburse": async () => invoice(await locked()),
    "POST /v1/invoices/{id}/reimburse not-locked": async () => invoice(await reimbursed()),
    "POST /v1/invoices/{id}/file file": async () => invoice(await reimbursed()),
    "POST /v1/invoices/{id}/file before-issue": async () => invoice(await reimbursed()),
    "POST /v1/invoices/{id}/file not-reimbursed": async () => invoice(await locked()),
    "POST /v1/invoices/{id}/freeze audit": async () => invoice(await reimbursed()),
    "POST /v1/invoices/{id}/freeze already-frozen": async () => invoice(await frozen()),
    "POST /v1/invoices/{id}/unfreeze unfreeze": async () => invoice(await frozen()),
    "POST /v1/invoices/{id}/unfreeze not-frozen": async () => invoice(await reimbursed()),
    "POST /v1/invoices/{id}/reversals discount": async () => invoice(await reimbursed()),
    "POST /v1/invoices/{id}/reversals full-refund": async () => invoice(await issued()),
    "POST /v1/invoices/{id}/reversals exceeds-remaining": async () => invoice(await issued()),
    "POST /v1/credit-notes/{id}/confirm confirm": async () => note(await pendingNote()),
    "POST /v1/credit-notes/{id}/cancel withdraw": async () => note(await pendingNote()),
    "POST /v1/verify/document as-served": async () => ({
      prepare: async (request) => {
        expect((request.body as { id: string }).id, "the document file example names the story's invoice").to.equal(story.id);
        return (await ok(cast.merchant.client.get(`/v1/invoices/${story.id}`))).document;
      },
    }),
    "POST /v1/invoices/{id}/release enterprise-suspended": async () => {
      const enterprise = await organisation("enterprise");
      const invoiceLocked = await locked(await employee("Active", enterprise), enterprise, { type: "individual", name: "赵六" });
      await ok(system.bureau.post(`/v1/participants/${enterprise.account}/suspend`));
      return invoice(invoiceLocked);
    },
    "POST /v1/invoices/{id}/release enterprise-active": async () => invoice(await locked()),
    "POST /v1/invoices/{id}/reassign holder-revoked": async () => invoice(await heldByRevoked()),
    "POST /v1/invoices/{id}/reassign to-a-merchant": async () => invoice(await heldByRevoked()),
    "POST /v1/invoices/{id}/reassign holder-active": async () => invoice(await claimed()),
    "POST /v1/credit-notes/{id}/settle confirm-for-revoked-enterprise": async () => {
      const enterprise = await organisation("enterprise");
      const noteId = await pendingNote(await employee("Active", enterprise), enterprise);
      await ok(system.bureau.post(`/v1/participants/${enterprise.account}/revoke`));
      return note(noteId);
    },
    "POST /v1/credit-notes/{id}/settle enterprise-active": async () => note(await pendingNote()),
    "POST /v1/webhooks erp": async () => ({ map: { [EXAMPLE_WEBHOOK.url]: UNREACHABLE_SUBSCRIBER } }),
    "POST /v1/webhooks limit-reached": async () => {
      const merchant = await organisation("merchant");
      for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_PARTY; i++) await ok(merchant.client.post("/v1/webhooks", { url: UNREACHABLE_SUBSCRIBER, eventTypes: ["invoice.issued"] }), 201);
      return { map: { [EXAMPLE_WEBHOOK.url]: UNREACHABLE_SUBSCRIBER }, as: merchant.client };
    },
    "GET /v1/webhooks/{id} erp": async () => ({ map: { [EXAMPLE_WEBHOOK.id]: await webhook() } }),
    "DELETE /v1/webhooks/{id} erp": async () => ({ map: { [EXAMPLE_WEBHOOK.id]: await webhook() } }),
    "POST /v1/webhooks/{id}/rotate-secret erp": async () => ({ map: { [EXAMPLE_WEBHOOK.id]: await webhook() } }),
    "GET /v1/webhooks/{id}/deliveries erp": async () => ({ map: { [EXAMPLE_WEBHOOK.id]: await webhook() } }),
    "POST /v1/webhooks/deliveries/{deliveryId}/redeliver again": async () => {
      const id = await webhook(["invoice.issued"]);
      await issued();
      const { deliveries } = await ok(cast.merchant.client.get(`/v1/webhooks/${id}/deliveries`));
      return { map: { [EXAMPLE_DELIVERY.id]: deliveries[0].id } };
    },
    // Console sessions: signing in with the merchant's own key; reading and ending a session through its cookie.
    "POST /v1/sessions merchant": async () => ({ map: { [EXAMPLE_KEY.apiKey]: cast.merchant.client.apiKey } }),
    "GET /v1/sessions/current merchant": async () => ({ as: (await signIn(cast.merchant.client)).client }),
    "DELETE /v1/sessions/current merchant": async () => ({ as: (await signIn(cast.merchant.client)).client }),
    "POST /v1/invoices/{id}/erase personal-data": async () => ({ map: { [EXAMPLE_PRIVATE_INVOICE.id]: (await claimed(cast.employee, { type: "individual", name: "张三" })).id } }),
  };
  // Self custody: a person with a key of her own (registered here), and what she signs.
  const farDeadline = () => BigInt(Math.floor(Date.now() / 1000) + 3600);
  async function registration(key: Wallet, name = "王芳") {
    const { domain } = await ok(new ApiClient(system.api.url).get("/v1/registrations/domain"));
    const deadline = farDeadline();
    return { name, account: key.address, deadline: deadline.toString(), signature: await key.signTypedData(domain as TypedDataDomain, SELF_REGISTRATION_TYPES, { account: key.address, nameHash: nameHashOf(name), deadline }) };
  }
  async function selfParty(): Promise<{ key: Wallet; client: ApiClient }> {
    const key = new Wallet(Wallet.createRandom().privateKey);
    const body = await ok(new ApiClient(system.api.url).post("/v1/registrations", await registration(key)), 201);
    return { key, client: new ApiClient(system.api.url, body.apiKey) };
  }
  /** The example's claim, as a self-custody person signs it for a fresh invoice. */
  async function signedClaim(party: { key: Wallet; client: ApiClient }) {
    const made = await issued();
    const call = await ok(party.client.post("/v1/forward/claim-data", { invoiceId: made.id, claimCode: made.claimCode }));
    const info = await ok(party.client.get("/v1/forward/domain"));
    const request = { from: party.key.address, to: call.to, value: 0n, gas: 300_000n, nonce: BigInt(info.nonce), deadline: farDeadline(), data: call.data };
    const signature = await party.key.signTypedData(info.domain as TypedDataDomain, FORWARD_REQUEST_TYPES, request);
    return { request: { ...request, value: "0", gas: "300000", nonce: request.nonce.toString(), deadline: request.deadline.toString() }, signature };
  }
  async function custodyProof(party: { key: Wallet; client: ApiClient }) {
    const { signing } = await ok(party.client.get("/v1/custody"));
    const deadline = farDeadline();
    return { deadline: deadline.toString(), signature: await party.key.signTypedData(signing.domain as TypedDataDomain, CUSTODY_CHANGE_TYPES, { account: party.key.address, custody: "self", deadline }) };
  }
  async function hostedEmployee(): Promise<{ key: Wallet; client: ApiClient }> {
    const person = await employee();
    return { key: new Wallet((await ok(person.client.post("/v1/custody/key"))).privateKey), client: person.client };
  }
  GIVEN["POST /v1/forward/claim-data claim"] = async () => invoice(await issued());
  GIVEN["POST /v1/forward claim"] = async () => {
    const party = await selfParty();
    return { as: party.client, prepare: async () => signedClaim(party) };
  };
  GIVEN["POST /v1/forward replayed"] = async () => {
    const party = await selfParty();
    return {
      as: party.client,
      prepare: async () => {
        const body = await signedClaim(party);
        await ok(party.client.post("/v1/forward", body));
        return body;
      },
    };
  };
  GIVEN["POST /v1/forward not-the-ledger"] = async () => ({ map: { [EXAMPLE_SELF.account]: cast.employee.account, [EXAMPLE_SELF.forwarder]: system.api.ctx.client.addresses.forwarder, [EXAMPLE_SELF.ledger]: system.api.ctx.client.addresses.ledger, [EXAMPLE_SELF.registry]: system.api.ctx.client.addresses.registry } });
  GIVEN["POST /v1/registrations register"] = async () => ({ prepare: async () => registration(new Wallet(Wallet.createRandom().privateKey)) });
  GIVEN["POST /v1/registrations replayed"] = async () => ({
    prepare: async () => {
      const body = await registration(new Wallet(Wallet.createRandom().privateKey));
      await ok(new ApiClient(system.api.url).post("/v1/registrations", body), 201);
      return body;
    },
  });
  GIVEN["POST /v1/registrations expired"] = async () => ({ map: { [EXAMPLE_SELF.account]: Wallet.createRandom().address } });
  GIVEN["POST /v1/custody/key self-already"] = async () => ({ as: (await selfParty()).client });
  GIVEN["POST /v1/custody/self to-self"] = async () => {
    const party = await hostedEmployee();
    return { as: party.client, prepare: async () => custodyProof(party) };
  };
  GIVEN["POST /v1/custody/self self-already"] = async () => {
    const party = await selfParty();
    return { as: party.client, prepare: async () => custodyProof(party) };
  };
  GIVEN["POST /v1/custody/hosted to-hosted"] = async () => {
    const party = await selfParty();
    return { as: party.client, prepare: async () => ({ privateKey: party.key.privateKey }) };
  };
  GIVEN["POST /v1/custody/hosted hosted-already"] = async () => {
    const party = await hostedEmployee();
    return { as: party.client, prepare: async () => ({ privateKey: party.key.privateKey }) };
  };
  GIVEN["POST /v1/custody/hosted not-her-key"] = async () => ({ map: { [`0x${"22".repeat(32)}`]: `0x${"22".repeat(32)}` } });

  /** A subscription of the merchant's (its deliveries fail: nothing listens at the address). */
  const UNREACHABLE_SUBSCRIBER = "http://127.0.0.1:9/hooks/einvoice";
  async function webhook(eventTypes = ["invoice.issued", "invoice.claimed"]): Promise<string> {
    return (await ok(cast.merchant.client.post("/v1/webhooks", { url: UNREACHABLE_SUBSCRIBER, eventTypes }), 201)).webhook.id;
  }
  async function heldByRevoked(): Promise<Made> {
    const holder = await employee();
    const held = await claimed(holder);
    await ok(cast.enterprise.client.post(`/v1/participants/${holder.account}/revoke`));
    return held;
  }

  it("has an example for every operation that takes parameters or a body, and for every status beyond the standard refusals, each paired with one answer", () => {
    expect(problems).to.deep.equal([]);
    const missing: string[] = [];
    for (const { operation, key, takesInput, statuses } of operationsOf(document)) {
      const own = examples.filter((e) => e.operation === key);
      if (takesInput && own.length === 0) missing.push(`${key}: no example`);
      for (const status of statuses) if (!STANDARD_REFUSALS.includes(status) && !own.some((e) => e.status === status)) missing.push(`${key}: no example answered ${status}`);
      for (const example of own) {
        const roles = operation["x-roles"];
        if (roles === undefined) expect(example.role, `${key} ${example.name} is public`).to.equal(undefined);
        else expect(roles, `${key} ${example.name}: x-role ${example.role} may call it`).to.include(example.role);
      }
    }
    expect(missing).to.deep.equal([]);
    expect(examples.length).to.be.greaterThan(60);
  });

  it("names every operation with its own stable operationId (what generated clients and the SDK call it)", () => {
    const ids = operationsOf(document).map(({ operation, key }) => [key, operation.operationId as unknown] as const);
    expect(ids.filter(([, id]) => typeof id !== "string" || !/^[a-z][A-Za-z]+$/.test(id)), "operations without a camelCase operationId").to.deep.equal([]);
    const names = ids.map(([, id]) => id as string);
    expect(names.filter((name, i) => names.indexOf(name) !== i), "operationIds used twice").to.deep.equal([]);
  });

  it("has examples that fit their own schemas, and taxpayer IDs with the right check character (GB 32100-2015)", () => {
    const validator = schemaValidator(document);
    const unfit: string[] = [];
    for (const example of examples) {
      if (example.schema === undefined) continue;
      const validate = validator(example.schema);
      if (!validate(example.response)) unfit.push(`${example.operation} ${example.name}: the documented answer does not fit its schema: ${JSON.stringify(validate.errors)}`);
    }
    // Examples inside schemas (a field's `example`), where zod-to-openapi put them.
    const texts: string[] = [];
    walkSchemaExamples(document, (where, value, schema) => {
      texts.push(...stringsIn(value));
      const validate = validator(schema);
      if (!validate(value)) unfit.push(`${where}: example ${JSON.stringify(value)} does not fit its schema: ${JSON.stringify(validate.errors)}`);
    });
    for (const example of examples) texts.push(...stringsIn([example.params, example.query, example.body, example.response]));
    const taxpayerIds = texts.filter((text) => /^[0-9A-Z]{18}$/.test(text));
    expect(taxpayerIds, "taxpayer IDs among the examples").to.not.be.empty;
    for (const id of new Set(taxpayerIds)) if (!isValidTaxpayerId(id)) unfit.push(`taxpayer ID ${id}: wrong check character`);
    expect(unfit).to.deep.equal([]);
  });

  it("answers every example as documented", async () => {
    const validator = schemaValidator(document);
    const failures: string[] = [];
    const used = new Set<string>();
    const started = Date.now();
    for (const example of examples) {
      const label = `${example.operation} ${example.name}`;
      try {
        const given: Given = await (GIVEN[label] ?? (async () => ({})))();
        used.add(label);
        const map = new Map<unknown, unknown>([...defaults, ...Object.entries(given.map ?? {})]);
        // Each example its own order numbers.
        for (const reference of referencesIn(example.body)) map.set(reference, `${reference}-${ref()}`);
        const unmapped = stringsIn([example.params, example.query, example.body]).filter((text) => /^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(text) && !map.has(text));
        if (unmapped.length > 0 && given.prepare === undefined) throw new Error(`names ${unmapped.join(", ")}, which this test does not make: add it to GIVEN`);
        const request: SentRequest = { params: substitute(example.params, map) as Record<string, string>, query: substitute(example.query, map) as Record<string, string>, body: substitute(example.body, map) };
        const replaced = await given.prepare?.(request);
        if (replaced !== undefined) request.body = replaced;
        const client = given.as ?? clientFor(example.role);
        const path = example.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(request.params[name])));
        const query = new URLSearchParams(request.query).toString();
        const answer = await client.request(example.method.toUpperCase(), query === "" ? path : `${path}?${query}`, request.body);
        const wrong = mismatches(example, answer, validator);
        if (wrong.length > 0) failures.push(`${label}: ${wrong.join("; ")} (answer ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)})`);
      } catch (error) {
        failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    console.log(`      ${examples.length} examples sent in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(failures).to.deep.equal([]);
    expect(Object.keys(GIVEN).filter((label) => !used.has(label)), "GIVEN entries for examples that do not exist").to.deep.equal([]);
  });

  function clientFor(role: string | undefined): ApiClient {
    switch (role) {
      case undefined:
        return new ApiClient(system.api.url);
      case "bureau":
        return system.bureau;
      case "merchant":
        return cast.merchant.client;
      case "enterprise":
        return cast.enterprise.client;
      case "individual":
        return cast.employee.client;
      default:
        throw new Error(`no client for the role ${role}`);
    }
  }
});

// ---- Reading the document ----

type Json = Record<string, any>;
interface OpenApiDocument {
  paths: Record<string, Record<string, Json>>;
  components: Json;
}

interface DocumentedExample {
  /** "POST /v1/invoices/{id}/claim" */
  operation: string;
  method: string;
  path: string;
  name: string;
  role: string | undefined;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  status: number;
  response: unknown;
  schema: Json | undefined;
  /** The answer's media type: application/json, or a document's (application/pdf, application/xml). */
  media: string;
}

interface SentRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

interface Given {
  /** Example values (left) and the objects made for this example (right), over the defaults. */
  map?: Record<string, unknown>;
  /** Sent with this client instead of the cast's client for the example's role. */
  as?: ApiClient;
  /** Runs just before the request is sent (e.g. the first request of a replay); may return the body to send instead. */
  prepare?: (request: SentRequest) => Promise<unknown>;
}

/** The refusals every route documents (route.ts), shown by the authorisation, abuse and validation suites. */
const STANDARD_REFUSALS = [400, 401, 403, 404, 413, 429];
const JSON_MEDIA = "application/json";

function operationsOf(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      operation,
      key: `${method.toUpperCase()} ${path}`,
      method,
      path,
      takesInput: operation.requestBody !== undefined || ((operation.parameters ?? []) as Json[]).some((p) => p.in === "path" || p.in === "query"),
      statuses: Object.keys(operation.responses ?? {}).map(Number),
    })),
  );
}

/** Each example of each operation, its request gathered from the parameters and the body, and its one answer. */
function examplesOf(document: OpenApiDocument): { examples: DocumentedExample[]; problems: string[] } {
  const examples: DocumentedExample[] = [];
  const problems: string[] = [];
  for (const { operation, key, method, path } of operationsOf(document)) {
    const parameters = (operation.parameters ?? []) as Json[];
    const bodyExamples = (operation.requestBody?.content?.[JSON_MEDIA]?.examples ?? {}) as Record<string, Json>;
    // A JSON answer is held to its schema; a document's (PDF, XML) to its media type and how it starts.
    const answers = Object.entries((operation.responses ?? {}) as Record<string, Json>).flatMap(([status, response]) =>
      Object.entries((response.content ?? {}) as Record<string, Json>).flatMap(([media, content]) =>
        Object.entries((content.examples ?? {}) as Record<string, Json>).map(([name, example]) => ({ name, status: Number(status), example, media, schema: media === JSON_MEDIA ? (content.schema as Json | undefined) : undefined })),
      ),
    );
    const names = new Set([...parameters.flatMap((p) => Object.keys(p.examples ?? {})), ...Object.keys(bodyExamples), ...answers.map((a) => a.name)]);
    for (const name of names) {
      const answer = answers.filter((a) => a.name === name);
      if (answer.length !== 1) {
        problems.push(`${key} ${name}: ${answer.length} documented answers, not one`);
        continue;
      }
      const pick = (location: string) => Object.fromEntries(parameters.filter((p) => p.in === location && p.examples?.[name] !== undefined).map((p) => [p.name, p.examples[name].value]));
      const params = pick("path");
      const query = pick("query");
      for (const p of parameters) if (p.required && (p.in === "path" || p.in === "query") && !(p.name in (p.in === "path" ? params : query))) problems.push(`${key} ${name}: no value for the required ${p.in} parameter ${p.name}`);
      if (operation.requestBody?.required && bodyExamples[name] === undefined) problems.push(`${key} ${name}: no body`);
      const { status, example, schema, media } = answer[0]!;
      examples.push({ operation: key, method, path, name, role: example["x-role"], params, query, body: bodyExamples[name]?.value, status, response: example.value, schema, media });
    }
  }
  return { examples, problems };
}

/**
 * Validates against a schema of the document (its `#/components/...` references resolved in the document).
 * OpenAPI 3.0's `nullable` beside `type` is understood by ajv; beside anything else (a `$ref`, or nothing: any
 * value) it is written as JSON Schema says it: that, or null.
 */
function schemaValidator(document: OpenApiDocument): (schema: Json) => ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  ajv.addSchema(jsonSchema({ components: document.components }) as Json, "openapi.json");
  const cache = new Map<string, ValidateFunction>();
  return (schema) => {
    const text = JSON.stringify(jsonSchema(schema)).replaceAll('"#/components/', '"openapi.json#/components/');
    let validate = cache.get(text);
    if (validate === undefined) {
      validate = ajv.compile(JSON.parse(text) as Json);
      cache.set(text, validate);
    }
    return validate;
  };
}

function jsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (node === null || typeof node !== "object") return node;
  const converted = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, jsonSchema(value)])) as Json;
  if (converted.nullable !== true || "type" in converted) return converted;
  const { nullable: _nullable, ...rest } = converted;
  return Object.keys(rest).length === 0 ? {} : { anyOf: [rest, { type: "null" }] };
}

/** Each `example` of a schema (a field's, a parameter's) with the schema it illustrates. Named examples are data, not schemas: not entered. */
function walkSchemaExamples(node: unknown, visit: (where: string, value: unknown, schema: Json) => void, where = "#"): void {
  if (Array.isArray(node)) return node.forEach((item, i) => walkSchemaExamples(item, visit, `${where}/${i}`));
  if (node === null || typeof node !== "object") return;
  const object = node as Json;
  if ("example" in object) {
    if (object.schema !== undefined) visit(where, object.example, object.schema as Json);
    else if (["type", "$ref", "anyOf", "oneOf", "allOf", "enum"].some((k) => k in object)) {
      const { example, ...schema } = object;
      visit(where, example, schema);
    }
  }
  for (const [key, value] of Object.entries(object)) if (key !== "examples" && key !== "example") walkSchemaExamples(value, visit, `${where}/${key}`);
}

/** What the answer does otherwise than the example documents. */
function mismatches(example: DocumentedExample, answer: ApiAnswer, validator: (schema: Json) => ValidateFunction): string[] {
  const wrong: string[] = [];
  if (answer.status !== example.status) wrong.push(`status ${answer.status}, documented ${example.status}`);
  if (example.media !== JSON_MEDIA) {
    const type = answer.headers.get("content-type") ?? "";
    if (!type.startsWith(example.media)) wrong.push(`content-type ${type}, documented ${example.media}`);
    if (typeof answer.body !== "string" || !answer.body.startsWith(String(example.response))) wrong.push(`the document does not start with ${JSON.stringify(example.response)}`);
    return wrong;
  }
  if (example.schema !== undefined) {
    const validate = validator(example.schema);
    if (!validate(answer.body)) wrong.push(`the answer does not fit the documented schema: ${JSON.stringify(validate.errors).slice(0, 400)}`);
  }
  const documented = example.response as Json | undefined;
  const actual = (answer.body ?? {}) as Json;
  if (documented?.error !== undefined && actual.error?.code !== documented.error.code) wrong.push(`code ${actual.error?.code}, documented ${documented.error.code}`);
  // The states the example shows, where it shows them: of the answer, and of the invoice and credit note in it.
  for (const part of [undefined, "invoice", "creditNote"]) {
    const shown = (part === undefined ? documented : documented?.[part]) as Json | undefined;
    const got = (part === undefined ? actual : actual[part]) as Json | undefined;
    if (shown === undefined || typeof shown !== "object") continue;
    for (const field of ["state", "frozenFrom", "status", "authentic", "kind", "creditNoteStatus", "mismatch", "replayed"]) {
      if (field in shown && typeof shown[field] !== "object" && got?.[field] !== shown[field]) wrong.push(`${part ?? "answer"}.${field} ${JSON.stringify(got?.[field])}, documented ${JSON.stringify(shown[field])}`);
    }
  }
  return wrong;
}

function substitute(value: unknown, map: Map<unknown, unknown>): unknown {
  if (map.has(value)) return map.get(value);
  if (Array.isArray(value)) return value.map((item) => substitute(item, map));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, map)]));
  return value;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The merchant's references (order numbers) in a body, at any depth. */
function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => (key === "reference" && typeof item === "string" ? [item] : referencesIn(item)));
}

async function ok(answer: Promise<ApiAnswer>, status = 200): Promise<any> {
  const { status: actual, body } = await answer;
  if (actual !== status) throw new Error(`setting up: expected ${status}, got ${actual} ${JSON.stringify(body)}`);
  return body;
}
