import { OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";

import type { Role } from "../services/parties";
import { SESSION_COOKIE } from "./session-cookie";

/** The OpenAPI 3 document, generated from the same zod schemas the routes enforce. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "Authorization: Bearer <API key>" });
  // The web console's way in (api/services/sessions.ts): a cookie set by POST /v1/sessions, used only when no key is sent.
  registry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description:
      "The console's session cookie, set by POST /v1/sessions (HttpOnly, SameSite=Strict); used only when no API key is sent. Every request but GET and HEAD also sends the session's csrfToken as x-csrf-token (else 403 CSRF_TOKEN_INVALID).",
  });
  return registry;
}

/**
 * One example of a route: a request and the answer it gets. It is written once, in the route's definition
 * (`examples`, by name), and placed where OpenAPI readers look for it, under its name in each place (the
 * convention Swagger UI and mock servers follow to pair a request with its answer): every path and query
 * parameter's `examples`, the request body's `examples`, and the `examples` of the response with `status`, which
 * also says who sends the request (`x-role`; none on public routes). An example that names a parameter the route
 * lacks, or a status it does not document with a body, stops the document's generation (and so the API's start).
 * test/api/api.openapi-examples.test.ts sends every example of /openapi.json to a running API and holds the answer
 * to the documented one.
 */
export interface RouteExample {
  summary: string;
  description?: string;
  /** The role whose API key sends it; omitted on public routes. */
  as?: Role;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** A status the route documents. */
  status: number;
  /** The answer's body, as an example of that status's schema; for a document (PDF, XML), the text it starts with. */
  response: unknown;
}

/** Where the route's examples wait, in its generated operation, to be placed (and then removed). */
export const ROUTE_EXAMPLES = "x-route-examples";

type Json = Record<string, any>;

function placeExamples(operation: Json): void {
  const examples = operation[ROUTE_EXAMPLES] as Record<string, RouteExample> | undefined;
  if (examples === undefined) return;
  delete operation[ROUTE_EXAMPLES];
  for (const [name, example] of Object.entries(examples)) {
    const described = { summary: example.summary, ...(example.description === undefined ? {} : { description: example.description }) };
    for (const [location, values] of [["path", example.params], ["query", example.query]] as const) {
      for (const [parameter, value] of Object.entries(values ?? {})) {
        const documented = (operation.parameters as Json[] | undefined)?.find((p) => p.in === location && p.name === parameter);
        if (documented === undefined) throw new Error(`example ${name} of ${operation.summary}: no ${location} parameter ${parameter}`);
        documented.examples = { ...documented.examples, [name]: { ...described, value } };
      }
    }
    if (example.body !== undefined) {
      const media = operation.requestBody?.content?.["application/json"] as Json | undefined;
      if (media === undefined) throw new Error(`example ${name} of ${operation.summary}: the route takes no body`);
      media.examples = { ...media.examples, [name]: { ...described, value: example.body } };
    }
    // JSON, or the one media type of a document's answer (application/pdf, application/xml).
    const content = operation.responses?.[String(example.status)]?.content as Json | undefined;
    const answer = (content?.["application/json"] ?? Object.values(content ?? {})[0]) as Json | undefined;
    if (answer === undefined) throw new Error(`example ${name} of ${operation.summary}: no documented ${example.status} answer with a body`);
    answer.examples = { ...answer.examples, [name]: { ...described, value: example.response, ...(example.as === undefined ? {} : { "x-role": example.as }) } };
  }
}

export function openApiDocument(registry: OpenAPIRegistry) {
  const document = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "E-invoice ledger API",
      version: "1.0.0",
      description:
        "Issue, claim, reimburse, file, reverse, verify and trace e-invoices recorded on a permissioned chain. Amounts are integer fen (1 yuan = 100 fen) written as digit strings. Errors are `{ error: { code, message, details } }` with a stable code. The examples tell one story (a restaurant issues an invoice to a company, whose employee claims it and is reimbursed); each example request is paired by name with its answer, whose `x-role` says which party's API key sends it.",
    },
    servers: [{ url: "/" }],
  });
  for (const path of Object.values(document.paths ?? {})) for (const operation of Object.values(path as Json)) placeExamples(operation as Json);
  return document;
}
