import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import type { Server } from "node:http";
import { join } from "node:path";

import type { Logger } from "pino";

import { AccountSenders } from "./chain/account-sender";
import { IssueBatcher } from "./chain/issue-batcher";
import { Keystore } from "./chain/keystore";
import { connectLedger, type LedgerClient } from "./chain/ledger-client";
import type { ApiConfig } from "./config";
import { createApp } from "./http/app";
import type { ApiContext } from "./http/context";
import { createApiMetrics } from "./http/metrics";
import { EventIndexer } from "./indexer/event-indexer";
import { createApiKeys } from "./services/api-keys";
import { createAudit } from "./services/audit";
import { createCustody } from "./services/custody";
import { createForwarding } from "./services/forwarding";
import { convertPlaintextDocuments } from "./services/documents";
import { applyErasureRegister, createErasure } from "./services/erasure";
import { ErasureRegister, registerFile } from "./services/erasure-register";
import { createIdempotency } from "./services/idempotency";
import { createInvoices } from "./services/invoices";
import { createParties } from "./services/parties";
import { createReports } from "./services/reports";
import { createSelfRegistration } from "./services/self-registration";
import { createSessions } from "./services/sessions";
import { createSettlement } from "./services/settlement";
import { createHolderDocuments } from "./services/holder-documents";
import { createProofs } from "./services/proofs";
import { createPublicVerification } from "./services/public-verification";
import { createVerification } from "./services/verification";
import { createWebhooks } from "./services/webhooks";
import { DeliveryWorker } from "./webhooks/delivery-worker";
import { createOutbox } from "./webhooks/outbox";
import { networkAllowance } from "./webhooks/url-guard";
import { contractsMismatch, databaseUnavailable } from "./start-refusal";
import { openDatabase, type Database } from "./db/database";
import { databaseAccountLock } from "./db/account-locks";
import { findKeyHolder } from "./db/api-keys";
import { CREDENTIALS_CHANNEL, KeyHolderCache } from "./db/key-holder-cache";
import { NoticeListener } from "./db/notice-listener";
import { databaseFault, StoreCorruptedError } from "./db/database-errors";
import { DatabaseStatus } from "./db/database-status";
import { watchEmbeddedServer } from "./db/embedded-watch";
import { hasLegacyStore, legacyStoreFound } from "./legacy/leveldb-store";
import { checkContractCode, describeContractCode } from "../lib/contract-code";
import { writeFileDurably } from "../lib/durable-file";

/**
 * Assembles the API: its database, the chain connection, the keystore, the sender, the group-commit batcher,
 * the event indexer and the services; bootstraps the first bureau officer; and listens. `close()` stops
 * taking requests, lets the ones in flight finish, then stops the indexer and closes the database (and stops the embedded server).
 */
export interface RunningApi {
  url: string;
  ctx: ApiContext;
  /** Where the first bureau API key was written, when this start created it. */
  bureauKeyFile: string;
  close(): Promise<void>;
}

/**
 * The checks before anything is written, each a refusal to start with its own code and exit code
 * (start-refusal.ts): the contracts on chain against this build's (CONTRACTS_MISMATCH), the database reachable and
 * migrated (DATABASE_UNAVAILABLE), the index against the chain (INDEX_AHEAD_OF_CHAIN), the master key against the
 * keystore's key-check value (KEYSTORE_KEY_MISMATCH). Then, before it serves, documents written by an earlier
 * version get their personal fields encrypted, and the erasure register is applied (services/erasure.ts).
 */
