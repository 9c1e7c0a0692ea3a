import { useEffect, useRef, useState } from "preact/hooks";

import { useSignedIn } from "../../api/session";
import { useI18n } from "../../i18n/i18n";
import { Hex } from "../../ui/values";

/** Where the bureau's pages live (roles.ts). */
export const BUREAU_BASE = "/console/bureau";

export const invoiceHref = (id: string) => `${BUREAU_BASE}/invoices/${id}`;

/**
 * Names of accounts, read once per page with getParticipant (the bureau may read every participant); an
 * account the API does not describe keeps no name (null) and is shown by its address.
 */
export function useNames(
  accounts: readonly (string | null | undefined)[],
): Record<string, string | null> {
  const { client } = useSignedIn();
  const [names, setNames] = useState<Record<string, string | null>>({});
  const asked = useRef(new Set<string>());
  const wanted = [
    ...new Set(
      accounts.filter((a): a is string => typeof a === "string" && a !== ""),
    ),
  ]
    .sort()
    .join(",");
  useEffect(() => {
    let live = true;
    for (const account of wanted === "" ? [] : wanted.split(",")) {
      if (asked.current.has(account)) continue;
      asked.current.add(account);
      client
        .getParticipant({ params: { account } })
        .then(
          (party) =>
            live && setNames((known) => ({ ...known, [account]: party.name })),
        )
        .catch(
          () => live && setNames((known) => ({ ...known, [account]: null })),
        );
    }
    return () => {
      live = false;
    };
  }, [wanted, client]);
  return names;
}

/** An account by its name where known, its address kept whole in the title (and shortened beside the name). */
export function AccountName({
  account,
  name,
}: {
  account: string | null | undefined;
  name?: string | null | undefined;
}) {
  if (account === null || account === undefined) return <span>—</span>;
  if (name === undefined || name === null) return <Hex value={account} />;
  return (
    <span class="bureau-account" title={account}>
      {name}
    </span>
  );
}
