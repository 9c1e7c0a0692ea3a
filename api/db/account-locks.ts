import { sql } from "kysely";

import type { AccountLock } from "../chain/account-sender";
import type { Db } from "./database";

/** The first key of the two-key advisory locks taken for chain accounts (any constant no other lock uses). */
const ACCOUNT_LOCKS = 0x4143_4354;

/**
 * One sender per chain account across every API instance sharing this database: a session advisory lock on
 * a connection held while the sender reads the nonce, simulates, signs and sends. A process that dies loses
 * its connection, and PostgreSQL releases its locks with it. Accounts hash to 32 bits: two accounts that
 * collide only wait for each other.
 */
export function databaseAccountLock(db: Db): AccountLock {
  return {
    hold: (account, work) =>
      db.connection().execute(async (connection) => {
        const key = account.toLowerCase();
        await sql`SELECT pg_advisory_lock(${ACCOUNT_LOCKS}, hashtext(${key}))`.execute(connection);
        try {
          return await work();
        } finally {
          await sql`SELECT pg_advisory_unlock(${ACCOUNT_LOCKS}, hashtext(${key}))`.execute(connection);
        }
      }),
  };
}
