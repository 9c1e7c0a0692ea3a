import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";

import { ApiError, forbidden, unauthenticated } from "../errors";
import { catalogue } from "../i18n/messages.en";
import { currentLogContext } from "../../lib/log-context";
import { apiKeyHash, ParticipantBarred } from "../services/api-keys";
import type { Party, Role } from "../services/parties";
import type { ConsoleSession } from "../services/sessions";
import { auditedAction, auditedId, type AuditedAttempt } from "./audited-actions";
import { clientAddress, type AuthFailureLimiter } from "./auth-failure-limiter";
import type { ApiContext } from "./context";
import { ROUTE_EXAMPLES, type RouteExample } from "./openapi";
import type { RouteRegistry } from "./route-groups";
import { clearedSessionCookie, sessionTokenOf } from "./session-cookie";
import { parse } from "./validate";

/**
 * One definition per route, from which both the Express handler and the OpenAPI operation are made, so the
 * documentation cannot drift from what is enforced. The handler runs after, in this order: authentication
 * (401; an API key, or else the console's session cookie, api/services/sessions.ts), the role check (403), the
 * rate limit (429), strict validation of params, query and body (400), and for writes the Idempotency-Key. Handlers throw; the error handler answers (and, for a lifecycle action the
 * caller was refused, records the refusal in the bureau's audit: see audited-actions.ts).
 */
type ObjectSchema = z.ZodObject<z.ZodRawShape>;

export interface RouteSpec<P extends ObjectSchema, Q extends ObjectSchema, B extends z.ZodType> {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI form: /v1/invoices/{id} */
  path: string;
  /** The operation's stable name (camelCase verb first): what generated clients and the SDK call it. Never renamed. */
  operationId: string;
  summary: string;
  tag: string;
  access: "public" | Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** Honours the Idempotency-Key header. */
  idempotent?: boolean;
  /** Each documented answer: a JSON body (`schema`), or a document of another media type (`media`, e.g. application/pdf). */
  responses: Record<number, { description: string; schema?: z.ZodType; media?: string }>;
  /** Requests and their answers, by name, for the OpenAPI document (see RouteExample); each one is sent to a running API by a test. */
  examples?: Record<string, RouteExample>;
  handle(input: { party: Party | undefined; credential: Credential | undefined; params: z.output<P>; query: z.output<Q>; body: z.output<B>; req: Request }): Promise<RouteAnswer>;
}

/** How the caller of an authenticated route proved who it is. */
export interface Credential {
  /** The API key the request was sent with, or the one its console session was opened with, as stored (apiKeyHash). */
  keyHash: string;
  /** The console session, when the request came with its cookie rather than a key. */
  session: ConsoleSession | undefined;
}

/**
 * What a handler answers: JSON by default; a document (PDF, XML, HTML) with its media type and, to be saved, a
 * file name; and headers of its own (a cookie). An idempotent route's stored answer keeps no headers: such a
 * route sets none.
 */
export interface RouteAnswer {
  status: number;
  body: unknown;
  type?: string;
  filename?: string;
  headers?: Record<string, string>;
}

export const errorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) })
  .meta({ id: "Error" });

const idempotencyKey = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "1 to 128 letters, digits or . _ : -");

// Schemas are built once, never per request: zod compiles an object schema on its first parse (a route's own
// schemas are built with the route, once).
/** What a route without path parameters or query accepts: nothing. */
const NOTHING = z.strictObject({});
/** A route without a body accepts none, or an empty JSON object. */
const NO_BODY = z.union([z.undefined(), z.strictObject({})]);
const IDEMPOTENCY_HEADERS = z.object({ "idempotency-key": idempotencyKey });

export interface RouteKit {
  router: RouteRegistry;
  registry: OpenAPIRegistry;
  ctx: ApiContext;
  limiters: { public: RequestHandler; authenticated: RequestHandler; authFailures: AuthFailureLimiter };
}

const STANDARD_ERRORS: Record<number, string> = {
  400: "Invalid input (VALIDATION_FAILED, MALFORMED_JSON, MALFORMED_BODY, MALFORMED_PATH)",
  401: "Missing or unknown API key or console session (UNAUTHENTICATED), a key past its expiry (API_KEY_EXPIRED), or a console session past its end or idle too long (SESSION_EXPIRED)",
  403: "The role may not use this route (FORBIDDEN; PARTICIPANT_SUSPENDED, PARTICIPANT_REVOKED, ACCOUNT_NOT_ADMITTED; KEY_READ_ONLY for a write with a read-only key; CSRF_TOKEN_INVALID for a console session's request other than GET without its x-csrf-token)",
  404: "Not found, or not yours (NOT_FOUND)",
  413: "Body too large (BODY_TOO_LARGE)",
  429: "Rate limited (RATE_LIMITED)",
};

