import type { RouteKit } from "./route";
import { claimRoutes } from "./routes/claims";
import { custodyRoutes } from "./routes/custody";
import { erasureRoutes } from "./routes/erasure";
import { forwardRoutes } from "./routes/forward";
import { holderDocumentRoutes } from "./routes/holder-documents";
import { identityRoutes } from "./routes/identity";
import { invoiceRoutes } from "./routes/invoices";
import { participantRoutes } from "./routes/participants";
import { registrationRoutes } from "./routes/registrations";
import { reportRoutes } from "./routes/reports";
import { sessionRoutes } from "./routes/sessions";
import { settlementRoutes } from "./routes/settlement";
import { verifyRoutes } from "./routes/verify";
import { webhookRoutes } from "./routes/webhooks";

/**
 * Every route of the API, defined on one kit: the app mounts them (app.ts), and the SDK's generator builds the
 * OpenAPI document from them without a running system (scripts/sdk/openapi-document.ts). A new route module is
 * added here, and reaches both. Route modules only read the kit's services inside their handlers.
 */
export function registerRoutes(kit: RouteKit): void {
  participantRoutes(kit);
  identityRoutes(kit);
  sessionRoutes(kit);
  invoiceRoutes(kit);
  claimRoutes(kit);
  holderDocumentRoutes(kit);
  verifyRoutes(kit);
  reportRoutes(kit);
  settlementRoutes(kit);
  erasureRoutes(kit);
  forwardRoutes(kit);
  registrationRoutes(kit);
  custodyRoutes(kit);
  webhookRoutes(kit);
}
