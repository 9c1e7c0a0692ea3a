import { createHash } from "node:crypto";

import { expect } from "chai";
import { Client } from "pg";
import pino from "pino";

import { SESSION_COOKIE } from "../../api/http/session-cookie";
import { ApiClient, type ApiAnswer } from "../../scripts/lib/api-client";
import { setCookieOf, signIn, type SignedIn } from "./helpers/console-session";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Console sessions (api/services/sessions.ts): an API key exchanged for an HttpOnly, SameSite=Strict cookie and a
 * CSRF token. A request with the cookie alone acts as the party, through the same checks as a Bearer request with
 * the key (role, key revoked, read-only key); every request but GET and HEAD also needs the CSRF token; the
 * session ends when idle, at its absolute end, or when signed out; wrong keys and tokens are counted like wrong
 * Bearer keys; the token is stored only as its hash, and neither it nor the key of a sign-in reaches a log.
 */
const codeOf = (answer: ApiAnswer) => [answer.status, (answer.body as { error?: { code?: string } } | undefined)?.error?.code];
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ok(answer: Promise<ApiAnswer>, status = 200): Promise<any> {
  const { status: actual, body } = await answer;
  if (actual !== status) throw new Error(`expected ${status}, got ${actual} ${JSON.stringify(body)}`);
  return body;
}