/** Every code the API answers with: a word of a description is a code only if it is one of these. */
const KNOWN_CODES: ReadonlySet<string> = new Set(Object.keys(catalogue.errors));

/**
 * The error codes a documented refusal names in its description, in order, as a machine-readable list
 * (`x-error-codes` on the response): generated clients (sdk/) type a refusal's code by it. Words that are not
 * codes (PDF, UBL) are not taken.
 */
export function errorCodesIn(description: string): string[] {
  return [...new Set(description.match(/\b[A-Z][A-Z0-9_]*[A-Z0-9]\b/g) ?? [])].filter((word) => KNOWN_CODES.has(word));
}

/** A documented answer's OpenAPI form: a refusal (4xx, 5xx) also lists the codes its description names. */
function documentedAnswer(status: string, description: string, content: object | undefined) {
  const codes = Number(status) >= 400 ? errorCodesIn(description) : [];
  return { description, ...(content === undefined ? {} : { content }), ...(codes.length === 0 ? {} : { "x-error-codes": codes }) };
}

/** A route without path parameters names no object: it answers 404 only where it says so in its own responses. */
const documents = (status: string, spec: { params?: unknown; responses: Record<number, unknown> }, isPublic: boolean) =>
  !(status in spec.responses) && !(isPublic && (status === "401" || status === "403")) && !(status === "404" && spec.params === undefined);

