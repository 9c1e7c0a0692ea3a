import type { ColumnType, Generated, Insertable } from "kysely";

/**
 * The tables of migrations/, as the query layer sees them. BIGINT columns (fen, invoice numbers, blocks) are
 * written as bigint or digit strings and read back as digit strings (node-postgres's default for int8), never
 * as JavaScript numbers. Timestamps are written as ISO strings or Dates and read back as Dates.
 */
type Int8 = ColumnType<string, string | bigint, string | bigint>;
type Timestamp = ColumnType<Date, string | Date, string | Date>;
type Json<T> = ColumnType<T, string, string>;

export interface ParticipantsTable {
  account: string;
  role: string;
  name: string;
  taxpayer_id: string | null;
  employer: string | null;
  employee_number: string | null;
  registered_by: string | null;
  predecessor: string | null;
  created_at: Timestamp;
}

/** A new profile as inserted (api/db/parties.ts, api/db/custody.ts). */
export type NewParticipantRow = Insertable<ParticipantsTable>;

export interface TaxpayerAccountsTable {
  taxpayer_id: string;
  account: string;
}

export interface ApiKeysTable {
  key_hash: string;
  key_id: string;
  account: string;
  label: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  /** "read" or "full"; the column's default (full) is what every key made before scopes is. */
  scope: ColumnType<string, string | undefined, string>;
  /** null: the key does not expire. */
  expires_at: ColumnType<Date | null, string | Date | null | undefined, string | Date | null>;
}

export interface WalletsTable {
  account: string;
  sealed: Json<unknown>;
}

export interface DocumentsTable {
  id: string;
  kind: string;
  seller: string;
  request_id: string;
  record: Json<unknown>;
}

export interface DocumentKeysTable {
  id: string;
  salt: string;
  sealed_key: ColumnType<unknown, string | null, string | null>;
}

export interface ErasuresTable {
  id: string;
  /** Generated always (an identity): never written. */
  seq: ColumnType<string, never, never>;
  erased_at: Timestamp;
  erased_by: string;
  basis: string;
  request_reference: string;
}

export interface IdempotencyAnswersTable {
  account: string;
  key: string;
  fingerprint: string;
  status: number;
  body: Json<unknown>;
  created_at: Generated<Date>;
}

export interface SettingsTable {
  name: string;
  value: Json<unknown>;
}

export interface InvoicesTable {
  id: string;
  number: Int8;
  seller: string;
  buyer_tax_id: string | null;
  total: Int8;
  tax: Int8;
  state: string;
  frozen_from: string | null;
  holder: string | null;
  enterprise: string | null;
  filed_period: number | null;
  reversed_total: Int8;
  reversed_tax: Int8;
  pending_credit_note: string | null;
  issued_at: Timestamp;
  issued_period: number;
  updated_at: Timestamp;
  /** Null only for a row indexed before migration 0012 (the index is then rebuilt). */
  seal: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CreditNotesTable {
  id: string;
  number: Int8;
  invoice_id: string;
  seal: string;
  total: Int8;
  tax: Int8;
  status: string;
}

export interface InvoiceEventsTable {
  invoice_id: string;
  block_number: Int8;
  transaction_index: number;
  log_index: number;
  event: Json<unknown>;
}

export interface ParticipantStatusTable {
  account: string;
  status: string;
}

export interface PeriodTotalsTable {
  merchant: string;
  period: number;
  invoices: Int8;
  total: Int8;
  tax: Int8;
  reversed_total: Int8;
  reversed_tax: Int8;
}

export interface MissingDocumentsTable {
  id: string;
}

export interface RefusedAttemptsTable {
  /** Generated always (an identity): never written. */
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, string | Date | undefined, never>;
  account: string;
  role: string;
  action: string;
  invoice_id: string | null;
  invoice_number: Int8 | null;
  credit_note_id: string | null;
  status: number;
  code: string;
}

/** Who holds a party's chain key; no row: hosted (migrations/0007-custody.ts). */
export interface PartyCustodyTable {
  account: string;
  custody: "hosted" | "self";
}

export interface CustodyChangesTable {
  /** Generated always (an identity): never written. */
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, string | Date | undefined, never>;
  account: string;
  /** null: the party was registered in `to_custody`. */
  from_custody: "hosted" | "self" | null;
  to_custody: "hosted" | "self";
  changed_by: string;
}

export interface UsedSignaturesTable {
  digest: string;
  purpose: string;
  account: string;
  at: ColumnType<Date, string | Date | undefined, never>;
}

export interface AdminActionsTable {
  /** Generated always (an identity): never written. */
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, string | Date | undefined, never>;
  actor: string;
  actor_role: string;
  action: string;
  subject: string;
  key_id: string | null;
  reason: string;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface WebhookSubscriptionsTable {
  id: string;
  account: string;
  url: string;
  event_types: string[];
  description: string | null;
  sealed_secret: Json<unknown>;
  previous_sealed_secret: ColumnType<unknown, string | null, string | null>;
  previous_until: Timestamp | null;
  created_at: ColumnType<Date, string | Date | undefined, never>;
}

export interface WebhookDeliveriesTable {
  id: string;
  /** Generated always (an identity): never written. */
  seq: ColumnType<string, never, never>;
  subscription_id: string;
  event_key: string;
  type: string;
  body: string;
  created_at: ColumnType<Date, string | Date | undefined, never>;
  status: ColumnType<"pending" | "delivered" | "failed", "pending" | "delivered" | "failed" | undefined, "pending" | "delivered" | "failed">;
  attempts: ColumnType<number, number | undefined, number>;
  retry_step: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, string | Date | undefined, string | Date>;
  claim_token: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
}

export interface WebhookAttemptsTable {
  /** Generated always (an identity): never written. */
  id: ColumnType<string, never, never>;
  delivery_id: string;
  at: Timestamp;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** A console session (migrations/0009-sessions.ts): only the hash of its token is stored. */
export interface ConsoleSessionsTable {
  id_hash: string;
  key_hash: string;
  created_at: ColumnType<Date, string | Date | undefined, never>;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface Schema {
  participants: ParticipantsTable;
  taxpayer_accounts: TaxpayerAccountsTable;
  api_keys: ApiKeysTable;
  wallets: WalletsTable;
  documents: DocumentsTable;
  document_keys: DocumentKeysTable;
  erasures: ErasuresTable;
  idempotency_answers: IdempotencyAnswersTable;
  settings: SettingsTable;
  invoices: InvoicesTable;
  invoice_events: InvoiceEventsTable;
  credit_notes: CreditNotesTable;
  participant_status: ParticipantStatusTable;
  period_totals: PeriodTotalsTable;
  missing_documents: MissingDocumentsTable;
  refused_attempts: RefusedAttemptsTable;
  party_custody: PartyCustodyTable;
  custody_changes: CustodyChangesTable;
  used_signatures: UsedSignaturesTable;
  admin_actions: AdminActionsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  console_sessions: ConsoleSessionsTable;
}
