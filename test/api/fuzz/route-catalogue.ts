import { readdirSync } from "node:fs";
import { join } from "node:path";

import { OpenAPIRegistry, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { z } from "zod";

import type { ApiContext } from "../../../api/http/context";
import type { RouteKit } from "../../../api/http/route";

/** One route as the API defines it: the very zod schemas its handler parses with, and who may call it. */
export interface CataloguedRoute {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI form, e.g. /v1/invoices/{id} */
  path: string;
  roles: "public" | string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  idempotent: boolean;
}

const ROUTES_DIR = join(__dirname, "../../../api/http/routes");

/**
 * Every route of the API with its schemas, taken from the route modules themselves: each module's
 * exported `*Routes(kit)` is run against a kit that records the OpenAPI registration (which carries the
 * schemas) and installs no handler. Services are never touched at definition time, so a stand-in suffices.
 * New route modules are picked up by file; the fuzz test also checks the catalogue against /openapi.json.
 */
export function catalogueRoutes(): CataloguedRoute[] {
  const registry = new OpenAPIRegistry();
  const noop = () => undefined;
  const router = { get: noop, post: noop, put: noop, delete: noop, patch: noop };
  const standIn: unknown = new Proxy({}, { get: (_target, key) => (key === "then" ? undefined : standIn) });
  const kit = { router, registry, ctx: { services: standIn, config: standIn, logger: standIn } as unknown as ApiContext, limiters: standIn } as unknown as RouteKit;
  for (const file of readdirSync(ROUTES_DIR).filter((f) => f.endsWith(".ts")).sort()) {
    const module = require(join(ROUTES_DIR, file)) as Record<string, unknown>;
    for (const [name, define] of Object.entries(module)) if (name.endsWith("Routes") && typeof define === "function") (define as (kit: RouteKit) => void)(kit);
  }
  return registry.definitions
    .filter((d): d is { type: "route"; route: RouteConfig } => d.type === "route")
    .map(({ route }) => {
      const roles = (route as unknown as { "x-roles"?: string[] })["x-roles"];
      const body = (route.request?.body?.content["application/json"] as { schema?: z.ZodType } | undefined)?.schema;
      return {
        method: route.method as CataloguedRoute["method"],
        path: route.path,
        roles: route.security === undefined ? "public" : (roles ?? []),
        ...(route.request?.params ? { params: route.request.params as z.ZodObject } : {}),
        ...(route.request?.query ? { query: route.request.query as z.ZodObject } : {}),
        ...(body ? { body } : {}),
        idempotent: route.request?.headers !== undefined,
      };
    });
}
