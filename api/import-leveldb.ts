import { rename } from "node:fs/promises";

import { Command } from "commander";

import type { SealedSecret } from "./chain/keystore";
import { Keystore } from "./chain/keystore";
import { resolveApiConfig } from "./config";
import { openDatabase } from "./db/database";
import { hasParticipants, insertLegacyRows, type LegacyRows } from "./db/legacy-import";
import { PLAINTEXT_SETTING } from "./db/plaintext-conversion";
import { putSetting } from "./db/settings";
import { ApiError } from "./errors";
import { hasLegacyStore, legacyStorePath, readLegacyStore } from "./legacy/leveldb-store";
import { createLogger } from "../lib/logger";

/**
 * `npm run api:import-leveldb`: moves the API's data from the LevelDB layout of earlier versions
 * (`<dataDir>/db`) into the database, all or nothing, with the API stopped: participants, taxpayer IDs, API
 * key hashes, sealed party keys, documents (claim codes sealed, as they are now), idempotency answers and the
 * keystore's key-check value. The event index is not imported: the API rebuilds it from the chain at its next
 * start. The master key must be the one the store was written with (checked before anything is written).
 * Afterwards the LevelDB is renamed to `<dataDir>/db.imported-<time>` and kept as it was.
 */
const options = new Command()
  .name("api:import-leveldb")
  .option("--data-dir <dir>", "the API's data directory (API_DATA_DIR, default ./data/api)")
  .option("--database-url <url>", "a PostgreSQL 15+ server (DATABASE_URL); without it the embedded server under ./data/postgres")
  .parse()
  .opts<{ dataDir?: string; databaseUrl?: string }>();

type Party = { account: string; role: string; name: string; taxpayerId?: string; employer?: string; employeeNumber?: string; registeredBy: string | null; createdAt: string; predecessor?: string };
type StoredKey = { keyId: string; account: string; label: string; createdAt: string; revokedAt: string | null };
type LegacyDocument = { id: string; kind: string; seller: string; requestId: string; claimCode?: string | null; sealedClaimCode?: SealedSecret | null; [field: string]: unknown };
type StoredAnswer = { fingerprint: string; status: number; body: unknown };

const lower = (account: string) => account.toLowerCase();
const lowerOrNull = (account: string | null | undefined) => (account === undefined || account === null ? null : lower(account));

async function main(): Promise<void> {
  const config = resolveApiConfig({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  });
  const logger = createLogger("api-import");
  if (!hasLegacyStore(config.dataDir)) {
    process.stdout.write(`${JSON.stringify({ event: "nothing-to-import", path: legacyStorePath(config.dataDir) })}\n`);
    return;
  }
  const legacy = await readLegacyStore(config.dataDir);
  const entries = (prefix: string) => legacy.byPrefix.get(prefix) ?? [];
  const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.databaseDir }, logger);
  try {
    const { db } = database;
    if (await hasParticipants(db)) {
      throw new ApiError(409, "DATABASE_NOT_EMPTY", "the database already holds participants: import a LevelDB-era store only into an empty database");
    }
    // The master key is checked against the store's own key-check value (or, without one, its first sealed key).
    const check = entries("keystore")[0]?.value;
    if (typeof check === "string") await putSetting(db, "keystore-check", check);
    const keystore = await Keystore.open(db, config.dataDir, config.masterKey);
    const firstWallet = entries("wallet")[0];
    if (firstWallet !== undefined) keystore.openSecret(firstWallet.value as SealedSecret, Buffer.from(firstWallet.key.slice("wallet:".length)));

    const parties = entries("party").map(({ value }) => value as Party);
    const rows: LegacyRows = {
      participants: parties.map((p) => ({
        account: lower(p.account),
        role: p.role,
        name: p.name,
        taxpayer_id: p.taxpayerId ?? null,
        employer: lowerOrNull(p.employer),
        employee_number: p.employeeNumber ?? null,
        registered_by: lowerOrNull(p.registeredBy),
        predecessor: lowerOrNull(p.predecessor),
        created_at: p.createdAt,
      })) as never,
      taxpayerAccounts: entries("tin").map(({ key, value }) => ({ taxpayer_id: key.slice("tin:".length), account: lower(value as string) })),
      apiKeys: entries("apikey").map(({ key, value }) => {
        const k = value as StoredKey;
        return { key_hash: key.slice("apikey:".length), key_id: k.keyId, account: lower(k.account), label: k.label, created_at: k.createdAt, revoked_at: k.revokedAt };
      }),
      wallets: entries("wallet").map(({ key, value }) => ({ account: lower(key.slice("wallet:".length)), sealed: JSON.stringify(value) })),
      documents: entries("doc").map(({ value }) => {
        const { id, kind, seller, requestId, claimCode, sealedClaimCode, ...record } = value as LegacyDocument;
        // Records written before claim codes were sealed hold them in plaintext: sealed now, as new ones are.
        const sealed = sealedClaimCode ?? (typeof claimCode === "string" ? keystore.sealSecret(Buffer.from(claimCode.slice(2), "hex"), Buffer.from(`claim-code:${lower(id)}`)) : null);
        return { id: lower(id), kind, seller: lower(seller), request_id: requestId, record: JSON.stringify({ ...record, sealedClaimCode: sealed }) };
      }),
      answers: entries("idem").map(({ key, value }) => {
        const [, account, ...rest] = key.split(":");
        const answer = value as StoredAnswer;
        return { account: lower(account!), key: rest.join(":"), fingerprint: answer.fingerprint, status: answer.status, body: JSON.stringify(answer.body) };
      }),
      // Its documents and answers hold personal fields in clear: the API encrypts them at its next start.
      settings: [{ name: PLAINTEXT_SETTING, value: "true" }],
    };
    await insertLegacyRows(db, rows);
    const moved = `${legacyStorePath(config.dataDir)}.imported-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await rename(legacyStorePath(config.dataDir), moved);
    for (const suffix of [".ack", ".damaged"]) await rename(`${legacyStorePath(config.dataDir)}${suffix}`, `${moved}${suffix}`).catch(() => undefined);
    const counts = Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, (list as unknown[]).length]));
    process.stdout.write(`${JSON.stringify({ event: "imported", from: moved, ...counts, note: "the event index is rebuilt from the chain at the API's next start" })}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  const code = error instanceof ApiError ? error.code : "IMPORT_FAILED";
  process.stderr.write(`Import failed (${code}): ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
