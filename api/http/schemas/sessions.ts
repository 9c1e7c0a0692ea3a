import { z } from "zod";

import { partyView } from "./views";

/** The console session routes' schemas (routes/sessions.ts). */
export const openSessionBody = z
  .strictObject({
    apiKey: z.string().min(1).max(256).meta({ description: "One of your API keys: exchanged for the session cookie, so that the browser never keeps it (nor is it logged)" }),
  })
  .meta({ id: "OpenSession" });

export const sessionView = z
  .object({
    party: partyView,
    csrfToken: z.string().meta({ description: "Send it as x-csrf-token with every request but GET and HEAD through this session (else 403 CSRF_TOKEN_INVALID); useless without the cookie" }),
    expiresAt: z.string().meta({ description: "The session's absolute end (then 401 SESSION_EXPIRED), however busy" }),
    idleMinutes: z.number().meta({ description: "The session ends after this many minutes without a request (then 401 SESSION_EXPIRED)" }),
  })
  .meta({ id: "ConsoleSession" });

export const closedSessionView = z.object({ closed: z.literal(true) }).meta({ id: "ClosedSession" });
