import type { Migration, MigrationProvider } from "kysely";

import * as initial from "./0001-initial";

/** Every migration, in order: a new one is a new numbered file added here, never an edit of an old one. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-initial": initial,
};

export const migrations: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
