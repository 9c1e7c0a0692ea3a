import type { Logger } from "pino";

import type { LedgerClient } from "../chain/ledger-client";
import type { ApiConfig } from "../config";
import type { EventIndexer } from "../indexer/event-indexer";
import type { ApiKeys } from "../services/api-keys";
import type { CustodyService } from "../services/custody";
import type { Forwarding } from "../services/forwarding";
import type { Audit } from "../services/audit";
import type { ErasureService } from "../services/erasure";
import type { Idempotency } from "../services/idempotency";
import type { Invoices } from "../services/invoices";
import type { HolderDocuments } from "../services/holder-documents";
import type { Parties } from "../services/parties";
import type { PublicVerificationService } from "../services/public-verification";
import type { Reports } from "../services/reports";
import type { SelfRegistrationService } from "../services/self-registration";
import type { Sessions } from "../services/sessions";
import type { Settlement } from "../services/settlement";
import type { Verification } from "../services/verification";
import type { Webhooks } from "../services/webhooks";
import type { DeliveryWorker } from "../webhooks/delivery-worker";
import type { DatabaseStatus } from "../db/database-status";
import type { ApiMetrics } from "./metrics";

/** Everything the HTTP layer needs, passed in once (no module-level state). */
export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  metrics: ApiMetrics;
  client: LedgerClient;
  indexer: EventIndexer;
  /** Whether the API's database takes requests (down, disk full, I/O errors) or found a damaged page. */
  storage: Pick<DatabaseStatus, "probe" | "observed">;
  services: {
    parties: Parties;
    apiKeys: ApiKeys;
    /** The web console's sign-in: sessions opened with an API key, carried by a cookie. */
    sessions: Sessions;
    invoices: Invoices;
    verification: Verification;
    /** What the public verification page shows. */
    publicVerification: PublicVerificationService;
    /** The files a party to an invoice gets: PDF, UBL, proof bundle. */
    holderDocuments: HolderDocuments;
    reports: Reports;
    settlement: Settlement;
    idempotency: Idempotency;
    /** The bureau's audit of refused lifecycle attempts. */
    audit: Audit;
    /** Erasure of individual buyers' personal data, and the bureau's record of it. */
    erasure: ErasureService;
    /** Who holds each party's chain key, and changing it. */
    custody: CustodyService;
    /** Requests parties signed themselves, relayed through the forwarder. */
    forwarding: Forwarding;
    /** Individuals registering with a key of their own. */
    selfRegistration: SelfRegistrationService;
    /** Each party's webhook subscriptions and their deliveries. */
    webhooks: Webhooks;
  };
  /** Delivers the webhook outbox (started with the indexer, stopped before the database closes). */
  webhookWorker: DeliveryWorker;
}
