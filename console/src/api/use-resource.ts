import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import type { EInvoiceClient } from "./client";
import { EInvoiceApiError } from "./client";
import { useSession } from "./session";

export type Resource<T> =
  | { status: "loading"; data?: T | undefined; reload(): void }
  | { status: "ready"; data: T; reload(): void }
  | { status: "error"; error: EInvoiceApiError; data?: T | undefined; reload(): void };

/**
 * One read of the API through the SDK, as a page shows it: loading, ready, or refused with the API's code.
 * It reloads when `deps` change (a new filter) or on `reload()`; an answer that arrives after a newer request
 * started is dropped. A 401 ends the session (back to sign-in).
 */
export function useResource<T>(load: (client: EInvoiceClient, signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const { client, ended } = useSession();
  const [state, setState] = useState<{ status: "loading" | "ready" | "error"; data?: T; error?: EInvoiceApiError }>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ status: "loading", ...(previous.data === undefined ? {} : { data: previous.data }) }));
    loadRef
      .current(client, controller.signal)
      .then((data) => !controller.signal.aborted && setState({ status: "ready", data }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (!(error instanceof EInvoiceApiError)) throw error;
        ended(error);
        setState({ status: "error", error });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, generation, ...deps]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  if (state.status === "ready") return { status: "ready", data: state.data as T, reload };
  if (state.status === "error") return { status: "error", error: state.error!, data: state.data, reload };
  return { status: "loading", data: state.data, reload };
}

/**
 * A write through the SDK as a button runs it: busy while it runs, its refusal kept to show, a 401 ending the
 * session. Resolves with the answer, or undefined when refused.
 */
export function useAction<A extends unknown[], T>(run: (client: EInvoiceClient, ...args: A) => Promise<T>): {
  busy: boolean;
  error: EInvoiceApiError | undefined;
  run(...args: A): Promise<T | undefined>;
  clear(): void;
} {
  const { client, ended } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<EInvoiceApiError | undefined>(undefined);
  const runRef = useRef(run);
  runRef.current = run;
  const go = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(undefined);
      try {
        return await runRef.current(client, ...args);
      } catch (caught) {
        if (!(caught instanceof EInvoiceApiError)) throw caught;
        ended(caught);
        setError(caught);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [client, ended],
  );
  return { busy, error, run: go, clear: () => setError(undefined) };
}
