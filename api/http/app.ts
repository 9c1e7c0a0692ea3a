import express, { type Request } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import swaggerUi from "swagger-ui-express";

import { ApiError } from "../errors";
import { createAuthFailureLimiter } from "./auth-failure-limiter";
import type { ApiContext } from "./context";
import { errorHandler } from "./error-handler";
import { healthOf } from "./health";
import { createOpenApiRegistry, openApiDocument } from "./openapi";
import type { RouteKit } from "./route";
import { invoiceRoutes } from "./routes/invoices";
import { participantRoutes } from "./routes/participants";
import { reportRoutes } from "./routes/reports";
import { settlementRoutes } from "./routes/settlement";
import { verifyRoutes } from "./routes/verify";

/** Builds the Express app; it never listens (main.ts does, and owns signals and shutdown). */
export function createApp(ctx: ApiContext): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("json replacer", (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: ctx.logger,
      redact: { paths: ["req.headers.authorization", "req.headers['x-api-key']", "req.headers.cookie"], censor: "[redacted]" },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "info" : "debug"),
    }),
  );
  app.use((req, res, next) => {
    const stop = ctx.metrics.latency.startTimer();
    res.on("finish", () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
      stop({ method: req.method, route });
      ctx.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
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

  const router = express.Router();
  const registry = createOpenApiRegistry();
  const kit: RouteKit = { router, registry, ctx, limiters };
  participantRoutes(kit);
  invoiceRoutes(kit);
  verifyRoutes(kit);
  reportRoutes(kit);
  settlementRoutes(kit);
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
  app.use("/docs", helmet({ contentSecurityPolicy: { directives: { "script-src": ["'self'", "'unsafe-inline'"] } } }), swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: "E-invoice ledger API" }));
  app.use(router);
  app.use((req) => {
    throw new ApiError(404, "NO_SUCH_ROUTE", `no route ${req.method} ${req.path}`, { method: req.method, path: req.path });
  });
  app.use(errorHandler(ctx.logger, (error) => ctx.storage.observed(error), (refusal) => ctx.services.audit.record(refusal), { defaultLanguage: ctx.config.defaultLanguage }));
  return app;
}
