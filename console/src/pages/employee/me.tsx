import { createContext, type ComponentChildren } from "preact";
import { useContext } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { useResource, type Resource } from "../../api/use-resource";

export type Me = Awaited<ReturnType<EInvoiceClient["getMe"]>>;

const MeContext = createContext<Resource<Me> | undefined>(undefined);

/**
 * The signed-in employee as the API describes it (getMe), read once for all its pages: its employer is the
 * enterprise it submits invoices to, and the name the history shows for that enterprise's steps.
 */
export function MeProvider({ children }: { children: ComponentChildren }) {
  const me = useResource((client, signal) => client.getMe({ signal }), []);
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

export function useMe(): Resource<Me> {
  const me = useContext(MeContext);
  if (me === undefined) throw new Error("useMe outside MeProvider");
  return me;
}
