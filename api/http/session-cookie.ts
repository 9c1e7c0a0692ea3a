import { parse, stringifySetCookie } from "cookie";
import type { Request } from "express";

/**
 * The console session's cookie (api/services/sessions.ts): HttpOnly, so no script of a page can read the token;
 * SameSite=Strict, so no request another site starts carries it; Path=/, for the API and the console, which is
 * served on the same origin; Secure when the API is reached over HTTPS (API_HSTS: the same signal as HSTS, since
 * a Secure cookie set over plain HTTP would never be sent back).
 */
export const SESSION_COOKIE = "eil_session";

/** The session token a request's Cookie header carries, if any. */
export function sessionTokenOf(req: Request): string | undefined {
  const header = req.get("cookie");
  if (header === undefined) return undefined;
  const token = parse(header)[SESSION_COOKIE];
  return token === undefined || token === "" ? undefined : token;
}

const attributes = (secure: boolean) => ({ httpOnly: true, sameSite: "strict" as const, path: "/", ...(secure ? { secure: true } : {}) });

/** The Set-Cookie that gives the browser a session, until its absolute end. */
export function sessionCookie(token: string, expiresAt: string, secure: boolean): string {
  const maxAge = Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000));
  return stringifySetCookie(SESSION_COOKIE, token, { ...attributes(secure), maxAge });
}

/** The Set-Cookie that makes the browser drop it (signed out). */
export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, "", { ...attributes(secure), maxAge: 0 });
}