export async function assembleApi(config: ApiConfig, logger: Logger): Promise<{ ctx: ApiContext; database: Database; bureauKeyFile: string; keyHolders: KeyHolderCache }> {
  await mkdir(config.dataDir, { recursive: true });
  if (hasLegacyStore(config.dataDir)) throw legacyStoreFound(config.dataDir);
  const client = await connectLedger(config);
  await checkContracts(client, config, logger);
  const database = await openDatabaseOrRefuse(config, logger);
  const { db } = database;
  try {
    const metrics = createApiMetrics();
    // Webhooks: the outbox is written with the index and the erasures; the worker delivers it (api/webhooks/).
    const outbox = createOutbox({ numberForm: config.numberForm });
    let webhookWorker: DeliveryWorker | undefined;
    // Remembers nothing until startApi listens for changes (notice-listener.ts).
    const keyHolders = new KeyHolderCache((keyHash) => findKeyHolder(database, keyHash), config.keyCacheSize);
    const indexer = new EventIndexer(client, database, logger, {
      pollIntervalMs: config.pollIntervalMs,
      outbox,
      onEvents: (count) => {
        metrics.indexedEvents.inc(count);
        if (count > 0) webhookWorker?.wake();
      },
      onRegistryChange: () => keyHolders.invalidate(),
    });
    await indexer.verifyAgainstChain();
    const keystore = await Keystore.open(db, config.dataDir, config.masterKey);
    const allowance = networkAllowance(config.webhookAllowedNetworks);
    webhookWorker = new DeliveryWorker(db, keystore, logger, {
      retryScheduleMs: config.webhookRetryScheduleMs,
      timeoutMs: config.webhookTimeoutMs,
      concurrency: config.webhookConcurrency,
      pollMs: config.webhookPollMs,
      allowance,
    });
    const worker = webhookWorker;
    // Before serving: personal fields written by an earlier version encrypted, and every erasure of the register
    // (kept beside the master key, in no backup) done again where a restored database does not hold it.
    await convertPlaintextDocuments(db, keystore, logger);
    const register = await ErasureRegister.open(registerFile(config.dataDir));
    const reconciled = await applyErasureRegister(db, register);
    if (reconciled.applied > 0 || reconciled.registered > 0) logger.info({ ...reconciled, register: register.file }, "erasures: the register and the database reconciled");
    const senders = new AccountSenders(client.provider, client.rpc, client.chainId, config.pollIntervalMs, databaseAccountLock(db));
    const batcher = new IssueBatcher(senders, {
      ledgerAddress: client.addresses.ledger,
      issuedTopic: client.ledger.interface.getEvent("InvoiceIssued").topicHash,
      maxBatchSize: config.maxBatchSize,
      inFlight: config.groupCommitInFlight,
      onBatch: (size) => metrics.batchSize.observe(size),
      onPhase: (phase, seconds) => metrics.issuePhases.observe({ phase }, seconds),
    });
    const parties = createParties({ db, keystore, senders, client, indexer });
    const apiKeys = createApiKeys({ db, holders: keyHolders, parties });
    const invoices = createInvoices({ db, client, batcher, indexer, parties, keystore, numberForm: config.numberForm, onIssuePhase: (phase, seconds) => metrics.issuePhases.observe({ phase }, seconds) });
    const { documents } = invoices;
    const verification = createVerification({ database, client, indexer, numberForm: config.numberForm });
    const proofs = createProofs(client);
    const ctx: ApiContext = {
      config,
      logger,
      metrics,
      client,
      indexer,
      webhookWorker: worker,
      storage: new DatabaseStatus(db, database.location),
      services: {
        parties,
        apiKeys,
        sessions: createSessions({ db, apiKeys, config }),
        invoices,
        verification,
        publicVerification: createPublicVerification({ verification, numbers: invoices.numbers, documents }),
        // QR codes point at the page where people reach the API: read at each request (startApi fills it in once listening).
        holderDocuments: createHolderDocuments({ invoices, proofs, publicUrl: () => ctx.config.publicUrl ?? `http://${config.host}:${config.port}` }),
        reports: createReports({ db, database, invoices, client, indexer }),
        settlement: createSettlement({ client, parties, invoices }),
        idempotency: createIdempotency(db, keystore, documents),
        audit: createAudit({ db, client, logger }),
        erasure: createErasure({ db, register, invoices, documents, outbox, onErased: () => worker.wake() }),
        webhooks: createWebhooks({ db, keystore, allowance, timeoutMs: config.webhookTimeoutMs, onRedeliver: () => worker.wake() }),
        custody: createCustody({ db, keystore, client }),
        forwarding: createForwarding({ db, client, parties, invoices }),
        selfRegistration: createSelfRegistration({ db, client, parties, apiKeys }),
      },
    };
    const bureauKeyFile = await bootstrapBureau(ctx, config);
    return { ctx, database, bureauKeyFile, keyHolders };
  } catch (error) {
    await database.close();
    // A damaged page met while starting is STORE_CORRUPTED (exit 3), not an unexplained failure.
    throw databaseFault(error) ?? error;
  }
}

