import { randomUUID } from "node:crypto";

import type { Logger } from "pino";

import type { Keystore, SealedSecret } from "../chain/keystore";
import type { Db } from "../db/database";
import { claimDeliveries, recordAttempt, type ClaimedDelivery } from "../db/webhooks";
import { ApiError } from "../errors";
import { postTo, SendFailure } from "./sender";
import { signatureHeaders } from "./signing";
import { resolveTarget, type NetworkAllowance } from "./url-guard";

/**
 * Delivers the outbox, in every API process: claims due deliveries (FOR UPDATE SKIP LOCKED, with a lease, so
 * instances sharing the database never send one at the same time), signs each (signing.ts), checks its URL again
 * and posts to the checked address (url-guard.ts, sender.ts), and records the attempt. A 2xx answer delivers it;
 * anything else (another status, a redirect, a timeout, a refused address) is retried after the next delay of
 * the schedule, each delay spread by +-20 % (jitter: subscribers that failed together are not retried together),
 * and once the schedule is spent the delivery is failed (a manual redelivery starts it again).
 *
 * At least once: a delivery is marked only after its answer, so a process killed mid-delivery leaves it claimed
 * until the lease ends, and then it is sent again with the same webhook-id. Receivers deduplicate by that id.
 * Deliveries are not ordered: a retried one arrives after later events (the payload's timestamp and block say when).
 */
export interface WebhookWorkerSettings {
  /** Delays between attempts, in ms: after the first failure the first, and so on; spent, the delivery fails. */
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  concurrency: number;
  pollMs: number;
  allowance: NetworkAllowance;
}

/** Answers read at most this far (then the connection is dropped; only the status counts). */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** The error text kept per attempt. */
const MAX_ERROR_TEXT = 200;

export const secretContext = (subscriptionId: string) => Buffer.from(`webhook-secret:${subscriptionId}`);

export class DeliveryWorker {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  /** Woken while claiming: look again as soon as that claim ends. */
  private woken = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly keystore: Pick<Keystore, "openSecret">,
    private readonly logger: Logger,
    private readonly settings: WebhookWorkerSettings,
  ) {}

  /** A claim outlives the longest attempt (the URL's resolution and the exchange, each bounded by the timeout). */
  private get leaseMs(): number {
    return 2 * this.settings.timeoutMs + 1_000;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Stops claiming, and waits for the attempts in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.claiming;
    await Promise.all([...this.inFlight]);
  }

  /** New deliveries were written by this process: look now rather than at the next poll. */
  wake(): void {
    if (this.claiming !== undefined) this.woken = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running || this.timer !== undefined || this.claiming !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.woken = false;
      this.claiming = this.claim().then((next) => {
        this.claiming = undefined;
        this.schedule(this.woken ? 0 : next);
      });
    }, delay);
  }

  /** Claims what is due and starts sending it; resolves with when to look again. */
  private async claim(): Promise<number> {
    const room = this.settings.concurrency - this.inFlight.size;
    let claimed: ClaimedDelivery[] = [];
    if (room > 0) {
      try {
        claimed = await claimDeliveries(this.db, room, this.leaseMs, randomUUID());
      } catch (error) {
        this.logger.warn({ err: error }, "webhooks: could not claim deliveries; retrying");
      }
    }
    for (const delivery of claimed) {
      const attempt: Promise<void> = this.deliver(delivery).finally(() => {
        this.inFlight.delete(attempt);
        this.schedule(0);
      });
      this.inFlight.add(attempt);
    }
    // A full claim may have left more due: look again at once; otherwise at the next poll (or when woken, or when an attempt ends).
    return room > 0 && claimed.length === room ? 0 : this.settings.pollMs;
  }

  private secrets(delivery: ClaimedDelivery): string[] {
    const open = (sealed: SealedSecret) => this.keystore.openSecret(sealed, secretContext(delivery.subscriptionId)).toString("utf8");
    const secrets = [open(delivery.sealedSecret)];
    if (delivery.previousSealedSecret !== null && delivery.previousUntil !== null && delivery.previousUntil.getTime() > Date.now()) secrets.push(open(delivery.previousSealedSecret));
    return secrets;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const at = new Date();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const target = await resolveTarget(delivery.url, this.settings.allowance, this.settings.timeoutMs);
      const headers = signatureHeaders(delivery.id, delivery.body, this.secrets(delivery), new Date());
      statusCode = await postTo(target, headers, delivery.body, { timeoutMs: this.settings.timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
    } catch (failure) {
      error =
        failure instanceof ApiError ? `${failure.code}: ${String(failure.details.reason)}${failure.details.range === undefined ? "" : ` (${String(failure.details.range)})`}`
        : failure instanceof SendFailure ? `${failure.kind}: ${failure.message}`
        : `error: ${failure instanceof Error ? failure.message : String(failure)}`;
    }
    const durationMs = Math.round(performance.now() - started);
    const delivered = error === null;
    const delay = this.settings.retryScheduleMs[delivery.retryStep];
    const retryAt = delivered || delay === undefined ? undefined : new Date(Date.now() + Math.round(delay * (0.8 + 0.4 * Math.random())));
    try {
      await recordAttempt(this.db, { id: delivery.id, token: delivery.token, retryStep: delivery.retryStep }, { at, statusCode, durationMs, error: error?.slice(0, MAX_ERROR_TEXT) ?? null, delivered, retryAt });
    } catch (failure) {
      // Not recorded: the claim's lease runs out and the delivery is sent again (at least once).
      this.logger.warn({ err: failure, delivery: delivery.id }, "webhooks: could not record an attempt");
    }
    if (!delivered) this.logger.info({ delivery: delivery.id, statusCode, error, retryAt: retryAt?.toISOString() ?? null }, "webhooks: delivery attempt failed");
  }
}
