import { randomUUID } from "node:crypto";

import express, { type Request } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import swaggerUi from "swagger-ui-express";

import { ApiError } from "../errors";
import { runWithLogContext } from "../../lib/log-context";
import { createAuthFailureLimiter } from "./auth-failure-limiter";
import { mountConsole } from "./console";
import { noSuchRoute } from "./no-such-route";
import { requestLog } from "./request-log";
import type { ApiContext } from "./context";
import { errorHandler } from "./error-handler";
import { healthOf } from "./health";
import { createOpenApiRegistry, openApiDocument } from "./openapi";
import type { RouteKit } from "./route";
import { createRouteGroups } from "./route-groups";
import { registerRoutes } from "./route-table";
import { mountVerificationPage } from "./verification-page";

/** A client's own request id is kept when it is this shape (no spaces, nothing a log could be forged with). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the Express app; it never listens (main.ts does, and owns signals and shutdown). */
export function createApp(ctx: ApiContext): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("json replacer", (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  app.set("trust proxy", ctx.config.trustProxy);
  // Plain HTTP must keep working behind any host name and an HTTP reverse proxy: no HSTS and no
  // upgrade-insecure-requests unless the operator says the API is reached over HTTPS (API_HSTS=1).
  const https = ctx.config.hsts;
  app.use(helmet({ strictTransportSecurity: https, contentSecurityPolicy: { directives: { "upgrade-insecure-requests": https ? [] : null } } }));
  // Every answer carries a Request-Id a user can quote (the client's own, when it sent a well-formed one),
  // and every log line written while serving it carries that id and, once known, the party, route and code.
  app.use((req, res, next) => {
    const sent = req.get("request-id") ?? req.get("x-request-id");
    const id = sent !== undefined && REQUEST_ID.test(sent) ? sent : randomUUID();
    res.set("request-id", id);
    runWithLogContext({ reqId: id }, next);
  });
  app.use(requestLog(ctx.logger));
  app.use((req, res, next) => {
    const stop = ctx.metrics.latency.startTimer();
    res.on("finish", () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
      stop({ method: req.method, route });
      ctx.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      const code = res.locals.errorCode as string | undefined;
      if (code !== undefined) ctx.metrics.refusals.inc({ code, status: String(res.statusCode) });
    });
    next();
  });
  app.use(express.json({ limit: ctx.config.bodyLimit, strict: true, type: ["application/json", "application/*+json"] }));

  const tooMany = (): never => {
    throw new ApiError(429, "RATE_LIMITED", "too many requests; slow down", {}, { retryable: true });
  };
  const limiters = {
    public: rateLimit({ windowMs: 60_000, limit: ctx.config.verifyRatePerMinute, standardHeaders: "draft-8", legacyHeaders: false, handler: tooMany }),
    authenticated: rateLimit({
      windowMs: 60_000,
      limit: ctx.config.apiRatePerMinute,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      keyGenerator: (_req: Request, res) => String((res.locals.party as { account?: string } | undefined)?.account ?? "anonymous"),
      handler: tooMany,
    }),
    authFailures: createAuthFailureLimiter({ limit: ctx.config.authFailuresPerMinute, windowMs: 60_000 }),
  };

  const { routes, handler: routed } = createRouteGroups();
  const registry = createOpenApiRegistry();
  const kit: RouteKit = { router: routes, registry, ctx, limiters };
  registerRoutes(kit);
  const document = openApiDocument(registry);

  app.get("/health", async (_req, res) => {
    const health = await healthOf(ctx);
    res.status(health.httpStatus).json(health.body);
  });
  app.get("/metrics", async (_req, res) => {
    ctx.metrics.indexedBlock.set(ctx.indexer.status().indexedBlock);
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  app.get("/openapi.json", (_req, res) => void res.json(document));
  app.use("/docs", helmet({ strictTransportSecurity: https, contentSecurityPolicy: { directives: { "script-src": ["'self'", "'unsafe-inline'"], "upgrade-insecure-requests": https ? [] : null } } }), swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: "E-invoice ledger API" }));
  mountVerificationPage(app, { lookup: ctx.services.publicVerification.lookup, limiter: limiters.public });
  mountConsole(app, ctx.config.consoleDir);
  app.use(routed);
  app.use(noSuchRoute);
  app.use(errorHandler(ctx.logger, (error) => ctx.storage.observed(error), (refusal) => ctx.services.audit.record(refusal), { defaultLanguage: ctx.config.defaultLanguage }));
  return app;
}
