import type { Insertable, Kysely, Selectable } from "kysely";

import type { IdempotencyAnswersTable, Schema } from "./schema";

/**
 * The first answer given to each (account, Idempotency-Key). `body` is JSON (not JSONB): a replay reads back
 * exactly as the first answer was written, its fields in their order.
 */
export type IdempotencyAnswerRow = Selectable<IdempotencyAnswersTable>;
export type NewIdempotencyAnswer = Omit<Insertable<IdempotencyAnswersTable>, "created_at">;

const lower = (account: string) => account.toLowerCase();

export async function findAnswer(db: Kysely<Schema>, account: string, key: string): Promise<IdempotencyAnswerRow | undefined> {
  return db.selectFrom("idempotency_answers").selectAll().where("account", "=", lower(account)).where("key", "=", key).executeTakeFirst();
}

/** Stores the answer unless one is stored for this account and key already; whether it did (the primary key decides a race). */
export async function insertAnswer(db: Kysely<Schema>, answer: NewIdempotencyAnswer): Promise<boolean> {
  const written = await db
    .insertInto("idempotency_answers")
    .values({ ...answer, account: lower(answer.account) })
    .onConflict((conflict) => conflict.columns(["account", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  return written !== undefined;
}