describe("console sessions", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;
  /** Every line the API logged (at trace level: everything it would ever log). */
  const logged: string[] = [];
  /** Secrets that must appear in no log line and no table: session tokens and the keys signed in with. */
  const secrets: string[] = [];

  before(async () => {
    system = await startSystem({}, { logger: pino({ level: "trace" }, { write: (line: string) => void logged.push(line) }) });
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  async function session(client: ApiClient): Promise<SignedIn> {
    const signed = await signIn(client);
    secrets.push(signed.token, client.apiKey!);
    return signed;
  }
  /** A new key of the merchant's (full unless said), with a client that sends it. */
  async function merchantKey(scope: "read" | "full" = "full"): Promise<{ keyId: string; client: ApiClient }> {
    const made = await ok(cast.merchant.client.post("/v1/api-keys", { label: `session test ${scope}`, scope }), 201);
    return { keyId: made.info.keyId, client: cast.merchant.client.as(made.apiKey) };
  }
  const keyCount = async () => (await ok(cast.merchant.client.get("/v1/api-keys"))).keys.length as number;

  it("opens a session for a good key: 201, an HttpOnly, SameSite=Strict cookie for the whole origin (no Secure without HSTS), and the CSRF token in the body", async () => {
    const signed = await session(cast.merchant.client);
    expect(signed.answer.status).to.equal(201);
    expect(signed.cookie).to.include({ name: SESSION_COOKIE, httpOnly: true, sameSite: "strict", path: "/" });
    expect(signed.cookie.secure ?? false).to.equal(false);
    expect(signed.answer.headers.get("set-cookie")).not.to.match(/;\s*Secure/i);
    expect(signed.token).to.match(/^[A-Za-z0-9_-]{43}$/);
    const body = signed.answer.body;
    expect(body.party).to.include({ account: cast.merchant.account, role: "merchant" });
    expect(body.csrfToken).to.be.a("string").and.not.equal(signed.token);
    expect(body.idleMinutes).to.equal(30);
    const lifetime = Date.parse(body.expiresAt) - Date.now();
    expect(lifetime).to.be.within(11.9 * 3600_000, 12 * 3600_000);
    expect(signed.cookie.maxAge).to.be.within(11.9 * 3600, 12 * 3600);
    expect(JSON.stringify(body), "the token travels in the cookie only").not.to.include(signed.token);
    expect(signed.answer.headers.get("cache-control")).to.equal("no-store");
  });

  it("reads with the cookie alone, as the party that signed in and with the key it signed in with", async () => {
    const signed = await session(cast.merchant.client);
    const me = await ok(signed.withoutCsrf.get("/v1/me"));
    const byKey = await ok(cast.merchant.client.get("/v1/me"));
    expect(me).to.include({ account: cast.merchant.account, role: "merchant" });
    expect(me.key.keyId).to.equal(byKey.key.keyId);
  });

  it("answers the session again at GET /v1/sessions/current with the same CSRF token and no new cookie; with an API key that is 404", async () => {
    const signed = await session(cast.enterprise.client);
    const current = await signed.withoutCsrf.get("/v1/sessions/current");
    expect(current.status).to.equal(200);
    expect(current.body).to.deep.equal(signed.answer.body);
    expect(setCookieOf(current)).to.equal(undefined);
    expect(codeOf(await cast.enterprise.client.get("/v1/sessions/current"))).to.deep.equal([404, "NOT_FOUND"]);
  });

  it("refuses a write without the x-csrf-token, or with a wrong one (403 CSRF_TOKEN_INVALID), and changes nothing; with it the write is done", async () => {
    const signed = await session(cast.merchant.client);
    const before = await keyCount();
    expect(codeOf(await signed.withoutCsrf.post("/v1/api-keys", { label: "forged" }))).to.deep.equal([403, "CSRF_TOKEN_INVALID"]);
    const wrong = new ApiClient(system.api.url, undefined, { cookie: `${SESSION_COOKIE}=${signed.token}`, "x-csrf-token": signed.csrfToken.replace(/^./, (c) => (c === "A" ? "B" : "A")) });
    expect(codeOf(await wrong.post("/v1/api-keys", { label: "forged" }))).to.deep.equal([403, "CSRF_TOKEN_INVALID"]);
    // DELETE needs it too (signing out), though for a key's scope it is not a write.
    expect(codeOf(await signed.withoutCsrf.delete("/v1/sessions/current"))).to.deep.equal([403, "CSRF_TOKEN_INVALID"]);
    expect(await keyCount()).to.equal(before);
    expect((await signed.withoutCsrf.get("/v1/me")).status, "the session still works").to.equal(200);

    const made = await signed.client.post("/v1/api-keys", { label: "made in the console" });
    expect(made.status).to.equal(201);
    secrets.push(made.body.apiKey);
    expect(await keyCount()).to.equal(before + 1);
  });

  it("keeps the role matrix: a merchant's session may not use a bureau route (403 FORBIDDEN)", async () => {
    const signed = await session(cast.merchant.client);
    expect(codeOf(await signed.client.get("/v1/admin-actions"))).to.deep.equal([403, "FORBIDDEN"]);
    expect(codeOf(await signed.client.post("/v1/participants", { role: "merchant", name: "x", taxpayerId: cast.otherMerchant.taxpayerId }))).to.deep.equal([403, "FORBIDDEN"]);
  });

  it("ends a session's access as soon as the key it was opened with is revoked (401)", async () => {
    const key = await merchantKey();
    const signed = await session(key.client);
    await ok(signed.client.get("/v1/me"));
    await ok(cast.merchant.client.delete(`/v1/api-keys/${key.keyId}`));
    expect(codeOf(await signed.client.get("/v1/me"))).to.deep.equal([401, "UNAUTHENTICATED"]);
    expect(codeOf(await signed.client.post("/v1/api-keys", { label: "after revocation" }))).to.deep.equal([401, "UNAUTHENTICATED"]);
  });

  it("lets a read-only key's session read, but not write (403 KEY_READ_ONLY), nor revoke another key", async () => {
    const reader = await merchantKey("read");
    const other = await merchantKey();
    const signed = await session(reader.client);
    await ok(signed.client.get("/v1/me"));
    const before = await keyCount();
    expect(codeOf(await signed.client.post("/v1/api-keys", { label: "escalate" }))).to.deep.equal([403, "KEY_READ_ONLY"]);
    expect(codeOf(await signed.client.delete(`/v1/api-keys/${other.keyId}`))).to.deep.equal([403, "KEY_READ_ONLY"]);
    expect(await keyCount()).to.equal(before);
    // Signing out is no write.
    await ok(signed.client.delete("/v1/sessions/current"));
  });

  it("signs out: DELETE ends the session at once (then 401) and clears the cookie", async () => {
    const signed = await session(cast.employee.client);
    const closed = await signed.client.delete("/v1/sessions/current");
    expect(closed.status).to.equal(200);
    expect(closed.body).to.deep.equal({ closed: true });
    expect(setCookieOf(closed)).to.include({ name: SESSION_COOKIE, value: "", maxAge: 0, httpOnly: true, sameSite: "strict", path: "/" });
    expect(codeOf(await signed.client.get("/v1/me"))).to.deep.equal([401, "UNAUTHENTICATED"]);
    expect(codeOf(await signed.client.delete("/v1/sessions/current"))).to.deep.equal([401, "UNAUTHENTICATED"]);
  });

  it("takes a key over the cookie when a request sends both", async () => {
    const signed = await session(cast.merchant.client);
    const both = new ApiClient(system.api.url, cast.enterprise.client.apiKey, { cookie: `${SESSION_COOKIE}=${signed.token}` });
    expect((await ok(both.get("/v1/me"))).account).to.equal(cast.enterprise.account);
    expect(codeOf(await both.get("/v1/sessions/current"))).to.deep.equal([404, "NOT_FOUND"]);
    const unknown = new ApiClient(system.api.url, undefined, { cookie: `${SESSION_COOKIE}=not-a-session` });
    expect(codeOf(await unknown.get("/v1/me"))).to.deep.equal([401, "UNAUTHENTICATED"]);
  });

  it("stores a session's token only as its hash", async () => {
    const signed = await session(cast.otherMerchant.client);
    await withDatabase(async (database) => {
      const rows = (await database.query<Record<string, unknown>>("SELECT * FROM console_sessions")).rows;
      expect(rows.map((row) => row.id_hash)).to.include(sha256(signed.token));
      expect(JSON.stringify(rows)).not.to.include(signed.token);
    });
  });

  it("writes no session token, and no key signed in with, to a log line or a table of refusals", async () => {
    expect(secrets.length).to.be.greaterThan(10);
    expect(logged.length, "the API logged at trace level").to.be.greaterThan(50);
    const text = logged.join("\n");
    expect(secrets.filter((secret) => text.includes(secret))).to.deep.equal([]);
    await withDatabase(async (database) => {
      for (const table of ["refused_attempts", "admin_actions", "idempotency_answers"]) {
        const rows = JSON.stringify((await database.query(`SELECT * FROM ${table}`)).rows);
        expect(secrets.filter((secret) => rows.includes(secret)), table).to.deep.equal([]);
      }
    });
  });

  // Last: it spends the address's budget of failed authentications.
  it("refuses a wrong key at sign-in (401) and, past the address's budget, answers 429, while a key that worked there still signs in", async () => {
    // A key that works from this address (the newest the limiter knows here).
    const known = await merchantKey();
    await ok(known.client.get("/v1/me"));
    const anonymous = new ApiClient(system.api.url);
    const answers: number[] = [];
    for (let attempt = 0; attempt < 30 && answers.at(-1) !== 429; attempt++) {
      answers.push((await anonymous.post("/v1/sessions", { apiKey: `eil_000000000000_wrong-key-${attempt}` })).status);
    }
    expect(answers.at(-1)).to.equal(429);
    expect(new Set(answers.slice(0, -1))).to.deep.equal(new Set([401]));
    expect(codeOf(await anonymous.post("/v1/sessions", { apiKey: "eil_000000000000_wrong-key-again" }))).to.deep.equal([429, "RATE_LIMITED"]);
    // Unknown session tokens count against the same budget.
    const guesser = new ApiClient(system.api.url, undefined, { cookie: `${SESSION_COOKIE}=guessed-token` });
    expect(codeOf(await guesser.get("/v1/me"))).to.deep.equal([429, "RATE_LIMITED"]);
    expect((await anonymous.post("/v1/sessions", { apiKey: known.client.apiKey })).status).to.equal(201);
  });

  async function withDatabase(use: (database: Client) => Promise<void>): Promise<void> {
    const database = new Client({ connectionString: `postgresql://ledger@localhost/ledger_api?host=${encodeURIComponent(system.api.ctx.config.databaseDir)}` });
    await database.connect();
    try {
      await use(database);
    } finally {
      await database.end();
    }
  }
});

describe("console sessions: their end", function () {
  this.timeout(300_000);
  const IDLE_MS = 3_000;
  const LIFETIME_MS = 8_000;
  let system: TestSystem;

  before(async () => {
    // Behind HTTPS (API_HSTS): the cookie is Secure.
    system = await startSystem({ sessionIdleMinutes: IDLE_MS / 60_000, sessionHours: LIFETIME_MS / 3_600_000, hsts: true });
  });
  after(async () => system?.close());

  it("sets a Secure cookie when the API is reached over HTTPS (API_HSTS)", async () => {
    const signed = await signIn(system.bureau);
    expect(signed.cookie).to.include({ secure: true, httpOnly: true, sameSite: "strict", path: "/" });
  });

  it("ends a session left idle longer than its limit (401 SESSION_EXPIRED), and then knows it no more", async () => {
    const signed = await signIn(system.bureau);
    await ok(signed.client.get("/v1/me"));
    await sleep(IDLE_MS + 500);
    const ended = await signed.client.get("/v1/me");
    expect(codeOf(ended)).to.deep.equal([401, "SESSION_EXPIRED"]);
    // The answer drops the cookie from the browser, so that a page does not send a dead session again and again.
    expect(setCookieOf(ended)).to.deep.include({ name: SESSION_COOKIE, value: "", maxAge: 0 });
    expect(codeOf(await signed.client.get("/v1/me"))).to.deep.equal([401, "UNAUTHENTICATED"]);
  });

  it("ends a session in use at its absolute end (401 SESSION_EXPIRED)", async () => {
    const signed = await signIn(system.bureau);
    const end = Date.parse(signed.answer.body.expiresAt);
    // Requests more often than the idle limit keep it alive until its end, and not past it.
    while (Date.now() < end - 1_000) {
      expect((await signed.client.get("/v1/me")).status, "in use before its end").to.equal(200);
      await sleep(IDLE_MS / 4);
    }
    await sleep(Math.max(0, end - Date.now()) + 200);
    expect(codeOf(await signed.client.get("/v1/me"))).to.deep.equal([401, "SESSION_EXPIRED"]);
  });
});
