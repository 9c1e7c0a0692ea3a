import type { RouteExample } from "../openapi";
import { EXAMPLE_KEY, exampleError, exampleParticipant } from "./example-cast";

/**
 * The examples of the console session routes (routes/sessions.ts), in the story of example-cast.ts: the
 * restaurant's manager signs in to the console with the till's key, the page reloads and asks for its CSRF token
 * again, and she signs out. The session token itself is in the Set-Cookie header, never in a body.
 */

/** The CSRF token of the story's session (the SHA-256 of "csrf", a NUL and the session token, base64url). */
const csrfToken = "ROdZmwHPZv1Eou74dB3XFMSNjLSInfiIIPLCxMdxeew";
const session = { party: exampleParticipant("merchant"), csrfToken, expiresAt: "2026-11-25T14:05:00.000Z", idleMinutes: 30 };

export const sessionExamples = {
  open: {
    merchant: {
      summary: "The restaurant signs in to the console with one of its API keys: the cookie carries the session from now on",
      body: { apiKey: EXAMPLE_KEY.apiKey },
      status: 201,
      response: session,
    },
    "wrong-key": {
      summary: "A key that is not one (a typo, or a revoked key): refused, and counted against the address like any wrong key",
      body: { apiKey: "eil_000000000000_notAKeyOfAnyoneAtAllJustATypo000" },
      status: 401,
      response: exampleError("UNAUTHENTICATED"),
    },
  },
  current: {
    merchant: {
      summary: "The console's page reloads and asks for its session again (the same CSRF token; no new cookie)",
      as: "merchant",
      status: 200,
      response: session,
    },
  },
  close: {
    merchant: {
      summary: "The restaurant signs out: the session ends and the cookie is cleared",
      as: "merchant",
      status: 200,
      response: { closed: true },
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
