import express from "express";

import type { ApiContext } from "../../api/http/context";
import { createOpenApiRegistry, openApiDocument } from "../../api/http/openapi";
import type { RouteKit } from "../../api/http/route";
import { registerRoutes } from "../../api/http/route-table";

/**
 * The API's OpenAPI document, built from the route definitions without a running system: the routes are
 * defined on a kit whose context has no services (a route module only uses them inside its handlers, which
 * never run here). The same document as GET /openapi.json of a running API.
 */
export function buildOpenApiDocument(): ReturnType<typeof openApiDocument> {
  const registry = createOpenApiRegistry();
  const pass: express.RequestHandler = (_req, _res, next) => next();
  const kit: RouteKit = {
    router: express.Router(),
    registry,
    ctx: inertContext(),
    limiters: { public: pass, authenticated: pass, authFailures: { check: () => undefined, failed: () => undefined, succeeded: () => undefined } as unknown as RouteKit["limiters"]["authFailures"] },
  };
  registerRoutes(kit);
  return openApiDocument(registry);
}

/** A context any part of which may be named while routes are defined, and none of which may be used. */
function inertContext(): ApiContext {
  const refuse = (): never => {
    throw new Error("the OpenAPI document is built without a system: a route used its context while being defined");
  };
  const inert: object = new Proxy(refuse, { get: (_target, key) => (key === "then" ? undefined : inert), apply: refuse });
  return inert as ApiContext;
}
