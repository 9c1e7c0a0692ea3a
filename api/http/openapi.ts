import { OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";

/** The OpenAPI 3 document, generated from the same zod schemas the routes enforce. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "Authorization: Bearer <API key>" });
  return registry;
}

export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "E-invoice ledger API",
      version: "1.0.0",
      description:
        "Issue, claim, reimburse, file, reverse, verify and trace e-invoices recorded on a permissioned chain. Amounts are integer fen (1 yuan = 100 fen) written as digit strings. Errors are `{ error: { code, message, details } }` with a stable code.",
    },
    servers: [{ url: "/" }],
  });
}
