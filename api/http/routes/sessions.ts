import { ApiError, notFound } from "../../errors";
import type { Party, Role } from "../../services/parties";
import type { ConsoleSession } from "../../services/sessions";
import { clientAddress } from "../auth-failure-limiter";
import { defineRoute, errorBody, type RouteKit } from "../route";
import { clearedSessionCookie, sessionCookie } from "../session-cookie";
import { closedSessionView, openSessionBody, sessionView } from "../schemas/sessions";
import { sessionExamples } from "../schemas/session-examples";

/**
 * The web console's sign-in (api/services/sessions.ts): an API key exchanged for a session cookie, the session
 * read again after a reload, and signing out. The token travels only in the cookie; the bodies carry the CSRF
 * token the page sends with its writes. Answers that hold a CSRF token are not to be cached.
 */
const ALL_ROLES: Role[] = ["bureau", "merchant", "enterprise", "individual"];

const sessionBody = (party: Party, session: ConsoleSession) => ({ party, csrfToken: session.csrfToken, expiresAt: session.expiresAt, idleMinutes: session.idleMinutes });

export function sessionRoutes(kit: RouteKit): void {
  defineRoute(kit, {
    method: "post",
    path: "/v1/sessions",
    operationId: "openSession",
    summary: "Sign in to the console: exchange one of your API keys for a session cookie (HttpOnly, SameSite=Strict) and its CSRF token",
    tag: "sessions",
    access: "public",
    body: openSessionBody,
    responses: {
      201: { description: "Signed in: Set-Cookie eil_session (HttpOnly, SameSite=Strict, Path=/, Max-Age until expiresAt; Secure over HTTPS), and the session's CSRF token", schema: sessionView },
      401: { description: "The key is unknown or revoked (UNAUTHENTICATED), or past its expiry (API_KEY_EXPIRED); wrong keys are counted per address like a wrong Bearer key", schema: errorBody },
      403: { description: "The participant has been revoked on the ledger (PARTICIPANT_REVOKED): its keys give no access", schema: errorBody },
    },
    examples: sessionExamples.open,
    async handle({ body, req }) {
      const { ctx, limiters } = kit;
      // A sign-in is an authentication like any other: wrong keys count against the address, as in route.ts.
      const client = clientAddress(req);
      limiters.authFailures.check(client, body.apiKey);
      const { party, session } = await ctx.services.sessions.open(body.apiKey).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) limiters.authFailures.failed(client);
        throw error;
      });
      limiters.authFailures.succeeded(client, body.apiKey);
      return {
        status: 201,
        body: sessionBody(party, session),
        headers: { "set-cookie": sessionCookie(session.token, session.expiresAt, ctx.config.hsts), "cache-control": "no-store" },
      };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/sessions/current",
    operationId: "getSession",
    summary: "The console session this request came with: who, its CSRF token again (after a reload), its end and idle limit",
    tag: "sessions",
    access: ALL_ROLES,
    responses: {
      200: { description: "The session, as signing in answered it (no new cookie)", schema: sessionView },
      404: { description: "NOT_FOUND: the request came with an API key, not with the console's session cookie", schema: errorBody },
    },
    examples: sessionExamples.current,
    async handle({ party, credential }) {
      const session = credential?.session;
      if (session === undefined) throw notFound("console session");
      return { status: 200, body: sessionBody(party!, session), headers: { "cache-control": "no-store" } };
    },
  });

  defineRoute(kit, {
    method: "delete",
    path: "/v1/sessions/current",
    operationId: "closeSession",
    summary: "Sign out of the console: the session ends at once and the cookie is cleared (with x-csrf-token, like every request but GET)",
    tag: "sessions",
    access: ALL_ROLES,
    responses: {
      200: { description: "Signed out: Set-Cookie eil_session with Max-Age=0", schema: closedSessionView },
      404: { description: "NOT_FOUND: the request came with an API key, not with the console's session cookie", schema: errorBody },
    },
    examples: sessionExamples.close,
    async handle({ credential }) {
      const session = credential?.session;
      if (session === undefined) throw notFound("console session");
      await kit.ctx.services.sessions.close(session.token);
      return { status: 200, body: { closed: true }, headers: { "set-cookie": clearedSessionCookie(kit.ctx.config.hsts) } };
    },
  });
}
