import { expect } from "chai";
import type { Client } from "pg";

import { apiKeyHash } from "../../api/services/api-keys";
import { withEmbeddedDatabase } from "./helpers/embedded-database";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * API key holders remembered between requests (api/db/key-holder-cache.ts) are forgotten on every change, whoever
 * makes it: this API instance, another one, or an operator's own SQL (migration 0013's notices), and nothing is
 * served from memory while the notices cannot be heard.
 */
describe("API key holders remembered between requests", function () {
  this.timeout(180_000);
  let system: TestSystem;
  let cast: Cast;

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  const sql = <T>(work: (client: Client) => Promise<T>) => withEmbeddedDatabase(system.api.ctx.config.databaseDir!, work);

  /** A new full key of the merchant, used twice (so that its holder is remembered). */
  async function usedKey(): Promise<{ apiKey: string; keyId: string }> {
    const created = await cast.merchant.client.post("/v1/api-keys", { label: `cache ${Date.now()}` });
    expect(created.status).to.equal(201);
    const apiKey = created.body.apiKey as string;
    for (let i = 0; i < 2; i++) expect((await system.bureau.as(apiKey).get("/v1/me")).status).to.equal(200);
    return { apiKey, keyId: created.body.info.keyId as string };
  }

  /** The status of GET /v1/me with `apiKey` once it differs from `from`, or `from` after `ms`. */
  async function statusOnceNot(apiKey: string, from: number, ms = 5_000): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const { status } = await system.bureau.as(apiKey).get("/v1/me");
      if (status !== from || Date.now() > deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const listeners = (client: Client) => client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN %credentials_changed%' AND pid <> pg_backend_pid()");

  it("refuses a key the moment this instance revokes it", async () => {
    const { apiKey, keyId } = await usedKey();
    expect((await cast.merchant.client.delete(`/v1/api-keys/${keyId}`)).status).to.equal(200);
    const after = await system.bureau.as(apiKey).get("/v1/me");
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal("UNAUTHENTICATED");
  });

  it("hears of a key revoked and a participant suspended outside this process (another instance, an operator's SQL)", async () => {
    const { apiKey } = await usedKey();
    await sql((client) => client.query("UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1", [apiKeyHash(apiKey)]));
    expect(await statusOnceNot(apiKey, 200)).to.equal(401);

    const writer = await usedKey();
    await sql((client) => client.query("UPDATE participant_status SET status = 'Suspended' WHERE account = $1", [cast.merchant.account.toLowerCase()]));
    try {
      const deadline = Date.now() + 5_000;
      let refused: { status: number; body: { error?: { code: string } } };
      do refused = await system.bureau.as(writer.apiKey).post("/v1/api-keys", { label: "while suspended" });
      while (refused.status !== 403 && Date.now() < deadline);
      expect(refused.status).to.equal(403);
      expect(refused.body.error?.code).to.equal("PARTICIPANT_SUSPENDED");
    } finally {
      await sql((client) => client.query("UPDATE participant_status SET status = 'Active' WHERE account = $1", [cast.merchant.account.toLowerCase()]));
    }
    expect(await statusOnceNot(writer.apiKey, 403)).to.equal(200);
  });

  it("serves nothing from memory while its listening connection is lost, and listens again", async () => {
    const { apiKey } = await usedKey();
    const killed = await sql(async (client) => {
      const { rows } = await listeners(client);
      expect(rows, "one API instance listens").to.have.length(1);
      await client.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
      // Changed while nobody listens: the notice is lost, so only not serving from memory keeps this key out.
      await client.query("UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1", [apiKeyHash(apiKey)]);
      return rows[0]!.pid;
    });
    expect(await statusOnceNot(apiKey, 200)).to.equal(401);
    const deadline = Date.now() + 10_000;
    let again: number[] = [];
    while (Date.now() < deadline) {
      again = await sql(async (client) => (await listeners(client)).rows.map((row) => row.pid));
      if (again.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(again).to.have.length(1);
    expect(again[0]).to.not.equal(killed);
    // Listening again, it remembers again, and still hears of changes.
    const next = await usedKey();
    await sql((client) => client.query("UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1", [apiKeyHash(next.apiKey)]));
    expect(await statusOnceNot(next.apiKey, 200)).to.equal(401);
  });
});
