import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";

import { useI18n } from "../i18n/i18n";
import { consoleClient, EInvoiceApiError, type EInvoiceClient } from "./client";

export type Role = "bureau" | "merchant" | "enterprise" | "individual";

/** Who is signed in, as the API's session answer describes the party. */
export interface SignedInParty {
  account: string;
  role: Role;
  name: string;
  taxpayerId?: string | null | undefined;
}

export type SessionState =
  | { status: "checking" }
  | { status: "signed-out"; reason?: "expired" | undefined }
  | { status: "signed-in"; party: SignedInParty; csrfToken: string };

export interface Session {
  state: SessionState;
  /** The SDK client of this session (before sign-in: only public operations and sign-in work). */
  client: EInvoiceClient;
  signIn(apiKey: string): Promise<void>;
  signOut(): Promise<void>;
  /** A request was answered 401 (the session ended, expired, or its key was revoked): back to sign-in. */
  ended(error: EInvoiceApiError): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

const partyOf = (answer: { party: { account: string; role: Role; name: string; taxpayerId?: string } }): SignedInParty => ({
  account: answer.party.account,
  role: answer.party.role,
  name: answer.party.name,
  taxpayerId: answer.party.taxpayerId,
});

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const { language } = useI18n();
  const [state, setState] = useState<SessionState>({ status: "checking" });
  const csrfToken = state.status === "signed-in" ? state.csrfToken : undefined;
  const client = useMemo(() => consoleClient({ language, csrfToken }), [language, csrfToken]);

  // On load: a session the browser's cookie still holds (a reload, a second tab) needs no new sign-in.
  useEffect(() => {
    let live = true;
    consoleClient({ language })
      .getSession()
      .then((answer) => live && setState({ status: "signed-in", party: partyOf(answer), csrfToken: answer.csrfToken }))
      .catch(() => live && setState({ status: "signed-out" }));
    return () => {
      live = false;
    };
    // Only once per page load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const signIn = useCallback(
    async (apiKey: string) => {
      const answer = await consoleClient({ language }).openSession({ body: { apiKey } });
      setState({ status: "signed-in", party: partyOf(answer), csrfToken: answer.csrfToken });
    },
    [language],
  );
  const signOut = useCallback(async () => {
    await client.closeSession().catch(() => undefined);
    setState({ status: "signed-out" });
  }, [client]);
  const ended = useCallback((error: EInvoiceApiError) => {
    if (error.status === 401) setState({ status: "signed-out", reason: "expired" });
  }, []);

  const value = useMemo<Session>(() => ({ state, client, signIn, signOut, ended }), [state, client, signIn, signOut, ended]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error("useSession outside SessionProvider");
  return session;
}

/** The signed-in party and its client: only inside the signed-in part of the app. */
export function useSignedIn(): { party: SignedInParty; client: EInvoiceClient } {
  const { state, client } = useSession();
  if (state.status !== "signed-in") throw new Error("useSignedIn outside a session");
  return { party: state.party, client };
}
