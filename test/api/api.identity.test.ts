import { createHash } from "node:crypto";

import { expect } from "chai";

import { ApiClient, expectStatus } from "../../scripts/lib/api-client";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { withEmbeddedDatabase } from "./helpers/embedded-database";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Identity: "who am I" for every role, individuals the bureau registers (nobody's employees), the bureau's
 * replacement key for a party locked out (and its log of administrative actions), read-only and expiring keys.
 */
describe("API identity: who am I, individuals, key recovery, scopes and expiry", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cast: Cast;

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  const keyIdOf = (apiKey: string) => apiKey.split("_")[1]!;
  // eil_<keyId>_<secret>: the secret is all after the second underscore (base64url, which may itself hold "_").
  const secretOf = (apiKey: string) => apiKey.split("_").slice(2).join("_");
  const secretIn = (body: unknown, apiKey: string) => JSON.stringify(body).includes(secretOf(apiKey));
  const sql = <T>(work: (client: import("pg").Client) => Promise<T>) => withEmbeddedDatabase(system.api.ctx.config.databaseDir!, work);

  async function individual(name = "王小明"): Promise<{ account: string; apiKey: string; client: ApiClient }> {
    const body = expectStatus(await system.bureau.post("/v1/participants", { role: "individual", name }), 201, "register an individual");
    return { account: body.participant.account, apiKey: body.apiKey, client: system.bureau.as(body.apiKey) };
  }

  describe("GET /v1/me", () => {
    it("tells each role who it is: account, role, names, taxpayer ID, employer, status, the key in use and all keys, never a secret", async () => {
      const bureauKey = system.bureau.apiKey!;
      const bureau = expectStatus(await system.bureau.get("/v1/me"), 200, "bureau");
      expect(bureau).to.include({ role: "bureau", name: "Tax bureau", status: "Active", registeredBy: null });
      expect(bureau.key.keyId).to.equal(keyIdOf(bureauKey));
      expect(bureau).to.not.have.property("taxpayerId");
      expect(bureau).to.not.have.property("employer");

      const merchant = expectStatus(await cast.merchant.client.get("/v1/me"), 200, "merchant");
      expect(merchant).to.include({ account: cast.merchant.account, role: "merchant", name: cast.merchant.name, taxpayerId: cast.merchant.taxpayerId, registeredBy: bureau.account, status: "Active" });
      expect(merchant).to.not.have.property("employer");
      expect(merchant.key).to.deep.include({ keyId: keyIdOf(cast.merchant.client.apiKey!), label: "first key", scope: "full", expiresAt: null, revokedAt: null });
      expect(merchant.keys.map((k: { keyId: string }) => k.keyId)).to.include(merchant.key.keyId);

      const enterprise = expectStatus(await cast.enterprise.client.get("/v1/me"), 200, "enterprise");
      expect(enterprise).to.include({ account: cast.enterprise.account, role: "enterprise", name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId, status: "Active" });

      const employee = expectStatus(await cast.employee.client.get("/v1/me"), 200, "employee");
      expect(employee).to.include({ account: cast.employee.account, role: "individual", name: "张三", registeredBy: cast.enterprise.account, status: "Active" });
      expect(employee.employer).to.deep.equal({ account: cast.enterprise.account, name: cast.enterprise.name });
      expect(employee).to.not.have.property("taxpayerId");

      const person = await individual("王小明");
      const me = expectStatus(await person.client.get("/v1/me"), 200, "individual");
      expect(me).to.include({ account: person.account, role: "individual", name: "王小明", registeredBy: bureau.account, status: "Active" });
      expect(me).to.not.have.property("employer");
      expect(me.keys).to.have.length(1);

      for (const [body, key] of [[bureau, bureauKey], [merchant, cast.merchant.client.apiKey!], [employee, cast.employee.client.apiKey!], [me, person.apiKey]] as const) {
        expect(secretIn(body, key), "a secret in /v1/me").to.equal(false);
      }
      // One party's /v1/me says nothing of another's keys.
      expect(employee.keys.map((k: { keyId: string }) => k.keyId)).to.not.include(merchant.key.keyId);
    });

    it("still answers a suspended party, with its status, and shows a key's scope and expiry", async () => {
      const person = await individual("赵七");
      expectStatus(await system.bureau.post(`/v1/participants/${person.account}/suspend`), 200, "suspend");
      const me = expectStatus(await person.client.get("/v1/me"), 200, "me while suspended");
      expect(me.status).to.equal("Suspended");
      const revoked = await individual("钱八");
      expectStatus(await system.bureau.post(`/v1/participants/${revoked.account}/revoke`), 200, "revoke");
      const answer = await revoked.client.get("/v1/me");
      expect([answer.status, answer.body.error.code]).to.deep.equal([403, "PARTICIPANT_REVOKED"]);
    });
  });

  describe("individuals registered by the bureau", () => {
    it("registers a person who is nobody's employee: a profile here, only an account on chain, registered from the bureau's own account", async () => {
      const person = await individual("孙九");
      const registry = system.api.ctx.client.registry;
      const onChain = await registry.participant(person.account);
      const bureau = expectStatus(await system.bureau.get("/v1/me"), 200, "bureau").account as string;
      expect([Number(onChain.role), Number(onChain.status), onChain.taxpayerId, onChain.registrar]).to.deep.equal([3, 1, `0x${"00".repeat(18)}`, bureau]);
      const seen = expectStatus(await system.bureau.get(`/v1/participants/${person.account}`), 200, "bureau reads it");
      expect(seen).to.include({ role: "individual", name: "孙九", registeredBy: bureau, status: "Active" });
      expect(seen).to.not.have.property("employer");
      // Nobody's employee: no enterprise lists it or reads it.
      const employees = expectStatus(await cast.enterprise.client.get("/v1/participants?role=individual&limit=500"), 200, "employees");
      expect(employees.participants.map((p: { account: string }) => p.account)).to.not.include(person.account);
      expect((await cast.enterprise.client.get(`/v1/participants/${person.account}`)).status).to.equal(404);

      // It acts as any individual: claims an invoice issued to a private buyer.
      const issued = expectStatus(await cast.merchant.client.post("/v1/invoices", invoiceBody(`identity-${Date.now()}`, { type: "individual", name: "孙九" })), 201, "issue").invoice;
      const claimed = expectStatus(await person.client.post(`/v1/invoices/${issued.id}/claim`, { claimCode: issued.claimCode }), 200, "claim");
      expect(claimed.holder).to.equal(person.account);
    });

    it("refuses an individual with a taxpayer ID (400), and anyone but the bureau registering one (403)", async () => {
      const withTaxpayerId = await system.bureau.post("/v1/participants", { role: "individual", name: "周十", taxpayerId: cast.merchant.taxpayerId });
      expect([withTaxpayerId.status, withTaxpayerId.body.error.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
      const byEnterprise = await cast.enterprise.client.post("/v1/participants", { role: "individual", name: "周十" });
      expect([byEnterprise.status, byEnterprise.body.error.code]).to.deep.equal([403, "FORBIDDEN"]);
    });
  });

  describe("key recovery by the bureau", () => {
    it("gives a party that revoked all its keys a new one, shown once, recorded in the log of administrative actions without it", async () => {
      const person = await individual("吴一");
      expectStatus(await person.client.delete(`/v1/api-keys/${keyIdOf(person.apiKey)}`), 200, "revoke its only key");
      expect((await person.client.get("/v1/me")).status, "locked out").to.equal(401);

      const reason = "lost every key; identity checked at the service hall, ticket 42";
      const issued = expectStatus(await system.bureau.post(`/v1/participants/${person.account}/api-keys`, { reason }), 201, "replacement");
      expect(issued.info).to.deep.include({ label: "replacement", scope: "full", expiresAt: null, revokedAt: null });
      const back = system.bureau.as(issued.apiKey);
      const me = expectStatus(await back.get("/v1/me"), 200, "back in");
      expect([me.account, me.key.keyId]).to.deep.equal([person.account, issued.info.keyId]);
      // A full key: it may write again (and so revoke what it lost).
      expectStatus(await back.post("/v1/api-keys", { label: "phone" }), 201, "a write with the replacement");

      const bureau = expectStatus(await system.bureau.get("/v1/me"), 200, "bureau").account as string;
      const log = expectStatus(await system.bureau.get(`/v1/admin-actions?account=${person.account}`), 200, "the log");
      expect(log.actions).to.have.length(1);
      expect(log.actions[0]).to.deep.include({ actor: bureau, actorRole: "bureau", action: "issue-replacement-key", subject: person.account, keyId: issued.info.keyId, reason });
      expect(log.actions[0].details).to.deep.equal({ label: "replacement", scope: "full", expiresAt: null });
      expect(issued.action).to.deep.equal(log.actions[0]);
      expect(secretIn(log, issued.apiKey), "the key's secret in the log").to.equal(false);
      const stored = await sql(async (client) => JSON.stringify((await client.query("SELECT * FROM admin_actions")).rows));
      expect(stored.includes(secretOf(issued.apiKey)), "the key's secret in the table").to.equal(false);

      // Only the bureau issues replacements and reads the log.
      const byEnterprise = await cast.enterprise.client.post(`/v1/participants/${cast.employee.account}/api-keys`, { reason: "lost" });
      expect([byEnterprise.status, byEnterprise.body.error.code]).to.deep.equal([403, "FORBIDDEN"]);
      expect((await cast.merchant.client.get("/v1/admin-actions")).status).to.equal(403);
    });

    it("answers a retry under the same Idempotency-Key with the same key and one record", async () => {
      const person = await individual("郑二");
      const send = () => system.bureau.post(`/v1/participants/${person.account}/api-keys`, { reason: "lost phone", scope: "read" }, { "idempotency-key": `recover-${person.account}` });
      const first = expectStatus(await send(), 201, "first");
      const again = await send();
      expect([again.status, again.headers.get("idempotent-replayed"), again.body.apiKey]).to.deep.equal([201, "true", first.apiKey]);
      const log = expectStatus(await system.bureau.get(`/v1/admin-actions?account=${person.account}&action=issue-replacement-key`), 200, "the log");
      expect(log.actions.map((a: { keyId: string }) => a.keyId)).to.deep.equal([first.info.keyId]);
    });

    it("gives a suspended party a key that reads but does not act; refuses a revoked party (409 PARTICIPANT_REVOKED_FINAL) and an unknown one (404)", async () => {
      const suspended = await individual("王三");
      expectStatus(await system.bureau.post(`/v1/participants/${suspended.account}/suspend`), 200, "suspend");
      const issued = expectStatus(await system.bureau.post(`/v1/participants/${suspended.account}/api-keys`, { reason: "lost" }), 201, "suspended: a key");
      const client = system.bureau.as(issued.apiKey);
      expect(expectStatus(await client.get("/v1/me"), 200, "reads").status).to.equal("Suspended");
      const write = await client.post("/v1/api-keys", { label: "another" });
      expect([write.status, write.body.error.code]).to.deep.equal([403, "PARTICIPANT_SUSPENDED"]);

      const revoked = await individual("李五");
      expectStatus(await system.bureau.post(`/v1/participants/${revoked.account}/revoke`), 200, "revoke");
      const refused = await system.bureau.post(`/v1/participants/${revoked.account}/api-keys`, { reason: "lost" });
      expect([refused.status, refused.body.error.code, refused.body.error.details]).to.deep.equal([409, "PARTICIPANT_REVOKED_FINAL", { account: revoked.account }]);
      expect(expectStatus(await system.bureau.get(`/v1/admin-actions?account=${revoked.account}`), 200, "log").actions).to.deep.equal([]);

      const unknown = await system.bureau.post("/v1/participants/0x000000000000000000000000000000000000dEaD/api-keys", { reason: "lost" });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, "NOT_FOUND"]);
    });
  });

  describe("key scopes and expiry", () => {
    it("lets a read-only key read and refuses it every write with 403 KEY_READ_ONLY (recorded in the bureau's audit for a lifecycle action)", async () => {
      const created = expectStatus(await cast.merchant.client.post("/v1/api-keys", { label: "accountant", scope: "read" }), 201, "read key");
      expect(created.info).to.deep.include({ scope: "read", expiresAt: null });
      const reader = cast.merchant.client.as(created.apiKey);

      expectStatus(await reader.get("/v1/invoices?limit=5"), 200, "a read");
      const me = expectStatus(await reader.get("/v1/me"), 200, "me");
      expect(me.key).to.deep.include({ keyId: created.info.keyId, scope: "read" });

      const issue = await reader.post("/v1/invoices", invoiceBody(`read-only-${Date.now()}`, { type: "individual", name: "张三" }));
      expect([issue.status, issue.body.error.code]).to.deep.equal([403, "KEY_READ_ONLY"]);
      // No way up: a read-only key cannot make a full key, nor revoke the party's other keys.
      const escalate = await reader.post("/v1/api-keys", { label: "full", scope: "full" });
      expect([escalate.status, escalate.body.error.code]).to.deep.equal([403, "KEY_READ_ONLY"]);
      const other = await reader.delete(`/v1/api-keys/${keyIdOf(cast.merchant.client.apiKey!)}`);
      expect([other.status, other.body.error.code]).to.deep.equal([403, "KEY_READ_ONLY"]);
      expectStatus(await cast.merchant.client.get("/v1/me"), 200, "the full key still works");

      const refusals = expectStatus(await system.bureau.get(`/v1/reports/refusals?account=${cast.merchant.account}&code=KEY_READ_ONLY`), 200, "audit");
      expect(refusals.refusals.map((r: { action: string }) => r.action)).to.include("issue");

      // It may end itself (whoever holds a leaked read-only key can).
      expect(expectStatus(await reader.delete(`/v1/api-keys/${created.info.keyId}`), 200, "revoke itself").revokedAt).to.be.a("string");
      expect((await reader.get("/v1/me")).status).to.equal(401);
    });

    it("refuses an expired key with 401 API_KEY_EXPIRED to its holder, while a wrong secret under the same key id stays UNAUTHENTICATED", async () => {
      const inAWeek = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
      const created = expectStatus(await cast.enterprise.client.post("/v1/api-keys", { label: "a week", expiresAt: inAWeek }), 201, "expiring key");
      expect(created.info.expiresAt).to.equal(inAWeek);
      const holder = cast.enterprise.client.as(created.apiKey);
      expectStatus(await holder.get("/v1/me"), 200, "before it expires");

      // The week goes by (in the database, not by waiting).
      await sql((client) => client.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_id = $1", [created.info.keyId]));
      const expired = await holder.get("/v1/me");
      expect([expired.status, expired.body.error.code]).to.deep.equal([401, "API_KEY_EXPIRED"]);
      expect(Object.keys(expired.body.error.details)).to.deep.equal(["expiredAt"]);
      const write = await holder.post("/v1/api-keys", { label: "renewed" });
      expect([write.status, write.body.error.code]).to.deep.equal([401, "API_KEY_EXPIRED"]);

      const guessed = created.apiKey.slice(0, -2) + (created.apiKey.endsWith("AA") ? "BB" : "AA");
      const guess = await cast.enterprise.client.as(guessed).get("/v1/me");
      expect([guess.status, guess.body.error.code, guess.body.error.details]).to.deep.equal([401, "UNAUTHENTICATED", undefined]);

      const listed = expectStatus(await cast.enterprise.client.get("/v1/me"), 200, "the party's other key").keys.find((k: { keyId: string }) => k.keyId === created.info.keyId);
      expect(Date.parse(listed.expiresAt)).to.be.below(Date.now());
    });

    it("refuses at creation an expiry in the past, beyond the horizon, or without an offset (400, naming expiresAt)", async () => {
      for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), new Date(Date.now() + 400 * 24 * 3600 * 1000).toISOString(), "2027-01-01T00:00:00", "2027-02-30T00:00:00Z"]) {
        for (const [path, body] of [["/v1/api-keys", { label: "x", expiresAt }], [`/v1/participants/${cast.employee.account}/api-keys`, { reason: "lost", expiresAt }]] as const) {
          const client = path === "/v1/api-keys" ? cast.merchant.client : system.bureau;
          const answer = await client.post(path, body);
          expect([answer.status, answer.body.error.code], `${path} ${expiresAt}`).to.deep.equal([400, "VALIDATION_FAILED"]);
          expect(answer.body.error.details.issues.map((i: { path: string }) => i.path)).to.deep.equal(["expiresAt"]);
        }
      }
      const scope = await cast.merchant.client.post("/v1/api-keys", { label: "x", scope: "admin" });
      expect([scope.status, scope.body.error.details.issues[0].path]).to.deep.equal([400, "scope"]);
    });

    it("treats a key stored before scopes and expiry (no scope, no expiry written) as a full key that does not expire", async () => {
      const apiKey = `eil_0a1b2c3d4e5f_${"k".repeat(32)}`;
      await sql((client) =>
        client.query("INSERT INTO api_keys (key_hash, key_id, account, label, created_at) VALUES ($1, $2, $3, 'from before', now())", [
          createHash("sha256").update(apiKey).digest("hex"),
          keyIdOf(apiKey),
          cast.merchant.account.toLowerCase(),
        ]),
      );
      const old = cast.merchant.client.as(apiKey);
      const me = expectStatus(await old.get("/v1/me"), 200, "an old key");
      expect(me.key).to.deep.include({ keyId: "0a1b2c3d4e5f", scope: "full", expiresAt: null });
      expectStatus(await old.post("/v1/invoices", invoiceBody(`old-key-${Date.now()}`, { type: "individual", name: "张三" })), 201, "an old key writes");
    });
  });
});
