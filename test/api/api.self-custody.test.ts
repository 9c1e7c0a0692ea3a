import { expect } from "chai";
import { Interface, Wallet, encodeBytes32String, type TypedDataDomain } from "ethers";

import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { CUSTODY_CHANGE_TYPES, FORWARD_REQUEST_TYPES, SELF_REGISTRATION_TYPES, nameHashOf } from "../../lib/forward-request";
import { InvoiceLedger__factory, ParticipantRegistry__factory } from "../../typechain-types";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Self custody: parties that keep their own chain key. A person registers herself with a key made here (the
 * API never sees it), claims and submits an invoice with requests she signs, which the API relays through the
 * forwarder, and the trace shows her account as the actor; replayed, expired, re-targeted and tampered requests
 * are refused with their codes and change nothing on chain; a hosted employee takes over its key (the switch
 * recorded for the bureau) and the hosted routes then refuse it.
 */
describe("API self custody", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  let run = 0;
  const ref = () => `self-${Date.now().toString(36)}-${run++}`;
  const ledgerAbi = new Interface(InvoiceLedger__factory.abi);
  const registryAbi = new Interface(ParticipantRegistry__factory.abi);
  const inAnHour = () => BigInt(Math.floor(Date.now() / 1000) + 3600);

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  async function ok(answer: Promise<ApiAnswer>, status = 200): Promise<any> {
    const { status: actual, body } = await answer;
    expect(actual, JSON.stringify(body)).to.equal(status);
    return body;
  }
  async function refused(answer: Promise<ApiAnswer>, status: number, code: string): Promise<any> {
    const { status: actual, body } = await answer;
    expect([actual, body?.error?.code], JSON.stringify(body)).to.deep.equal([status, code]);
    return body;
  }

  /** A person with a key of her own, registered through POST /v1/registrations. */
  interface SelfParty {
    key: Wallet;
    account: string;
    client: ApiClient;
  }

  async function registrationBody(key: Wallet, name: string, deadline = inAnHour()) {
    const { domain } = await ok(new ApiClient(system.api.url).get("/v1/registrations/domain"));
    const signature = await key.signTypedData(domain as TypedDataDomain, SELF_REGISTRATION_TYPES, { account: key.address, nameHash: nameHashOf(name), deadline });
    return { name, account: key.address, deadline: deadline.toString(), signature };
  }

  async function selfRegistered(name = "王芳"): Promise<SelfParty> {
    const key = new Wallet(Wallet.createRandom().privateKey);
    const body = await ok(new ApiClient(system.api.url).post("/v1/registrations", await registrationBody(key, name)), 201);
    return { key, account: key.address, client: new ApiClient(system.api.url, body.apiKey) };
  }

  /** A forward request for `data` at `to` (the ledger by default), signed by `key`, with the nonce the API says. */
  async function signed(party: { key: Wallet; client: ApiClient }, data: string, changes: { to?: string; deadline?: bigint; nonce?: bigint; gas?: bigint; from?: string } = {}) {
    const info = await ok(party.client.get("/v1/forward/domain"));
    const request = {
      from: changes.from ?? party.key.address,
      to: changes.to ?? info.targets.ledger,
      value: 0n,
      gas: changes.gas ?? 300_000n,
      nonce: changes.nonce ?? BigInt(info.nonce),
      deadline: changes.deadline ?? inAnHour(),
      data,
    };
    const signature = await party.key.signTypedData(info.domain as TypedDataDomain, FORWARD_REQUEST_TYPES, request);
    return { request: { ...request, value: "0", gas: request.gas.toString(), nonce: request.nonce.toString(), deadline: request.deadline.toString() }, signature };
  }

  const forward = (party: { client: ApiClient }, body: unknown) => party.client.post("/v1/forward", body);
  const nonceOf = async (party: { client: ApiClient }) => (await ok(party.client.get("/v1/forward/domain"))).nonce as string;

  async function issuedTo(buyer = cast.enterprise) {
    return (await ok(cast.merchant.client.post("/v1/invoices", invoiceBody(ref(), { type: "organisation", name: buyer.name, taxpayerId: buyer.taxpayerId })), 201)).invoice as { id: string; claimCode: string };
  }

  async function claimedBy(party: SelfParty) {
    const invoice = await issuedTo();
    const call = await ok(party.client.post("/v1/forward/claim-data", { invoiceId: invoice.id, claimCode: invoice.claimCode }));
    const claimed = await ok(forward(party, await signed(party, call.data, { to: call.to })));
    expect(claimed.holder).to.equal(party.account);
    return invoice;
  }

  describe("a person who registers herself with her own key", () => {
    it("is an individual in self custody, and the same signed registration is not accepted twice", async () => {
      const key = new Wallet(Wallet.createRandom().privateKey);
      const body = await registrationBody(key, "王芳");
      const registered = await ok(new ApiClient(system.api.url).post("/v1/registrations", body), 201);
      expect(registered.participant).to.include({ account: key.address, role: "individual", name: "王芳" });
      expect(registered.participant.employer).to.equal(undefined);
      const person = new ApiClient(system.api.url, registered.apiKey);
      expect(await ok(person.get("/v1/custody"))).to.include({ account: key.address, custody: "self" });
      expect((await ok(person.get(`/v1/participants/${key.address}`))).status).to.equal("Active");
      expect(await system.api.ctx.client.registry.isRegistered(key.address)).to.equal(true);

      await refused(new ApiClient(system.api.url).post("/v1/registrations", body), 409, "SIGNATURE_REPLAYED");
      await refused(new ApiClient(system.api.url).post("/v1/registrations", await registrationBody(key, "王芳", inAnHour() + 1n)), 409, "ALREADY_REGISTERED");
      const changes = await ok(system.bureau.get(`/v1/custody/changes?account=${key.address}`));
      expect(changes.changes.map((c: any) => [c.from, c.to, c.changedBy])).to.deep.equal([[null, "self", key.address]]);
    });

    it("refuses an expired registration, and one whose signature is over another name or by another key", async () => {
      const key = new Wallet(Wallet.createRandom().privateKey);
      const anyone = new ApiClient(system.api.url);
      await refused(anyone.post("/v1/registrations", await registrationBody(key, "王芳", BigInt(Math.floor(Date.now() / 1000) - 60))), 422, "SIGNATURE_EXPIRED");
      await refused(anyone.post("/v1/registrations", { ...(await registrationBody(key, "王芳")), name: "李娜" }), 422, "SIGNATURE_INVALID");
      const other = new Wallet(Wallet.createRandom().privateKey);
      await refused(anyone.post("/v1/registrations", { ...(await registrationBody(other, "王芳")), account: key.address }), 422, "SIGNATURE_INVALID");
      expect((await system.api.ctx.client.registry.participant(key.address)).status).to.equal(0n);
    });
  });

  describe("requests a party signs itself, relayed through the forwarder", () => {
    let person: SelfParty;
    before(async () => {
      person = await selfRegistered();
    });

    it("claims and submits an invoice; the ledger and the trace show her own account as the actor, the relayer only as the sender", async () => {
      const invoice = await claimedBy(person);
      const submitted = await ok(forward(person, await signed(person, ledgerAbi.encodeFunctionData("submit", [invoice.id, cast.enterprise.account]))));
      expect(submitted).to.include({ state: "Locked", holder: person.account, enterprise: cast.enterprise.account });

      const { events } = await ok(person.client.get(`/v1/invoices/${invoice.id}/trace`));
      const byType = new Map(events.map((event: any) => [event.type, event]));
      expect((byType.get("InvoiceClaimed") as any).actor).to.equal(person.account);
      expect((byType.get("InvoiceSubmitted") as any).actor).to.equal(person.account);
      // The transaction's sender is the relayer (the bureau's account), never the person: the key stayed with her.
      const relayed = await system.api.ctx.client.provider.getTransaction((byType.get("InvoiceSubmitted") as any).transactionHash);
      const bureau = (await ok(system.bureau.get("/v1/custody"))).account;
      expect(relayed!.from).to.equal(bureau);
      expect(relayed!.to).to.equal(system.api.ctx.client.addresses.forwarder);
      // The API holds no key of hers: the hosted routes say so, with the route to use instead.
      await refused(person.client.post(`/v1/invoices/${invoice.id}/transfer`, { to: cast.colleague.account }), 409, "SELF_CUSTODY");
    });

    it("refuses replayed, expired, re-targeted and tampered requests with their codes, and nothing changes on chain", async () => {
      const invoice = await claimedBy(person);
      const transfer = (to: string) => ledgerAbi.encodeFunctionData("transfer", [invoice.id, to]);
      const before = await nonceOf(person);
      const stateOf = async () => (await ok(person.client.get(`/v1/invoices/${invoice.id}`))).holder as string;

      // Replayed: the claim relayed a moment ago, sent again.
      const claimCall = await ok(person.client.post("/v1/forward/claim-data", { invoiceId: invoice.id, claimCode: invoice.claimCode }));
      const first = await signed(person, claimCall.data, { nonce: BigInt(before) - 1n });
      await refused(forward(person, first), 409, "FORWARD_REPLAYED");
      await refused(forward(person, await signed(person, transfer(cast.colleague.account), { nonce: BigInt(before) + 1n })), 409, "FORWARD_NONCE_AHEAD");
      // Expired.
      await refused(forward(person, await signed(person, transfer(cast.colleague.account), { deadline: BigInt(Math.floor(Date.now() / 1000) - 5) })), 422, "FORWARD_EXPIRED");
      // Re-targeted: another contract, a function her role may not relay, another party's from.
      await refused(forward(person, await signed(person, transfer(cast.colleague.account), { to: system.api.ctx.client.addresses.forwarder })), 422, "FORWARD_TARGET_NOT_ALLOWED");
      await refused(forward(person, await signed(person, ledgerAbi.encodeFunctionData("freeze", [invoice.id, encodeBytes32String("AUDIT")]))), 422, "FORWARD_CALL_NOT_ALLOWED");
      await refused(forward(person, await signed(person, registryAbi.encodeFunctionData("registerIndividual", [Wallet.createRandom().address]), { to: system.api.ctx.client.addresses.registry })), 422, "FORWARD_CALL_NOT_ALLOWED");
      await refused(forward(person, await signed(person, transfer(cast.colleague.account), { from: cast.employee.account })), 403, "FORWARD_SIGNER_MISMATCH");
      // Her own signed request, sent with someone else's API key.
      await refused(forward(cast.employee, await signed(person, transfer(cast.colleague.account))), 403, "FORWARD_SIGNER_MISMATCH");
      // Tampered after signing: the data (another recipient), the gas, the target.
      const genuine = await signed(person, transfer(cast.colleague.account));
      await refused(forward(person, { ...genuine, request: { ...genuine.request, data: transfer(cast.enterprise.account) } }), 422, "FORWARD_SIGNATURE_INVALID");
      await refused(forward(person, { ...genuine, request: { ...genuine.request, gas: "300001" } }), 422, "FORWARD_SIGNATURE_INVALID");
      await refused(forward(person, { ...genuine, request: { ...genuine.request, to: system.api.ctx.client.addresses.registry, data: registryAbi.encodeFunctionData("suspend", [cast.colleague.account]) } }), 422, "FORWARD_CALL_NOT_ALLOWED");
      await refused(forward(person, { ...genuine, request: { ...genuine.request, value: "1" } }), 422, "FORWARD_VALUE_NOT_ZERO");
      // Signed by another key for her account.
      const stranger = { key: new Wallet(Wallet.createRandom().privateKey), client: person.client };
      await refused(forward(person, await signed(stranger, transfer(cast.colleague.account), { from: person.account })), 422, "FORWARD_SIGNATURE_INVALID");
      // A well-signed request the ledger refuses: its decoded reason, and the nonce stays unused.
      const otherBuyer = await signed(person, ledgerAbi.encodeFunctionData("submit", [invoice.id, cast.otherEnterprise.account]));
      await refused(forward(person, otherBuyer), 422, "BUYER_MISMATCH");

      expect(await nonceOf(person)).to.equal(before);
      expect(await stateOf()).to.equal(person.account);
      // The genuine request still works, once.
      expect((await ok(forward(person, genuine))).holder).to.equal(cast.colleague.account);
      await refused(forward(person, genuine), 409, "FORWARD_REPLAYED");
    });
  });

  describe("a hosted employee who takes over its key", () => {
    it("proves it holds the key, the API deletes its copy, the switch is recorded, and the hosted routes refuse it afterwards", async () => {
      const hired = await ok(cast.enterprise.client.post("/v1/employees", { name: "赵六" }), 201);
      const employee = { account: hired.participant.account as string, client: cast.enterprise.client.as(hired.apiKey) };
      const invoice = await issuedTo();
      await ok(employee.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }));
      const custody = await ok(employee.client.get("/v1/custody"));
      expect(custody.custody).to.equal("hosted");
      const proof = async (key: Wallet, deadline = inAnHour()) => ({
        deadline: deadline.toString(),
        signature: await key.signTypedData(custody.signing.domain as TypedDataDomain, CUSTODY_CHANGE_TYPES, { account: employee.account, custody: "self", deadline }),
      });

      // Without the key, no switch.
      await refused(employee.client.post("/v1/custody/self", await proof(new Wallet(Wallet.createRandom().privateKey))), 422, "SIGNATURE_INVALID");
      const exported = await ok(employee.client.post("/v1/custody/key"));
      const key = new Wallet(exported.privateKey);
      expect(key.address).to.equal(employee.account);
      await refused(employee.client.post("/v1/custody/self", await proof(key, BigInt(Math.floor(Date.now() / 1000) - 5))), 422, "SIGNATURE_EXPIRED");
      expect((await ok(employee.client.get("/v1/custody"))).custody).to.equal("hosted");

      const switching = await proof(key);
      expect(await ok(employee.client.post("/v1/custody/self", switching))).to.deep.equal({ account: employee.account, custody: "self" });
      await refused(employee.client.post("/v1/custody/self", switching), 409, "SIGNATURE_REPLAYED");
      await refused(employee.client.post("/v1/custody/self", await proof(key, inAnHour() + 7n)), 409, "CUSTODY_UNCHANGED");

      // Recorded for the bureau: who, when, from, to.
      const { changes } = await ok(system.bureau.get(`/v1/custody/changes?account=${employee.account}`));
      expect(changes.map((c: any) => [c.from, c.to, c.changedBy])).to.deep.equal([["hosted", "self", employee.account]]);
      expect(Date.parse(changes[0].at)).to.be.greaterThan(Date.now() - 120_000);
      // Another party reads no one's record but its own.
      await refused(cast.colleague.client.get(`/v1/custody/changes?account=${employee.account}`), 404, "NOT_FOUND");

      // The API holds no key any more: the hosted routes refuse, the key is not handed out again.
      await refused(employee.client.post(`/v1/invoices/${invoice.id}/submit`, { enterprise: cast.enterprise.account }), 409, "SELF_CUSTODY");
      await refused(employee.client.post("/v1/custody/key"), 409, "SELF_CUSTODY");
      // With its own key, through the forwarder, it acts as before.
      const party = { key, client: employee.client };
      expect((await ok(forward(party, await signed(party, ledgerAbi.encodeFunctionData("submit", [invoice.id, cast.enterprise.account]))))).state).to.equal("Locked");

      // Back to hosted only with the key itself.
      await refused(employee.client.post("/v1/custody/hosted", { privateKey: Wallet.createRandom().privateKey }), 422, "CUSTODY_KEY_MISMATCH");
      expect((await ok(employee.client.post("/v1/custody/hosted", { privateKey: key.privateKey }))).custody).to.equal("hosted");
      const after = await ok(system.bureau.get(`/v1/custody/changes?account=${employee.account}`));
      expect(after.changes.map((c: any) => [c.from, c.to])).to.deep.equal([["hosted", "self"], ["self", "hosted"]]);
    });

    it("is not offered to merchants, whose issuing needs the API to store each document before its seal", async () => {
      await refused(cast.merchant.client.post("/v1/custody/key"), 422, "CUSTODY_NOT_AVAILABLE");
    });
  });
});
