import type { LedgerClient } from "../chain/ledger-client";
import type { ApiKeyInfo, ApiKeys } from "./api-keys";
import type { Parties, Party, PartyWithStatus } from "./parties";

/**
 * "Who am I": what a key's holder needs to find its bearings, in one answer: its account and role, its names
 * (its own, and its employer's), its taxpayer ID, its status on the registry, the key it is using and all its
 * keys (never a secret).
 */
export interface Me {
  account: string;
  role: Party["role"];
  name: string;
  taxpayerId?: string;
  employeeNumber?: string;
  employer?: { account: string; name: string | null };
  registeredBy: string | null;
  createdAt: string;
  predecessor?: string;
  status: PartyWithStatus["status"];
  /** The key this request was sent with (through a console session: the key it was opened with). */
  key: ApiKeyInfo | null;
  keys: ApiKeyInfo[];
  // CUSTODY: where the custody column (hosted or self-custody signing, migration 0007) is read, add it here as
  // `custody`; the Me schema (api/http/schemas/identity.ts) documents it already, as optional.
}

/** `keyHash`: the key the request was sent with, or the one its console session was opened with (apiKeyHash). */
export async function describeMe({ parties, apiKeys, client }: { parties: Parties; apiKeys: ApiKeys; client: Pick<LedgerClient, "registry"> }, party: Party, keyHash: string | undefined): Promise<Me> {
  const [self, keys, key] = await Promise.all([parties.visibleTo(party, party.account), apiKeys.list(party.account), keyHash === undefined ? undefined : apiKeys.presented(keyHash)]);
  const employer = self.employer === undefined ? undefined : await parties.get(self.employer);
  // The bureau's officers hold the registry's bureau role, not a participant's status: active while they hold it.
  const status = self.role === "bureau" ? ((await client.registry.isBureau(self.account)) ? "Active" : null) : self.status;
  return {
    account: self.account,
    role: self.role,
    name: self.name,
    ...(self.taxpayerId === undefined ? {} : { taxpayerId: self.taxpayerId }),
    ...(self.employeeNumber === undefined ? {} : { employeeNumber: self.employeeNumber }),
    ...(self.employer === undefined ? {} : { employer: { account: self.employer, name: employer?.name ?? null } }),
    registeredBy: self.registeredBy,
    createdAt: self.createdAt,
    ...(self.predecessor === undefined ? {} : { predecessor: self.predecessor }),
    status,
    key: key ?? null,
    keys,
  };
}
