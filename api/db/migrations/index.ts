import type { Migration, MigrationProvider } from "kysely";

import * as initial from "./0001-initial";
import * as search from "./0002-search";
import * as audit from "./0003-audit";
import * as documentKeys from "./0004-document-keys";
import * as numberLookup from "./0005-number-lookup";
import * as identity from "./0006-identity";
import * as custody from "./0007-custody";
import * as webhooks from "./0008-webhooks";
import * as sessions from "./0009-sessions";
import * as consoleFilters from "./0010-console-filters";
import * as settlements from "./0011-settlements";
import * as verificationIndex from "./0012-verification-index";
import * as credentialNotices from "./0013-credential-notices";

/** Every migration, in order: a new one is a new numbered file added here, never an edit of an old one. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-search": search,
  "0003-audit": audit,
  "0004-document-keys": documentKeys,
  "0005-number-lookup": numberLookup,
  "0006-identity": identity,
  "0007-custody": custody,
  "0008-webhooks": webhooks,
  "0009-sessions": sessions,
  "0010-console-filters": consoleFilters,
  "0011-settlements": settlements,
  "0012-verification-index": verificationIndex,
  "0013-credential-notices": credentialNotices,
};

export const migrations: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
