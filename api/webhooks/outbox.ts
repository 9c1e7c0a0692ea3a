import { createHash } from "node:crypto";

import type { Db } from "../db/database";
import { addDeliveries, documentIssueTimes, fanOutTargets, indexedInvoice, outboxMark, setOutboxMark, type FanOutTarget } from "../db/webhooks";
import { printedNumber, type NumberForm } from "../domain/printed-number";
import { checksummedAccount, type LedgerEvent } from "../indexer/events";
import type { InvoiceSummary } from "../indexer/invoice-summary";
import { erasureEvent, webhookEventOf, type WebhookEvent } from "./event-types";

/**
 * The transactional outbox. The event index calls `writeRange` inside the transaction that writes a range of
 * blocks and moves its cursor (api/db/event-index.ts `writeIndexRange`), and the erasure calls `writeErasure`
 * inside the transaction that records it (api/db/erasures.ts): a delivery exists exactly when its event is
 * committed, so a crash neither loses one nor invents one.
 *
 * Each delivery's id (the `webhook-id` header) is derived from its subscription and its event, and a delivery
 * written again is left as it is: a range the index writes twice (it was committed without waiting for the disk,
 * and the database crashed) gives the same deliveries, never new ones.
 *
 * `api:reindex` must not send the chain's history again. The outbox keeps a mark, the highest block it fanned
 * out (a setting the rebuild does not clear): a range's events at or below it are not fanned out again, those
 * above it are (events the chain got while the index was being rebuilt, or since the last start). Subscriptions
 * are read when the range is written: a subscription receives the events indexed after it was made.
 */
export interface IndexStep {
  event: LedgerEvent;
  /** The invoice's summary before and after the event (undefined for events of no invoice). */
  before: InvoiceSummary | undefined;
  after: InvoiceSummary | undefined;
}

export interface Outbox {
  /** Fans out a range's events (in the index's transaction `db`), and moves the mark to `to`. */
  writeRange(db: Db, steps: readonly IndexStep[], range: { to: number }): Promise<void>;
  /** Fans out the erasure of an invoice (in the erasure's transaction `db`). */
  writeErasure(db: Db, invoiceId: string, erasure: { erasedAt: string; erasedBy: string }): Promise<void>;
}

/** The webhook-id of a subscription's delivery of one event: the same however often it is written or sent. */
export function deliveryIdOf(subscriptionId: string, event: Pick<WebhookEvent, "key" | "type">): string {
  return `msg_${createHash("sha256").update(`${subscriptionId}\n${event.key}\n${event.type}`).digest("hex").slice(0, 32)}`;
}

/** Whether `target` is told of `event`. */
function receives(target: FanOutTarget, event: WebhookEvent): boolean {
  if (!target.eventTypes.has(event.type)) return false;
  // A revoked party has lost its access to the API: it is told only that it was revoked.
  if (target.status === "Revoked" && event.type !== "participant.status_changed") return false;
  if (target.bureau) return true;
  return event.concerned.some((account) => target.actsFor.has(account));
}

export function createOutbox(options: { numberForm: NumberForm }): Outbox {
  /**
   * Writes the deliveries of `eventsOf()`. The subscriptions are read first: with none (a ledger nobody subscribed
   * to, or a first rebuild, whose events are all above a mark never set) the events are not built at all (building
   * them was 4 % of a first rebuild's JavaScript, profiled at 200,000 invoices).
   */
  async function fanOut(db: Db, eventsOf: () => readonly WebhookEvent[]): Promise<void> {
    const targets = await fanOutTargets(db);
    if (targets.length === 0) return;
    const events = eventsOf();
    if (events.length === 0) return;
    const planned = events.flatMap((event) => targets.filter((target) => receives(target, event)).map((target) => ({ event, target })));
    if (planned.length === 0) return;
    // Printed numbers: the year is the document's issue date's (api/domain/printed-number.ts).
    const ids = new Set(planned.flatMap(({ event }) => [event.invoiceId, event.creditNoteId].filter((id): id is string => id !== undefined)));
    const issued = await documentIssueTimes(db, [...ids]);
    const printed = (id: string | undefined, number: unknown) => {
      const at = id === undefined ? undefined : issued.get(id.toLowerCase());
      return at === undefined || typeof number !== "string" ? null : printedNumber(BigInt(number), at, options.numberForm);
    };
    const bodies = new Map<WebhookEvent, string>();
    const bodyOf = (event: WebhookEvent) => {
      let body = bodies.get(event);
      if (body === undefined) {
        const data = { ...event.data };
        if (event.invoiceId !== undefined) data.printedNumber = printed(event.invoiceId, data.number);
        const note = data.creditNote as Record<string, unknown> | undefined;
        if (note !== undefined && event.creditNoteId !== undefined && "number" in note) data.creditNote = { ...note, printedNumber: printed(event.creditNoteId, note.number) };
        body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data });
        bodies.set(event, body);
      }
      return body;
    };
    await addDeliveries(
      db,
      planned.map(({ event, target }) => ({ id: deliveryIdOf(target.id, event), subscriptionId: target.id, eventKey: event.key, type: event.type, body: bodyOf(event) })),
    );
  }

  return {
    async writeRange(db, steps, range) {
      const mark = await outboxMark(db);
      if (mark !== undefined && range.to <= mark) return;
      await setOutboxMark(db, range.to);
      const fresh = mark === undefined ? steps : steps.filter((step) => step.event.blockNumber > mark);
      if (fresh.length === 0) return;
      await fanOut(db, () =>
        fresh.flatMap((step) => {
          const event = webhookEventOf(step.event, step.before, step.after);
          return event === undefined ? [] : [event];
        }),
      );
    },

    async writeErasure(db, invoiceId, erasure) {
      const row = await indexedInvoice(db, invoiceId);
      if (row === undefined) return; // not indexed yet: nobody could have been told of it
      const account = (value: string | null) => (value === null ? null : checksummedAccount(value));
      const summary = { id: row.id, number: row.number, seller: checksummedAccount(row.seller), holder: account(row.holder), enterprise: account(row.enterprise), state: row.state } as InvoiceSummary;
      await fanOut(db, () => [erasureEvent(summary, erasure)]);
    },
  };
}
