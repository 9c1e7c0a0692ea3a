import { expect } from "chai";

import { ApiClient } from "../../scripts/lib/api-client";
import { registerCast, startSystem, type Cast, type TestSystem } from "./helpers/system";

/**
 * Function-level authorisation, for every route the OpenAPI document lists (so a new route cannot escape):
 * without a key 401, with the key of a role the route is not for 403, both before anything is validated or
 * touched. Object-level checks (someone else's invoice reads as 404) are in the route tests.
 */
describe("API authorisation matrix", function () {
  this.timeout(300_000);
  let system: TestSystem;
  let cast: Cast;

  before(async () => {
    system = await startSystem();
    cast = await registerCast(system.bureau);
  });
  after(async () => system?.close());

  const sample: Record<string, string> = {
    id: `0x${"ab".repeat(32)}`,
    account: "0x000000000000000000000000000000000000dEaD",
    period: "202611",
    keyId: "0123456789ab",
  };

  it("refuses every protected route without a key (401) and to every role it is not for (403)", async () => {
    const document = (await new ApiClient(system.api.url).get("/openapi.json")).body as {
      paths: Record<string, Record<string, { security?: unknown[]; description?: string }>>;
    };
    const keys: Record<string, ApiClient> = { bureau: system.bureau, merchant: cast.merchant.client, enterprise: cast.enterprise.client, individual: cast.employee.client };
    let checked = 0;
    for (const [template, operations] of Object.entries(document.paths)) {
      const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => sample[name] ?? "x");
      for (const [method, operation] of Object.entries(operations)) {
        if (operation.security === undefined) continue;
        const allowed = /Roles: (.*)$/.exec(operation.description ?? "")?.[1]?.split(", ") ?? [];
        expect(allowed, `${method} ${template} names its roles`).to.not.be.empty;
        const anonymous = await new ApiClient(system.api.url).request(method.toUpperCase(), path, method === "get" || method === "delete" ? undefined : {});
        expect(anonymous.status, `${method} ${template} without a key`).to.equal(401);
        expect(anonymous.body.error.code).to.equal("UNAUTHENTICATED");
        for (const [role, client] of Object.entries(keys)) {
          if (allowed.includes(role)) continue;
          const answer = await client.request(method.toUpperCase(), path, method === "get" || method === "delete" ? undefined : {});
          expect(answer.status, `${method} ${template} as ${role}`).to.equal(403);
          expect(answer.body.error.code).to.equal("FORBIDDEN");
          checked++;
        }
      }
    }
    expect(checked).to.be.greaterThan(40);
  });
});