export function defineRoute<P extends ObjectSchema, Q extends ObjectSchema, B extends z.ZodType>(kit: RouteKit, spec: RouteSpec<P, Q, B>): void {
  const { router, registry, ctx, limiters } = kit;
  const expressPath = spec.path.replace(/\{([^}]+)\}/g, ":$1");
  const isPublic = spec.access === "public";

  const config: RouteConfig = {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
    // Either an API key or the console's session cookie (openapi.ts names both schemes).
    ...(isPublic ? {} : { security: [{ apiKey: [] }, { session: [] }], description: `Roles: ${(spec.access as Role[]).join(", ")}`, "x-roles": spec.access }),
    ...(spec.examples === undefined ? {} : { [ROUTE_EXAMPLES]: spec.examples }),
    request: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.idempotent ? { headers: z.object({ "idempotency-key": idempotencyKey.optional() }) } : {}),
      ...(spec.body ? { body: { required: true, content: { "application/json": { schema: spec.body } } } } : {}),
    },
    responses: {
      ...Object.fromEntries(
        Object.entries(spec.responses).map(([status, r]) => [
          status,
          documentedAnswer(
            status,
            r.description,
            r.media !== undefined ? { [r.media]: { schema: { type: "string", format: "binary" } } } : r.schema ? { "application/json": { schema: r.schema } } : undefined,
          ),
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(STANDARD_ERRORS)
          .filter(([status]) => documents(status, spec, isPublic))
          .map(([status, description]) => [status, documentedAnswer(status, description, { "application/json": { schema: errorBody } })]),
      ),
    },
  };
  registry.registerPath(config);

  // A lifecycle action: from the moment its caller is known, the error handler can record a refusal in the
  // bureau's audit (who, which action, the path's id; never the body).
  const audited = auditedAction(spec.method, spec.path);
  const noteAttempt = (req: Request, res: Response, party: Party) => {
    if (audited === undefined) return;
    const id = audited.subject === undefined ? undefined : auditedId(req.params.id);
    const attempt: AuditedAttempt = { party: { account: party.account, role: party.role }, action: audited.action, subject: audited.subject === undefined || id === undefined ? undefined : { kind: audited.subject, id } };
    res.locals.attempt = attempt;
  };

  // Business figures (metrics.ts): each lifecycle action done, and each invoice issued (a batch answers with its results).
  const countDone = (body: unknown) => {
    if (audited === undefined) return;
    ctx.metrics.lifecycleActions.inc({ action: audited.action });
    if (audited.action === "issue") ctx.metrics.invoicesIssued.inc({ channel: "single" });
    if (audited.action === "issue-batch") {
      const results = (body as { results?: unknown } | undefined)?.results;
      ctx.metrics.invoicesIssued.inc({ channel: "batch" }, Array.isArray(results) ? results.length : 0);
    }
  };

  const authenticate: RequestHandler = async (req, res, next) => {
    const context = currentLogContext();
    if (context !== undefined) context.route = `${spec.method.toUpperCase()} ${spec.path}`;
    if (isPublic) return next();
    const header = req.get("authorization");
    const key = (header?.startsWith("Bearer ") ? header.slice(7).trim() : req.get("x-api-key")) || undefined;
    // The console's session cookie counts only without a key: a key sent is what the caller means to act with.
    const secret = key ?? sessionTokenOf(req);
    if (secret === undefined) throw unauthenticated("send your API key as 'Authorization: Bearer <key>', or sign in to the console");
    // Reads (and revoking one's own keys) stay open to a suspended participant; everything else is a write.
    // Wrong keys and session tokens are counted per client address (auth-failure-limiter.ts); ones that work are not.
    const writes = spec.method !== "get" && spec.method !== "delete";
    const client = clientAddress(req);
    limiters.authFailures.check(client, secret);
    // Through a session, every method but GET (and HEAD, which Express answers with the GET route) needs the
    // session's CSRF token too: DELETE is no write for a key's scope, but it changes something.
    const signedIn: Promise<{ party: Party; credential: Credential }> =
      key !== undefined
        ? ctx.services.apiKeys.authenticate(key, { writes }).then((party) => ({ party, credential: { keyHash: apiKeyHash(key), session: undefined } }))
        : ctx.services.sessions
            .authenticate(secret, { writes, safe: spec.method === "get", csrfToken: req.get("x-csrf-token") })
            .then(({ party, session }) => ({ party, credential: { keyHash: session.keyHash, session } }));
    const { party, credential } = await signedIn.catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        limiters.authFailures.failed(client);
        // A session that has ended is dropped from the browser too: a page reloaded with it would otherwise send
        // it again and again, each time counted as a wrong credential against the person's address.
        if (key === undefined) res.append("set-cookie", clearedSessionCookie(ctx.config.hsts));
      }
      if (error instanceof ParticipantBarred) noteAttempt(req, res, error.party);
      throw error;
    });
    limiters.authFailures.succeeded(client, secret);
    noteAttempt(req, res, party);
    if (!(spec.access as Role[]).includes(party.role)) throw forbidden(`this route is for ${(spec.access as Role[]).join(", ")} accounts`, { role: party.role, allowedRoles: [...(spec.access as Role[])] });
    res.locals.party = party;
    res.locals.credential = credential;
    if (context !== undefined) Object.assign(context, { party: party.account, role: party.role });
    next();
  };

  router[spec.method](expressPath, authenticate, isPublic ? limiters.public : limiters.authenticated, async (req, res) => {
    const party = res.locals.party as Party | undefined;
    const credential = res.locals.credential as Credential | undefined;
    const params = parse(spec.params ?? NOTHING, req.params, "params") as z.output<P>;
    const query = parse(spec.query ?? NOTHING, req.query, "query") as z.output<Q>;
    const body = parse(spec.body ?? NO_BODY, req.body, "body") as z.output<B>;
    const run = () => spec.handle({ party, credential, params, query, body, req });
    const key = spec.idempotent ? req.get("idempotency-key") : undefined;
    if (key !== undefined && party !== undefined) {
      parse(IDEMPOTENCY_HEADERS, { "idempotency-key": key }, "headers");
      const answer = await ctx.services.idempotency.run(party.account, key, { method: spec.method, path: req.path, body: req.body as unknown }, run);
      if (!answer.replayed) countDone(answer.body);
      res.status(answer.status).set("idempotent-replayed", String(answer.replayed)).json(answer.body);
      return;
    }
    const result = await run();
    countDone(result.body);
    if (result.headers !== undefined) res.set(result.headers);
    if (result.type === undefined) {
      res.status(result.status).json(result.body);
      return;
    }
    // A document: its bytes as they are, with a name to save it under (inline: a browser shows it).
    if (result.filename !== undefined) res.set("content-disposition", `inline; filename="${result.filename}"`);
    res.status(result.status).type(result.type).send(result.body);
  });
}
