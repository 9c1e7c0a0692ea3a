import { parseSetCookie, type SetCookie } from "cookie";

import { SESSION_COOKIE } from "../../../api/http/session-cookie";
import { ApiClient, type ApiAnswer } from "../../../scripts/lib/api-client";

/** A console session as a test holds it: the answer of POST /v1/sessions, its cookie, and a client that sends it. */
export interface SignedIn {
  answer: ApiAnswer;
  /** The Set-Cookie of the answer, parsed. */
  cookie: SetCookie;
  token: string;
  csrfToken: string;
  /** Sends the session's cookie and its x-csrf-token, and no API key. */
  client: ApiClient;
  /** Sends the cookie only. */
  withoutCsrf: ApiClient;
}

/** The Set-Cookie of an answer, parsed (undefined: none). */
export function setCookieOf(answer: ApiAnswer): SetCookie | undefined {
  const header = answer.headers.get("set-cookie");
  return header === null ? undefined : parseSetCookie(header);
}

/** Signs in to the console with `client`'s API key (POST /v1/sessions), as a browser would, and holds the session. */
export async function signIn(client: ApiClient): Promise<SignedIn> {
  const answer = await new ApiClient(client.baseUrl).post("/v1/sessions", { apiKey: client.apiKey });
  if (answer.status !== 201) throw new Error(`signing in: expected 201, got ${answer.status} ${JSON.stringify(answer.body)}`);
  const cookie = setCookieOf(answer);
  if (cookie?.name !== SESSION_COOKIE || cookie.value === undefined) throw new Error(`signing in: no ${SESSION_COOKIE} cookie`);
  const token = cookie.value;
  const csrfToken = (answer.body as { csrfToken: string }).csrfToken;
  const sent = { cookie: `${SESSION_COOKIE}=${token}` };
  return { answer, cookie, token, csrfToken, client: new ApiClient(client.baseUrl, undefined, { ...sent, "x-csrf-token": csrfToken }), withoutCsrf: new ApiClient(client.baseUrl, undefined, sent) };
}