/**
 * The API calls the functions of this build's contracts: on a chain whose contracts are other code it would
 * answer with reverts, so it refuses to start (CONTRACTS_MISMATCH, exit 8) unless told to warn only.
 */
async function checkContracts(client: LedgerClient, config: ApiConfig, logger: Logger): Promise<void> {
  const report = await checkContractCode(client.provider, client.addresses);
  if (report.matches) {
    // Still worth a line: once executed, a scheduled upgrade to other code makes this build refuse to start.
    const foreign = report.pendingUpgrades.filter((p) => !p.matchesBuild);
    if (foreign.length > 0) logger.warn({ pendingUpgrades: foreign }, `contracts: ${describeContractCode({ ...report, pendingUpgrades: foreign }).join("; ")}`);
    return;
  }
  const refusal = contractsMismatch(report);
  if (config.contractCheck === "refuse") throw refusal;
  logger.warn({ code: refusal.code, details: refusal.details }, `API_CONTRACT_CHECK=warn, starting anyway: ${refusal.message}`);
}

async function openDatabaseOrRefuse(config: ApiConfig, logger: Logger): Promise<Database> {
  try {
    return await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.databaseDir, ownsServer: true }, logger);
  } catch (error) {
    // A damaged cluster (its log lost its end) is STORE_CORRUPTED, not unavailable: a restart will not help.
    if (error instanceof StoreCorruptedError) throw error;
    throw databaseUnavailable(config, error);
  }
}

/** The first bureau officer (the embedded node's authority key) and its first API key, written once with mode 0600. */
async function bootstrapBureau(ctx: ApiContext, config: ApiConfig): Promise<string> {
  const file = join(config.dataDir, "bureau-api-key");
  const key = config.bureauKey ?? (existsSync(config.bureauKeyFile) ? (await readFile(config.bureauKeyFile, "utf8")).trim() : undefined);
  if (key === undefined) {
    ctx.logger.warn({ bureauKeyFile: config.bureauKeyFile }, "no bureau key given (API_BUREAU_KEY or API_BUREAU_KEY_FILE): no bureau credential is created");
    return file;
  }
  const bureau = await ctx.services.parties.bootstrapBureau(key);
  if (!existsSync(file)) {
    const { apiKey } = await ctx.services.apiKeys.issue(bureau.account, "bootstrap");
    await writeFileDurably(file, `${apiKey}\n`, 0o600);
  }
  return file;
}

export async function startApi(config: ApiConfig, logger: Logger): Promise<RunningApi> {
  const { ctx, database, bureauKeyFile, keyHolders } = await assembleApi(config, logger);
  const stopWatching = watchEmbeddedServer(database, ctx.storage, logger);
  // Key holders are remembered only while every change to them is heard of (migration 0013).
  const credentialNotices = new NoticeListener(database.url, CREDENTIALS_CHANNEL, { notice: () => keyHolders.invalidate(), listening: (on) => keyHolders.setListening(on) }, logger);
  if (config.keyCacheSize > 0) await credentialNotices.start();
  await ctx.indexer.start();
  ctx.webhookWorker.start();
  const app = createApp(ctx);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  // QR codes point at the verification page where people reach the API; without API_PUBLIC_URL, where it listens.
  // (A copy: the caller's configuration stays as given, for a restart on another port.)
  if (ctx.config.publicUrl === undefined) ctx.config = { ...ctx.config, publicUrl: url };
  let closing: Promise<void> | undefined;
  return {
    url,
    ctx,
    bureauKeyFile,
    // Once: a second close must not stop the embedded server again, which another process may be running by then.
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await stopWatching();
        await credentialNotices.close();
        await ctx.indexer.stop();
        await ctx.webhookWorker.stop();
        await database.close();
      })();
      return closing;
    },
  };
}
